"""The contact form: a message to the Secretariat, through the site's page and the API,
screened and mailed by the real worker over real SMTP."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from membership_forms.models import ContactFormPage, Submission
from membership_forms.services.retention import purge_expired_applicants
from membership_forms.views import STARTED, started_token
from tests.conftest import assert_permission_denied, wait_for
from tests.smtp import subject, text

from .conftest import submit_url, valid_payload
from .reviewing import member_of


def _delivered(smtp_server, count: int):
    def delivered():
        """the acknowledgement and the staff alert reached the SMTP server"""
        screened = not Submission.objects.filter(status="received").exists()
        return screened and len(smtp_server.messages) >= count

    wait_for(delivered, timeout=60)
    return smtp_server.settle(0.3)


@pytest.mark.django_db(transaction=True)
def test_a_message_through_the_api_is_acknowledged_in_its_language(
    live_form_pages, celery_worker, smtp_server, api
):
    page = live_form_pages["contact"]["fr"]
    payload = {**valid_payload("contact"), "message": "Bonjour,\n\nQuelles sont les étapes ?"}
    response = api.post(
        submit_url(page), json.dumps(payload), content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )  # fmt: skip
    assert response.status_code == 202, response.content
    reference = response.json()["reference"]
    assert reference.startswith("MSG-")

    messages = _delivered(smtp_server, 2)
    assert len(messages) == 2
    [acknowledgement] = smtp_server.to("nadia@example.org")
    assert subject(acknowledgement) == "Nous avons bien reçu votre message"
    assert acknowledgement["Content-Language"] == "fr"
    assert "Bonjour Nadia Haddad," in text(acknowledgement)
    assert reference in text(acknowledgement)
    # The Secretariat's alert, in the site's language, carries the message itself.
    [alert] = smtp_server.to("secretariat@example.org")
    assert reference in subject(alert)
    body = text(alert)
    assert "A regional network" in body and "Quelles sont les étapes ?" in body
    assert "Forum of Civil Society" in body and "nadia@example.org" in body
    submission = Submission.objects.get(reference=reference)
    assert submission.status == "processed"
    assert not hasattr(submission, "review") or submission.review is None


@pytest.mark.django_db(transaction=True)
def test_a_message_through_the_page_reaches_the_secretariat_and_its_inbox(
    live_form_pages, celery_worker, smtp_server
):
    page = live_form_pages["contact"]["es"]
    visitor = Client()
    form = visitor.get(page.url)
    assert form.status_code == 200
    html = form.content.decode()
    for name in ("name", "email", "organisation", "subject", "message"):
        assert f'name="{name}"' in html
    assert "Enviar el mensaje" in html  # the submit label, in the page's language
    data = {**valid_payload("contact"), "organisation": "", STARTED: started_token(now=0)}
    response = visitor.post(page.url, data)
    assert response.status_code == 303, response.content.decode()[:2000]
    submission = Submission.objects.get()
    assert submission.reference in visitor.get(response["Location"]).content.decode()
    assert submission.locale == "es" and submission.payload["organisation"] == ""

    _delivered(smtp_server, 2)
    [acknowledgement] = smtp_server.to("nadia@example.org")
    assert subject(acknowledgement) == "Hemos recibido su mensaje"
    assert "Estimado/a Nadia Haddad:" in text(acknowledgement)
    [alert] = smtp_server.to("secretariat@example.org")
    assert "How can a regional network" in text(alert)

    # The Secretariat reads it in the submissions inbox; the internship coordinator cannot.
    secretariat = Client()
    secretariat.force_login(_with_inbox(member_of("Secretariat", "sec"), messages=True))
    listing = secretariat.get("/admin/membership-forms/submissions/?kind=contact")
    assert listing.status_code == 200
    assert submission.reference in listing.content.decode()
    detail = secretariat.get(f"/admin/membership-forms/submissions/{submission.pk}/")
    assert detail.status_code == 200
    assert "How can a regional network" in detail.content.decode()
    coordinator = Client()
    coordinator.force_login(_with_inbox(member_of("Internship coordinator", "coord")))
    listing = coordinator.get("/admin/membership-forms/submissions/")
    assert submission.reference not in listing.content.decode()
    assert_permission_denied(
        coordinator.get(f"/admin/membership-forms/submissions/{submission.pk}/")
    )


def _with_inbox(user: User, messages: bool = False) -> User:
    from django.contrib.auth.models import Permission

    codenames = ["view_submission"] + (["view_contact_messages"] if messages else [])
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)  # a fresh permission cache


def test_messages_are_forgotten_a_retention_period_after_they_arrive(form_pages, api, settings):
    page = form_pages["contact"]["en"]
    response = api.post(
        submit_url(page), json.dumps(valid_payload("contact")), content_type="application/json"
    )
    assert response.status_code == 202
    submission = Submission.objects.get()
    submission.set_status("processed")
    assert purge_expired_applicants() == 0  # too recent
    later = timezone.now() + timedelta(days=settings.MEMBERSHIP_FORMS.get("RETENTION_DAYS", 365))
    assert purge_expired_applicants(now=later + timedelta(days=1)) == 1
    submission.refresh_from_db()
    assert submission.payload == {}
    assert submission.reference.startswith("MSG-")  # the record that it came stays


def test_a_contact_page_needs_the_address_messages_go_to(form_pages):
    from django.core.exceptions import ValidationError

    page = ContactFormPage(title="Contact", slug="contact-2", staff_recipients="")
    with pytest.raises(ValidationError) as refused:
        page.clean()
    assert "staff_recipients" in refused.value.message_dict
