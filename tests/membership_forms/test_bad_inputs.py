"""The bad-input corpus: every case answered 4xx with a clear, field-keyed error, nothing stored."""

import io
import json
import zipfile

import pytest

from membership_forms.models import Submission, SubmissionFile

from .conftest import (
    internship_files,
    minimal_docx,
    minimal_pdf,
    multipart,
    stored_files,
    submit_url,
    valid_payload,
)

MB = 1024 * 1024


def changed(kind, **changes):
    payload = valid_payload(kind)
    for key, value in changes.items():
        if value is ...:
            payload.pop(key)
        else:
            payload[key] = value
    return payload


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"\0" * (20 * MB))
    return buffer.getvalue()


J = "json"
# (id, kind, body kind, body, status, error key)
JSON_CASES = [
    (
        "missing-name",
        "supporter",
        changed("supporter", organisation_name=...),
        422,
        "organisation_name",
    ),
    ("missing-email", "supporter", changed("supporter", contact_email=...), 422, "contact_email"),
    (
        "name-not-string",
        "supporter",
        changed("supporter", organisation_name=42),
        422,
        "organisation_name",
    ),
    (
        "boolean-as-string",
        "supporter",
        changed("supporter", legally_registered="yes"),
        422,
        "legally_registered",
    ),
    ("boolean-as-number", "membership", changed("membership", independent=1), 422, "independent"),
    (
        "missing-boolean",
        "membership",
        changed("membership", government_controlled=...),
        422,
        "government_controlled",
    ),
    ("list-as-string", "supporter", changed("supporter", sectors="peacebuilding"), 422, "sectors"),
    (
        "unknown-choice-in-list",
        "supporter",
        changed("supporter", sectors=["piracy"]),
        422,
        "sectors",
    ),
    (
        "unknown-organisation-type",
        "membership",
        changed("membership", organisation_type="cult"),
        422,
        "organisation_type",
    ),
    (
        "unknown-country",
        "supporter",
        changed("supporter", headquarters_country="XX"),
        422,
        "headquarters_country",
    ),
    (
        "country-name-not-code",
        "supporter",
        changed("supporter", headquarters_country="France"),
        422,
        "headquarters_country",
    ),
    (
        "invalid-email",
        "supporter",
        changed("supporter", contact_email="not-an-email"),
        422,
        "contact_email",
    ),
    (
        "email-header-injection",
        "supporter",
        changed("supporter", contact_email="a@example.org\r\nBcc: x@evil.example"),
        422,
        "contact_email",
    ),
    (
        "email-encoded-newline",
        "newsletter",
        changed("newsletter", email="a@example.org%0aBcc:x@evil.example"),
        422,
        "email",
    ),
    (
        "email-two-recipients",
        "supporter",
        changed("supporter", contact_email="a@example.org,b@evil.example"),
        422,
        "contact_email",
    ),
    (
        "email-display-name",
        "newsletter",
        changed("newsletter", email="Victim <v@example.org>"),
        422,
        "email",
    ),
    (
        "email-newline-only",
        "newsletter",
        changed("newsletter", email="v@example.org\n"),
        422,
        "email",
    ),
    (
        "name-too-long",
        "supporter",
        changed("supporter", organisation_name="x" * 201),
        422,
        "organisation_name",
    ),
    ("text-too-long", "membership", changed("membership", mandate="x" * 5001), 422, "mandate"),
    (
        "javascript-url",
        "supporter",
        changed("supporter", website="javascript:alert(1)"),
        422,
        "website",
    ),
    (
        "control-characters-only",
        "supporter",
        changed("supporter", contact_name="\x00\x01\x1b"),
        422,
        "contact_name",
    ),
    ("unknown-field", "newsletter", changed("newsletter", is_admin=True), 422, "is_admin"),
    ("body-is-a-list", "newsletter", [valid_payload("newsletter")], 422, "non_field_errors"),
    ("amount-zero", "donation", changed("donation", amount="0"), 422, "amount"),
    ("amount-negative", "donation", changed("donation", amount="-5"), 422, "amount"),
    ("amount-not-a-number", "donation", changed("donation", amount="lots"), 422, "amount"),
    ("amount-three-decimals", "donation", changed("donation", amount="10.005"), 422, "amount"),
    ("amount-as-float", "donation", changed("donation", amount=10.5), 422, "amount"),
    ("amount-below-minimum", "donation", changed("donation", amount="2"), 422, "amount"),
    ("unsupported-currency", "donation", changed("donation", currency="GBP"), 422, "currency"),
    ("unknown-frequency", "donation", changed("donation", frequency="weekly"), 422, "frequency"),
    ("missing-donor-email", "donation", changed("donation", donor_email=...), 422, "donor_email"),
    (
        "date-not-iso",
        "internship",
        changed("internship", start_date="2027/06/01"),
        422,
        "start_date",
    ),
    (
        "date-impossible",
        "internship",
        changed("internship", end_date="2027-02-30"),
        422,
        "end_date",
    ),
    ("closed-term", "internship", changed("internship", term="spring-2020"), 422, "term"),
    ("garbage-term", "internship", changed("internship", term="whenever"), 422, "term"),
    (
        "file-in-json",
        "internship",
        changed("internship", cover_letter="JVBERi0xLjQK"),
        422,
        "cover_letter",
    ),
]


@pytest.fixture
def nothing_stored():
    before = set(stored_files())
    yield
    assert Submission.objects.count() == 0
    assert SubmissionFile.objects.count() == 0
    assert set(stored_files()) == before


def assert_refused(response, status, key):
    assert response.status_code == status, response.content
    assert response.status_code < 500
    assert key in response.json()["errors"], response.json()


@pytest.mark.parametrize(
    ("kind", "body", "status", "key"),
    [pytest.param(*case[1:], id=case[0]) for case in JSON_CASES],
)
def test_json_refused(form_pages, api, nothing_stored, kind, body, status, key):
    response = api.post(
        submit_url(form_pages[kind]["en"]), json.dumps(body), content_type="application/json"
    )
    assert_refused(response, status, key)


RAW_CASES = [
    ("malformed-json", b'{"email": "a@example.org",', "application/json", 400),
    ("invalid-utf8-json", b'{"email": "\xff\xfe@example.org"}', "application/json", 400),
    ("oversized-json", json.dumps({"name": "x" * 300_000}).encode(), "application/json", 413),
    ("deeply-nested-json", b"[" * 100_000 + b"]" * 100_000, "application/json", 400),
    ("plain-text-body", b"email=a@example.org", "text/plain", 400),
    ("empty-json-body", b"", "application/json", 400),
]


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [pytest.param(*case[1:], id=case[0]) for case in RAW_CASES],
)
def test_raw_body_refused(form_pages, api, nothing_stored, raw, content_type, status):
    response = api.post(submit_url(form_pages["newsletter"]["en"]), raw, content_type=content_type)
    assert_refused(response, status, "non_field_errors")


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 2000 + b"This program cannot be run in DOS"


FILE_CASES = [
    ("missing-file", {"resume": None}, 422, "resume"),
    (
        "executable-renamed-pdf",
        {"cover_letter": ("cover.pdf", exe(), "application/pdf")},
        422,
        "cover_letter",
    ),
    (
        "elf-renamed-docx",
        {"resume": ("cv.docx", b"\x7fELF" + b"\0" * 500, "application/pdf")},
        422,
        "resume",
    ),
    (
        "macro-docx",
        {
            "resume": (
                "cv.docx",
                minimal_docx({"word/vbaProject.bin": b"VBA"}),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            )
        },
        422,
        "resume",
    ),
    (
        "docm-content-type",
        {
            "resume": (
                "cv.docx",
                minimal_docx(
                    content_types=b'<Types><Default ContentType="application/vnd.ms-word.'
                    b'document.macroEnabled.main+xml"/></Types>'
                ),
                "application/pdf",
            )
        },
        422,
        "resume",
    ),
    ("zip-bomb", {"resume": ("cv.docx", zip_bomb(), "application/pdf")}, 422, "resume"),
    (
        "zip-not-docx",
        {
            "resume": (
                "cv.docx",
                minimal_docx().replace(b"word/document.xml", b"xl/workbook.xml0x"),
                "application/pdf",
            )
        },
        422,
        "resume",
    ),
    (
        "truncated-pdf",
        {"cover_letter": ("cover.pdf", minimal_pdf()[:-8], "application/pdf")},
        422,
        "cover_letter",
    ),
    ("empty-file", {"cover_letter": ("cover.pdf", b"", "application/pdf")}, 422, "cover_letter"),
    (
        "html-renamed-pdf",
        {"writing_sample": ("s.pdf", b"<html><script>x</script></html>", "application/pdf")},
        422,
        "writing_sample",
    ),
    (
        "file-over-10-mb",
        {"cover_letter": ("cover.pdf", minimal_pdf() + b" " * (11 * MB), "application/pdf")},
        422,
        "cover_letter",
    ),
    (
        "request-over-25-mb",
        {"cover_letter": ("cover.pdf", b"%PDF-1.4" + b" " * (30 * MB), "application/pdf")},
        413,
        "non_field_errors",
    ),
]


@pytest.mark.parametrize(
    ("files", "status", "key"), [pytest.param(*case[1:], id=case[0]) for case in FILE_CASES]
)
def test_multipart_refused(form_pages, api, nothing_stored, files, status, key):
    chosen = {**internship_files(), **files}
    chosen = {name: value for name, value in chosen.items() if value is not None}
    response = api.post(
        submit_url(form_pages["internship"]["en"]), multipart(valid_payload("internship"), chosen)
    )
    assert_refused(response, status, key)


def test_invalid_utf8_in_multipart_refused(form_pages, api, nothing_stored):
    boundary = "BoUnDaRy"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value
        + b"\r\n"
        for name, value in [(b"email", b"reader@example.org"), (b"name", b"Re\xffader")]
        for name in [name.decode()]
    ]
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    response = api.post(
        submit_url(form_pages["newsletter"]["en"]),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert_refused(response, 422, "name")


def test_overlong_idempotency_key_refused(form_pages, api, nothing_stored):
    response = api.post(
        submit_url(form_pages["newsletter"]["en"]),
        json.dumps(valid_payload("newsletter")),
        content_type="application/json",
        headers={"Idempotency-Key": "k" * 300},
    )
    assert_refused(response, 400, "idempotency_key")


def test_replayed_key_with_another_body_refused(form_pages, api):
    url = submit_url(form_pages["newsletter"]["en"])
    headers = {"Idempotency-Key": "retry-1"}
    first = api.post(
        url, json.dumps(valid_payload("newsletter")), "application/json", headers=headers
    )
    assert first.status_code == 202
    other = {**valid_payload("newsletter"), "email": "someone-else@example.org"}
    second = api.post(url, json.dumps(other), "application/json", headers=headers)
    assert_refused(second, 422, "idempotency_key")
    assert Submission.objects.count() == 1


def test_corpus_is_large_enough():
    assert len(JSON_CASES) + len(RAW_CASES) + len(FILE_CASES) + 3 >= 40
