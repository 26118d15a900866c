"""End to end: the API, a real worker on Redis, the staff API and a real SMTP server.

Every applicant case of ELIGIBILITY.md is submitted once (module fixture, committed), then
each case's test reads its outcome, reasons and emails. Some cases write in French, Spanish
or Arabic, and their acknowledgement must arrive in that language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from membership_forms.models import Notification, Submission, SubmissionStatus
from membership_forms.terms import add_months
from tests.conftest import clear_run_cache, wait_for
from tests.documents import broken_pdf, good_internship_files, real_docx, real_pdf
from tests.smtp import subject

from .conftest import multipart, submit_url, valid_payload

CONTENT = {
    "en": {"membership": "We have received your membership application"},
    "fr": {
        "membership": "Nous avons bien reçu votre demande d’adhésion",  # noqa: RUF001
        "internship": "Votre candidature de stage",
        "supporter": "Nous avons bien reçu votre demande d’ONG sympathisante",  # noqa: RUF001
        "newsletter": "Merci de confirmer votre abonnement",
    },
    "es": {"internship": "Su solicitud de pasantía", "donation": "Gracias por su donación"},
    "ar": {"membership": "تلقّينا طلب العضوية الخاص بكم", "donation": "شكرًا على تبرعكم"},
}


@dataclass
class Case:
    id: str
    kind: str
    changes: dict = field(default_factory=dict)
    outcome: str = "eligible"
    codes: tuple[str, ...] = ()
    language: str = "en"
    files: dict | None = None
    status: str | None = None

    @property
    def expected_status(self) -> str:
        """Applications wait for people in a review queue; the rest are done once screened."""
        if self.status:
            return self.status
        if self.kind in ("membership", "supporter", "internship") or "AMOUNT_REVIEW" in self.codes:
            return SubmissionStatus.IN_REVIEW
        return SubmissionStatus.PROCESSED

    def payload(self, n: int) -> dict:
        data = {**valid_payload(self.kind), **self.changes}
        for key in ("contact_email", "email", "donor_email"):
            if key in data:
                data[key] = f"case{n}@example{n}.org"
        if "organisation_name" in data:
            data["organisation_name"] = f"Case {n} {self.id}"
            data["website"] = f"https://case{n}.example.org"
        return data


def _internship_dates(months: int = 3, start_offset: int = 2, past_days: int = 0) -> dict:
    start = add_months(date.today(), start_offset) - timedelta(days=past_days)
    return {"start_date": start.isoformat(), "end_date": add_months(start, months).isoformat()}


CASES = [
    Case("membership-eligible", "membership"),
    Case("membership-fr", "membership", language="fr"),
    Case("government", "membership", {"government_controlled": True}, "ineligible",
         ("GOVERNMENT_CONTROLLED",), language="ar"),
    Case("not-independent", "membership", {"independent": False}, "ineligible",
         ("NOT_INDEPENDENT",)),
    Case("individual", "membership", {"organisation_type": "individual"}, "ineligible",
         ("INDIVIDUAL_APPLICANT",)),
    Case("for-profit", "membership", {"organisation_type": "private_company"}, "ineligible",
         ("FOR_PROFIT",)),
    Case("no-endorsement", "membership", {"endorses_common_understanding": False},
         "ineligible", ("NO_ENDORSEMENT",)),
    Case("not-registered", "membership", {"legally_registered": False}, "needs_review",
         ("NOT_REGISTERED",)),
    Case("no-programme", "membership", {"has_rtop_programme": False}, "ineligible",
         ("NO_RTOP_PROGRAMME",)),
    Case("network", "membership", {"organisation_type": "network"}, "needs_review",
         ("NETWORK_AFFILIATION",)),
    Case("supporter-eligible", "supporter", {"has_rtop_programme": False}),
    Case("supporter-suggest", "supporter", {}, "eligible", ("SUGGEST_MEMBERSHIP",),
         language="fr"),
    Case("internship-eligible", "internship", language="es"),
    Case("late", "internship", {"term": "summer-2020"}, "ineligible", ("LATE_APPLICATION",)),
    Case("broken-sample", "internship", {}, "ineligible", ("MISSING_DOCUMENT",),
         language="fr", files={"writing_sample": ("s.pdf", broken_pdf(), "application/pdf")}),
    Case("long-sample", "internship", {}, "needs_review", ("WRITING_SAMPLE_TOO_LONG",),
         files={"writing_sample": ("s.pdf", real_pdf(6), "application/pdf")}),
    Case("short-sample", "internship", {}, "needs_review", ("WRITING_SAMPLE_TOO_SHORT",),
         files={"writing_sample": ("s.docx", real_docx(pages=2), "application/octet-stream")}),
    Case("not-advanced", "internship", {"study_level": "other"}, "needs_review",
         ("NOT_ADVANCED_STUDENT",)),
    Case("no-english", "internship", {"english_proficiency": "none"}, "ineligible",
         ("NO_ENGLISH",)),
    Case("duration", "internship", _internship_dates(months=5), "needs_review",
         ("DURATION_OUT_OF_RANGE",)),
    Case("dates-invalid", "internship", _internship_dates(start_offset=0, past_days=3),
         "ineligible", ("DATES_INVALID",)),
    Case("donation-eligible", "donation", language="es"),
    Case("large-gift", "donation", {"amount": "9000.00"}, "needs_review", ("AMOUNT_REVIEW",),
         language="ar"),
    Case("newsletter", "newsletter", language="fr", status=SubmissionStatus.PENDING_CONFIRMATION),
]  # fmt: skip


def _record_directly(page, payload) -> str:
    """As the intake would store it, for what the form can no longer offer (a closed term)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from membership_forms.files import inspect_upload
    from membership_forms.services.submissions import record_submission

    uploads = {}
    for key, (name, content, content_type) in good_internship_files().items():
        upload = SimpleUploadedFile(name, content, content_type=content_type)
        upload.info = inspect_upload(upload, 10 * 1024 * 1024)
        uploads[key] = upload
    recorded = record_submission(page=page, payload=payload, uploads=uploads, locale="en")
    return recorded.submission.reference


def _submit(client: Client, pages: dict, case: Case, n: int) -> str:
    """Through the API; a term already closed cannot be offered, so it goes via the service."""
    page = pages[case.kind][case.language]
    payload = case.payload(n)
    if case.id == "late":
        return _record_directly(page, payload)
    headers = {"HTTP_ACCEPT_LANGUAGE": case.language}
    if case.kind == "internship":
        files = {**good_internship_files(), **(case.files or {})}
        response = client.post(submit_url(page), multipart(payload, files), **headers)
    else:
        response = client.post(
            submit_url(page), json.dumps(payload), content_type="application/json", **headers
        )
    assert response.status_code == 202, (case.id, response.content)
    return response.json()["reference"]


@pytest.fixture
def screened(live_form_pages, celery_worker, smtp_server):
    """Every case submitted once and screened by the worker, every email at the SMTP server.

    Committed (the worker is another thread), so the transactional flush cleans it up.
    """
    client = Client()
    references = {}
    for n, case in enumerate(CASES):
        clear_run_cache()  # the rate limit is not under test here
        references[case.id] = _submit(client, live_form_pages, case, n)

    def all_mailed():
        """every submission screened and every email sent"""
        screened = not Submission.objects.filter(status="received").exists()
        pending = Notification.objects.filter(status="pending").exists()
        return screened and not pending and len(smtp_server.messages) >= len(CASES)

    wait_for(all_mailed, timeout=180)
    return {"references": references, "smtp": smtp_server}


@pytest.fixture
def staff():
    client = Client()
    client.force_login(User.objects.create_superuser("staff", "staff@example.org", "x" * 12))
    return client


def _acknowledgement_subject(case: Case) -> str | None:
    return CONTENT.get(case.language, {}).get(case.kind)


@pytest.mark.django_db(transaction=True)
def test_every_case_is_screened_and_acknowledged(screened, staff, subtests):
    for case in CASES:
        with subtests.test(case=case.id):
            check_case(case, screened, staff)
    check_translated_reason(screened, staff)


def check_case(case: Case, screened: dict, staff: Client) -> None:
    n = CASES.index(case)
    reference = screened["references"][case.id]
    body = staff.get(f"/api/v3/forms/submissions/{reference}/").json()
    assert body["status"] == case.expected_status
    assert body["processed_at"]
    assert body["eligibility"]["outcome"] == case.outcome
    assert tuple(reason["code"] for reason in body["eligibility"]["reasons"]) == case.codes
    assert all(reason["message"] for reason in body["eligibility"]["reasons"])
    kinds = {row["kind"]: row for row in body["notifications"]}
    applicant_kind = "newsletter_confirmation" if case.kind == "newsletter" else "acknowledgement"
    assert kinds[applicant_kind]["status"] == "sent" and kinds[applicant_kind]["sent_at"]
    assert kinds["staff_alert"]["status"] == "sent"

    received = screened["smtp"].to(f"case{n}@example{n}.org")
    assert len(received) == 1, [subject(m) for m in received]
    message = received[0]
    assert message["Content-Language"] == case.language
    if expected := _acknowledgement_subject(case):
        assert subject(message) == expected
    assert reference in message.get_body(("plain",)).get_content() or case.kind == "newsletter"
    staff_mail = screened["smtp"].to("secretariat@example.org")
    alerts = [m for m in staff_mail if reference in subject(m)]
    assert len(alerts) == 1


def check_translated_reason(screened: dict, staff: Client) -> None:
    reference = screened["references"]["broken-sample"]
    reasons = staff.get(f"/api/v3/forms/submissions/{reference}/").json()["eligibility"]["reasons"]
    assert reasons[0]["code"] == "MISSING_DOCUMENT"
    assert "writing_sample" in reasons[0]["message"]
    assert reasons[0]["message"].startswith("Nous n’avons pas pu lire")  # noqa: RUF001


def test_every_reason_code_is_covered():
    from membership_forms.eligibility import Code

    covered = {code for case in CASES for code in case.codes}
    assert covered == set(Code)


@pytest.mark.django_db
def test_the_duplicate_lookups_index_has_no_pending_list():
    """Screening looks up duplicates for every submission: with GIN's pending list a
    flood made each lookup read it through (migration 0033)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'mf_submission_duplicate_keys'"
        )
        (options,) = cursor.fetchone()
    assert "fastupdate=off" in options
