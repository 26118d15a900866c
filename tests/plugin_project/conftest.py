"""Fixtures of the plugin's test project: a Wagtail site with one form page of the plugin."""

import pytest
from django.test import Client
from wagtail.models import Locale, Page, Site

from tests.conftest import clear_run_cache


def supporter_page():
    """A home page, its site and a published supporter form page, as an editor makes them."""
    from membership_forms.models import SupporterFormPage

    Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = root.get_children().filter(slug="home").first()
    if home is None:
        home = root.add_child(instance=Page(title="Home", slug="home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    page = SupporterFormPage(
        title="Become a supporter",
        slug="supporter",
        intro="<p>Join us.</p>",
        confirmation_subject="We received your application",
        confirmation_body="Dear {name}, your reference is {reference}.",
        staff_recipients="secretariat@example.org",
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture(autouse=True)
def _clear_cache():
    clear_run_cache()


@pytest.fixture
def api():
    return Client(HTTP_ACCEPT_LANGUAGE="en")
