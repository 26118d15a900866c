"""Fixtures for the editorial site: an editor, a home page made through the admin, media."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Locale, Page, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from tests.conftest import clear_run_cache


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (site root paths, pages, settings)."""
    clear_run_cache()


@pytest.fixture
def editor_client(django_user_model):
    """A signed-in editor's browser, separate from the anonymous `client`."""
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    editor = Client()
    editor.force_login(user)
    return editor


def create_through_admin(client, parent: Page, model: type[Page], fields: dict) -> Page:
    """Fill in and publish Wagtail's add-page form, as an editor would; return the new page."""
    data = nested_form_data({"comments": inline_formset([]), **fields})
    data["action-publish"] = "action-publish"
    url = reverse(
        "wagtailadmin_pages:add",
        args=[model._meta.app_label, model._meta.model_name, parent.pk],
    )
    response = client.post(url, data)
    if response.status_code != 302:
        form = response.context["form"] if response.context else None
        errors = dict(form.errors) if form is not None else response.content[:500]
        pytest.fail(f"creating a {model.__name__} failed: {errors}")
    page = model.objects.get(slug=fields["slug"], locale=parent.locale)
    assert page.live
    return page


@pytest.fixture
def image(db):
    return Image.objects.create(title="A test image", file=get_test_image_file())


@pytest.fixture
def home(editor_client, db):
    """A home page added under the tree root through the admin, served as the site root."""
    root = Page.get_first_root_node() or _tree_root()
    home = create_through_admin(
        editor_client,
        root,
        _home_model(),
        {
            "title": "Home",
            "slug": "coalition-home",
            "intro": "",
            "hero_heading": "Protecting people is a shared responsibility",
            "hero_text": "Civil society working together.",
            "hero_image": "",
            "body": streamfield([]),
            "priorities_heading": "What we work on",
            "priorities": streamfield(
                [("priority", {"title": "Advocacy", "text": "At all levels."})]
            ),
            "calls_to_action": streamfield([]),
            "footer_text": "A global network founded in 2009.",
        },
    )
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname, site.root_page = "localhost", home
    site.save()  # through save(), so Wagtail forgets its cached site root paths
    return home


def _tree_root() -> Page:
    """Wagtail's migrations make the tree root; a transactional test's flush removes it."""
    locale, _ = Locale.objects.get_or_create(language_code="en")
    return Page.add_root(instance=Page(title="Root", slug="root", locale=locale))


def _home_model():
    from cms.models import HomePage

    return HomePage


@pytest.fixture
def demo_site(db, settings, tmp_path):
    """The whole demo site in four languages, as `make run` builds it."""
    settings.VAR_DIR = tmp_path  # where the demo keeps its reviewers' passwords
    for code in ("en", "fr", "es", "ar"):
        Locale.objects.get_or_create(language_code=code)
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    return Site.objects.get(is_default_site=True)
