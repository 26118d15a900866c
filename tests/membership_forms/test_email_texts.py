"""Editors' texts for decision, information-request, reminder and receipt emails."""

from __future__ import annotations

from membership_forms.models import Notification, Submission
from membership_forms.services.email_texts import render_notification
from membership_forms.services.notifications import queue_notification

from .test_notifications import _submit


def _html(message) -> str:
    (content, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return content


def _french_submission(form_pages, api) -> tuple[Submission, object]:
    page = form_pages["membership"]["fr"]
    submission = _submit(api, page)
    assert submission.locale == "fr"
    return submission, page


def _decision(submission, decision: str, reason: str = ""):
    notification = queue_notification(
        submission, "decision", context={"decision": decision, "reason": reason}
    )
    assert notification.language == "fr"
    return render_notification(notification)


def test_an_editors_decision_text_is_used_in_french(form_pages, api):
    submission, page = _french_submission(form_pages, api)
    page.approval_subject = "Bienvenue, {name} ({reference})"
    page.approval_body = "Chère {name},\n\nVotre candidature à « {form} » est acceptée."
    page.save()
    message = _decision(submission, "approved")
    assert message.subject == f"Bienvenue, Amina Odhiambo ({submission.reference})"
    assert message.body == (
        f"Chère Amina Odhiambo,\n\nVotre candidature à « {page.title} » est acceptée."
    )
    assert message.extra_headers["Content-Language"] == "fr"
    # The English page's texts (untouched) are not used for the French applicant.
    assert form_pages["membership"]["en"].approval_subject == ""


def test_a_decline_uses_its_own_text_and_the_reason(form_pages, api):
    submission, page = _french_submission(form_pages, api)
    page.approval_subject = "Bienvenue"
    page.decline_body = "Nous regrettons : {reason}"
    page.save()
    message = _decision(submission, "declined", reason="Hors mandat.")
    # No decline subject set: the standard French one; the body is the editor's.
    assert message.subject == f"Votre demande {submission.reference} : notre décision"
    assert message.body == "Nous regrettons : Hors mandat."


def test_empty_texts_fall_back_to_the_translated_defaults(form_pages, api):
    submission, page = _french_submission(form_pages, api)
    page.approval_subject = ""
    page.approval_body = ""
    page.save()
    message = _decision(submission, "approved")
    assert message.subject == f"Votre demande {submission.reference} : approuvée"
    assert "Amina Odhiambo" in message.body and "Dear" not in message.body


def test_html_in_an_editors_text_is_escaped_in_the_html_part(form_pages, api):
    submission, page = _french_submission(form_pages, api)
    page.approval_body = '<b>Bravo</b> {name} <a href="https://evil.example">clic</a>'
    page.save()
    message = _decision(submission, "approved")
    html = _html(message)
    assert "&lt;b&gt;Bravo&lt;/b&gt; Amina Odhiambo" in html
    assert "<b>Bravo</b>" not in html and '<a href="https://evil.example">' not in html
    assert message.body.startswith("<b>Bravo</b> Amina Odhiambo")  # the text part is plain


def test_only_the_sites_own_links_are_clickable_in_the_html_part(form_pages, api):
    """An address the applicant (or a reviewer) typed is shown as text, never made a link
    that staff or the applicant could click; the links the site puts in the email are."""
    submission, _page = _french_submission(form_pages, api)
    submission.payload["contact_name"] = "Amina https://evil.example/login"
    submission.save(update_fields=["payload"])
    request = queue_notification(
        submission,
        "info_request",
        discriminator="1",
        context={
            "link": "https://coalition.example.org/forms/more-information/abc/",
            "message": "See www.evil.example and <b>x</b>",
        },
    )
    message = render_notification(request)
    html = _html(message)
    assert "https://evil.example/login" in message.body and "evil.example/login" in html
    assert 'href="https://evil.example' not in html and 'href="http://www.evil' not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert (
        '<a href="https://coalition.example.org/forms/more-information/abc/"' in html
    )  # the site's own link


def test_information_request_and_reminder_texts(form_pages, api):
    submission, page = _french_submission(form_pages, api)
    page.info_request_subject = "Précisions pour {reference}"
    page.info_request_body = "{message} — répondez ici : {link}"
    page.save()
    english = form_pages["membership"]["en"]
    english.reminder_subject = "Still waiting: {reference} ({status})"
    english.save()
    request = queue_notification(
        submission,
        "info_request",
        discriminator="1",
        context={"link": "https://example.org/r/abc", "message": "Vos statuts ?"},
    )
    message = render_notification(request)
    assert message.subject == f"Précisions pour {submission.reference}"
    assert message.body == "Vos statuts ? — répondez ici : https://example.org/r/abc"
    # Reminders go to staff, in English: the English page's text.
    reminder = queue_notification(
        submission,
        "reminder",
        recipient="staff@example.org",
        discriminator="2026-01-01",
        context={"status": "screening", "since": "2026-01-01"},
    )
    assert render_notification(reminder).subject == (
        f"Still waiting: {submission.reference} (screening)"
    )


def test_receipt_texts_on_donation_pages(form_pages, api):
    page = form_pages["donation"]["es"]
    submission = _submit(api, page)
    page.receipt_subject = "Recibo {receipt_number}"
    page.save()
    receipt = queue_notification(
        submission,
        "receipt",
        discriminator="1",
        context={"receipt_number": "R-2026-1", "donor_name": "Ana", "amount": "50"},
    )
    message = render_notification(receipt)
    assert message.subject == "Recibo R-2026-1"
    assert "Ana" in message.body and "50" in message.body  # the standard Spanish body
    assert "Gracias" in message.body
    # The yearly summary goes in the donor's language, with that page's texts.
    page.receipt_summary_body = "Gracias, {donor_name}: {year}\n{total_lines}"
    page.save()
    summary = queue_notification(
        submission,
        "receipt_summary",
        recipient="ana@example.org",
        discriminator="2026:ana",
        context={"donor_name": "Ana", "year": "2026", "total_lines": "50 EUR"},
    )
    assert summary.language == "es"
    message = render_notification(Notification.objects.get(pk=summary.pk))  # as the worker
    assert message.subject == "Sus donaciones en 2026"  # no subject set: the standard one
    assert message.body == "Gracias, Ana: 2026\n50 EUR"


def test_the_texts_are_translated_with_the_page():
    from wagtail_localize.fields import TranslatableField, get_translatable_fields

    from membership_forms.models import DonationFormPage, InternshipFormPage

    names = {
        field.field_name
        for field in get_translatable_fields(DonationFormPage)
        if isinstance(field, TranslatableField)
    }
    for prefix in ("approval", "decline", "info_request", "reminder", "receipt", "receipt_summary"):
        assert {f"{prefix}_subject", f"{prefix}_body"} <= names
    assert not hasattr(InternshipFormPage, "receipt_body")


def test_the_acknowledgement_leads_to_the_applicants_page(form_pages, api):
    submission, _page = _french_submission(form_pages, api)
    message = render_notification(queue_notification(submission, "acknowledgement"))
    assert "Suivez vos demandes sur votre page\u00a0:\nhttp://testserver/fr/my/" in message.body
    assert '<a href="http://testserver/fr/my/"' in _html(message)
    # The demo page's own text ends with its sign-off: the line comes after it.
    assert message.body.endswith("http://testserver/fr/my/")


def test_a_renamed_site_signs_the_next_email_with_its_new_name(form_pages, api):
    """Emails keep the site's name a minute per process; a rename saved here applies at once."""
    from wagtail.models import Site

    submission = _submit(api, form_pages["membership"]["en"])
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Coalition for the Responsibility to Protect"
    site.save()
    first = render_notification(queue_notification(submission, "acknowledgement"))
    assert "Coalition for the Responsibility to Protect" in first.body

    site.site_name = "Global Protection Network"
    site.save()
    notification = queue_notification(submission, "info_request", context={"message": "?"})
    second = render_notification(notification)
    assert "Global Protection Network" in second.body
    assert "Coalition for the Responsibility to Protect" not in second.body
