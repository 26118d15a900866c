"""A kind is one declaration: the test settings install an app (tests/sample_kind) that
declares an event registration kind and its page, and nothing else. The plugin lists it,
describes it, takes submissions, screens them, mails both sides and shows them in its
inbox, from that declaration alone."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from wagtail.models import Site

from membership_forms import kinds
from membership_forms.models import Submission
from tests.conftest import wait_for
from tests.smtp import subject, text

from .conftest import submit_url


def _event_page():
    from cms.demo.pages import ensure_home
    from tests.sample_kind.models import EventRegistrationFormPage

    ensure_home()
    home = Site.objects.get(is_default_site=True).root_page
    page = EventRegistrationFormPage(
        title="Register for the annual meeting",
        slug="annual-meeting",
        staff_recipients="events@example.org",
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.mark.django_db(transaction=True)
def test_a_kind_declared_in_another_app_is_served_end_to_end(celery_worker, smtp_server):
    assert "event" in kinds.names()
    page = _event_page()
    api = Client(HTTP_ACCEPT_LANGUAGE="en")

    listed = api.get("/api/v3/forms/?kind=event").json()["items"]
    assert [(item["id"], item["kind"]) for item in listed] == [(page.pk, "event")]
    definition = api.get(f"/api/v3/forms/{page.pk}/").json()
    assert [field["name"] for field in definition["fields"]] == [
        "full_name",
        "email",
        "attending_online",
    ]

    payload = {"full_name": "Kofi Mensah", "email": "kofi@example.org", "attending_online": True}
    response = api.post(submit_url(page), json.dumps(payload), content_type="application/json")
    assert response.status_code == 202, response.content
    reference = response.json()["reference"]
    assert reference.startswith("EVT-")
    refused = api.post(
        submit_url(page),
        json.dumps({**payload, "email": "not an address"}),
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"email"}

    def mailed():
        """the person's acknowledgement and the staff alert delivered"""
        return len(smtp_server.messages) >= 2

    wait_for(mailed, timeout=60)
    [acknowledgement] = smtp_server.to("kofi@example.org")
    assert reference in subject(acknowledgement)
    assert "Dear Kofi Mensah," in text(acknowledgement)
    [alert] = smtp_server.to("events@example.org")
    assert reference in subject(alert) and "Kofi Mensah" in text(alert)

    submission = Submission.objects.get(reference=reference)
    assert submission.status == "processed"
    assert submission.payload["attending_online"] is True

    staff = Client()
    staff.force_login(User.objects.create_superuser("boss", "boss@example.org", "x" * 12))
    inbox = staff.get("/admin/membership-forms/submissions/?kind=event")
    assert inbox.status_code == 200 and reference in inbox.content.decode()


def test_the_declared_kinds_need_no_migration(db):
    """Kinds are model choices through a callable: registering one changes no migration."""
    call_command("makemigrations", "membership_forms", check=True, dry_run=True, verbosity=0)


def test_a_kind_declares_a_unique_reference_prefix():
    clash = kinds.KindSpec(
        key="other",
        label="Other",
        reference_prefix="MEM",
        page_model="membership_forms.MembershipFormPage",
        core_fields=(),
        contact_fields=("email", "name"),
        privacy_note="",
        submit_label="",
    )
    with pytest.raises(ValueError, match="share the prefix MEM"):
        kinds.register(clash)
    assert "other" not in kinds.names()
