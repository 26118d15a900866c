"""A Python client generated from the live OpenAPI document (openapi-python-client)
submits every kind of form, files included, and reads the answers as typed objects."""

from __future__ import annotations

import io
from datetime import date

from membership_forms import kinds
from tests.conftest import wait_for
from tests.documents import real_docx, real_pdf
from tests.payloads import valid_payload
from tests.smtp import subject, text

from .conftest import KINDS


def typed_values(kind: str) -> dict:
    """A valid answer with the types the generated models take (dates as dates)."""
    values = valid_payload(kind)
    for key in ("start_date", "end_date"):
        if key in values:
            values[key] = date.fromisoformat(values[key])
    return values


def test_the_generated_python_client_submits_every_kind_and_reads_the_answers(
    python_client, site, staff_token, live_server, smtp_server
):
    from coalition_api import AuthenticatedClient, Client
    from coalition_api import models as m
    from coalition_api.api.forms import (
        donation_status,
        get_form_schema,
        list_forms,
        submission_status,
        submit_form,
    )
    from coalition_api.types import File

    client = Client(base_url=live_server.url, raise_on_unexpected_status=True)
    listed = list_forms.sync(client=client, locale=m.ListFormsLocale.EN)
    assert isinstance(listed, m.FormList)
    form_ids = {item.kind: item.id for item in listed.items if item.kind in KINDS}
    assert form_ids == {kind: page.pk for kind, page in site.items()}

    files = {
        "cover_letter": File(io.BytesIO(real_pdf(1)), "cover.pdf", "application/pdf"),
        "resume": File(io.BytesIO(real_docx(pages=2)), "resume.docx", "application/octet-stream"),
        "writing_sample": File(io.BytesIO(real_pdf(4)), "sample.pdf", "application/pdf"),
    }
    accepted = {}
    for kind in KINDS:
        schema = get_form_schema.sync(form_ids[kind], client=client)
        values = typed_values(kind)
        if kind == "internship":
            submission = m.InternshipSubmission(**values, **files)
            # Files travel in multipart: the parts' model types each field and file.
            body = m.SubmissionParts.from_dict(valid_payload(kind))
            body.cover_letter, body.resume, body.writing_sample = files.values()
        else:
            submission = getattr(m, f"{kind.title()}Submission")(**values)
            body = m.SubmissionBody.from_dict(submission.to_dict())
        assert set(submission.to_dict()) <= set(schema.additional_properties["properties"]), kind
        response = submit_form.sync_detailed(
            form_ids[kind], client=client, body=body, idempotency_key=f"client-{kind}"
        )
        assert response.status_code == 202, (kind, response.content)
        assert isinstance(response.parsed, m.Accepted), kind
        assert response.parsed.status == "received"
        accepted[kind] = response.parsed

    for kind, answer in accepted.items():
        assert answer.reference.startswith(kinds.get(kind).reference_prefix + "-"), kind
    gift = accepted["donation"].donation
    assert isinstance(gift, m.DonationOut) and gift.method == "pledge"
    status = donation_status.sync(gift.token, client=client)
    assert isinstance(status, m.DonationOut)
    assert (status.status, status.amount, status.currency) == ("pending", "50.00", "USD")

    staff = AuthenticatedClient(
        base_url=live_server.url, token=staff_token, raise_on_unexpected_status=True
    )
    reference = accepted["internship"].reference

    def screened():
        """the worker screened the internship application"""
        answer = submission_status.sync(reference, client=staff)
        return answer if answer.eligibility.outcome is not None else None

    answer = wait_for(screened, timeout=60)
    assert isinstance(answer, m.StatusOut)
    assert (answer.reference, answer.kind) == (reference, "internship")
    assert answer.status != "received"
    assert all(isinstance(reason, m.ReasonOut) for reason in answer.eligibility.reasons)

    def applicant_emailed():
        """the applicant has the confirmation email"""
        return smtp_server.to("lucia@example.org")

    emails = wait_for(applicant_emailed, timeout=60)
    assert any(reference in subject(email) + text(email) for email in emails)
