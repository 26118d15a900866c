"""The plugin in a project of its own: Wagtail and membership_forms, nothing of the site.

One INSTALLED_APPS entry, one URL include and the project's Celery app are all it has.
"""

import json
import sys

import pytest
from django.conf import settings

from membership_forms.models import Submission
from tests.conftest import wait_for
from tests.payloads import valid_payload
from tests.smtp import subject

from .conftest import supporter_page

PAYLOAD = valid_payload("supporter")


def test_the_project_is_not_the_site():
    assert "cms" not in settings.INSTALLED_APPS
    assert settings.ROOT_URLCONF == "tests.plugin_project.urls"
    # Nothing of the site was even imported: the plugin depends on none of it.
    assert not [name for name in sys.modules if name.split(".")[0] in ("cms", "tasks")]


@pytest.mark.django_db
def test_the_api_lists_and_describes_the_form(api):
    page = supporter_page()
    listing = api.get("/api/v3/forms/")
    assert listing.status_code == 200
    assert [item["id"] for item in listing.json()["items"]] == [page.pk]
    schema = api.get(f"/api/v3/forms/{page.pk}/")
    assert schema.status_code == 200
    body = schema.json()
    assert body["title"] == "Become a supporter" and body["kind"] == "supporter"
    names = {field["name"] for field in body["fields"]}
    assert {"organisation_name", "headquarters_country", "contact_email"} <= names


@pytest.mark.django_db
def test_the_form_page_renders_in_the_projects_own_layout(api):
    page = supporter_page()
    response = api.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Become a supporter" in html
    assert 'name="organisation_name"' in html
    assert "membership_forms/forms.css" in html  # the plugin's own stylesheet


@pytest.mark.django_db(transaction=True)
def test_a_submission_is_accepted_then_screened_by_a_worker(celery_worker, smtp_server, api):
    page = supporter_page()
    response = api.post(
        f"/api/v3/forms/{page.pk}/submissions/",
        json.dumps(PAYLOAD),
        content_type="application/json",
    )
    assert response.status_code == 202
    submission = Submission.objects.get(reference=response.json()["reference"])

    def screened():
        """the worker screened the submission into its review queue"""
        submission.refresh_from_db()
        return submission.status == "in_review"

    wait_for(screened, timeout=60)

    def acknowledged():
        """the applicant's acknowledgement arrived over SMTP"""
        return smtp_server.to("amina@example.org")

    (message,) = wait_for(acknowledged, timeout=30)
    assert subject(message) == "We received your application"
