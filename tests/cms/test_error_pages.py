"""Error pages a visitor may meet: in the site's look, in the language of the address."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.utils import translation

# (prefix, lang, dir, the skip link and the site's name in that language)
LANGUAGES = [
    ("/", "en", "ltr", "Skip to main content", "International Coalition for the Responsibility"),
    ("/fr/", "fr", "ltr", "Aller au contenu principal", "Coalition internationale pour la"),
    ("/es/", "es", "ltr", "Ir al contenido principal", "Coalición Internacional para la"),
    ("/ar/", "ar", "rtl", "الانتقال إلى المحتوى الرئيسي", "التحالف الدولي من أجل مسؤولية الحماية"),
]


def html_tag(content: str) -> str:
    return re.search(r"<html[^>]*>", content).group(0)


@pytest.mark.django_db
def test_missing_page_is_branded_and_in_the_language_of_the_address(client, demo_site):
    for prefix, lang, direction, skip_link, site_name in LANGUAGES:
        response = client.get(f"{prefix}no-such-page/")
        assert response.status_code == 404, prefix
        content = response.content.decode()
        assert html_tag(content) == f'<html lang="{lang}" dir="{direction}">'
        assert 'class="site-header"' in content  # the site's own header, menus and footer
        assert 'class="site-footer"' in content
        assert skip_link in content and site_name in content
        assert '<meta name="robots" content="noindex">' in content
        assert "<h1>" in content
        # A way on: the home page in the same language.
        home_url = "/" if lang == "en" else f"/{lang}/"
        assert f'class="button button--primary" href="{home_url}"' in content
        assert response["Content-Security-Policy"]


def test_server_error_page_needs_no_database_and_speaks_the_visitors_language():
    """500.html renders with no request context, no context processor and no database
    (this test has no database access: any query would fail it)."""
    from django.views.defaults import server_error

    request = RequestFactory().get("/ar/news/")
    for _prefix, lang, direction, skip_link, site_name in LANGUAGES:
        with translation.override(lang):
            response = server_error(request)
        assert response.status_code == 500
        content = response.content.decode()
        assert html_tag(content) == f'<html lang="{lang}" dir="{direction}">'
        assert 'class="site-header"' in content
        assert "/static/cms/css/site.css" in content
        assert site_name in content and skip_link in content
        home_url = "/" if lang == "en" else f"/{lang}/"
        assert f'class="button button--primary" href="{home_url}"' in content


def test_bad_request_page_needs_no_database():
    from django.core.exceptions import SuspiciousOperation
    from django.views.defaults import bad_request

    request = RequestFactory().get("/fr/")
    with translation.override("fr"):
        response = bad_request(request, SuspiciousOperation())
    assert response.status_code == 400
    content = response.content.decode()
    assert html_tag(content) == '<html lang="fr" dir="ltr">'
    assert 'class="site-header"' in content


@pytest.mark.django_db
def test_a_bad_host_gets_the_branded_400(client, home, settings):
    settings.ALLOWED_HOSTS = ["coalition.example.org"]
    response = client.get("/fr/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    content = response.content.decode()
    assert html_tag(content) == '<html lang="fr" dir="ltr">'
    assert 'class="site-header"' in content


@pytest.mark.django_db
def test_forbidden_page_is_branded(rf, home):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/es/")
    request.user = AnonymousUser()
    with translation.override("es"):
        response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    content = response.content.decode()
    assert html_tag(content) == '<html lang="es" dir="ltr">'
    assert 'class="site-header"' in content and 'class="site-footer"' in content


@pytest.mark.django_db
def test_expired_form_token_explains_and_offers_the_way_back(home):
    """A form sent without a valid CSRF token (expired, cookies blocked) gets a page in
    the site's look and language that says what happened and links back to the form."""
    browser = Client(enforce_csrf_checks=True)
    for prefix, lang, direction, _skip, site_name in LANGUAGES:
        response = browser.post(f"{prefix}?from=form", {"email": "someone@example.org"})
        assert response.status_code == 403, prefix
        content = response.content.decode()
        assert html_tag(content) == f'<html lang="{lang}" dir="{direction}">'
        assert 'class="site-header"' in content and site_name in content
        assert "CSRF verification failed" not in content  # not Django's bare page
        assert '<a class="button button--primary" href="' + prefix + '?from=form">' in content
    english = browser.post("/", {}).content.decode()
    assert "could not be sent" in english
