"""The public contract of the forms router."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone, translation
from wagtail.models import APIToken

from membership_forms.kinds import core_fields
from membership_forms.limits import allow_confirmations
from membership_forms.models import Notification, Submission, SubmissionFile
from membership_forms.services.submissions import record_submission
from membership_forms.tasks import process_submission
from membership_forms.terms import open_terms

from .conftest import internship_files, multipart, submit_url, valid_payload


def post_json(client, page, body, **headers):
    return client.post(
        submit_url(page), json.dumps(body), content_type="application/json", headers=headers
    )


def test_list_filters_by_kind_and_locale(form_pages, api):
    items = api.get("/api/v3/forms/").json()["items"]
    assert {item["kind"] for item in items} == {
        "membership", "supporter", "internship", "donation", "newsletter", "contact",
    }  # fmt: skip
    assert len(items) == 24
    unknown = api.get("/api/v3/forms/?kind=petition")
    assert unknown.status_code == 422
    assert unknown.json()["errors"]["kind"] == ["Choose one of the kinds of form."]
    french = api.get("/api/v3/forms/?kind=donation&locale=fr").json()["items"]
    assert [(item["kind"], item["locale"]) for item in french] == [("donation", "fr")]
    assert french[0]["is_open"] is True
    # An unknown language is a field-level error (see test_filters.py for nastier values).
    for junk in ("xx", "%00N"):
        response = api.get(f"/api/v3/forms/?locale={junk}")
        assert response.status_code == 422
        assert set(response.json()["errors"]) == {"locale"}


def test_definition_lists_core_fields_in_the_page_language(form_pages, api):
    page = form_pages["internship"]["fr"]
    definition = api.get(f"/api/v3/forms/{page.pk}/").json()
    names = [field["name"] for field in definition["fields"]]
    assert names[:3] == ["full_name", "email", "term"]
    term = next(field for field in definition["fields"] if field["name"] == "term")
    assert [choice["value"] for choice in term["choices"]] == open_terms(date.today())
    resume = next(field for field in definition["fields"] if field["name"] == "resume")
    assert resume["type"] == "file" and resume["accept"] == [".pdf", ".docx"]
    assert resume["max_bytes"] == 10 * 1024 * 1024
    assert definition["locale"] == "fr"


def test_definition_speaks_the_page_language_whatever_the_client_asks(form_pages, api):
    page = form_pages["supporter"]["ar"]
    response = api.get(f"/api/v3/forms/{page.pk}/?locale=en", HTTP_ACCEPT_LANGUAGE="en")
    fields = {field["name"]: field for field in response.json()["fields"]}
    cores = core_fields("supporter")
    with translation.override("ar"):
        label = str(cores["organisation_name"].label)
        section = str(cores["contact_email"].section)
        choice = str(dict(cores["organisation_type"].choices)["ngo"])
    assert label != "Name of the organisation"
    assert fields["organisation_name"]["label"] == label
    assert fields["contact_email"]["section"] == section
    assert {"value": "ngo", "label": choice} in fields["organisation_type"]["choices"]
    countries = {c["value"]: c["label"] for c in fields["headquarters_country"]["choices"]}
    assert countries["FR"] == "فرنسا"


def test_json_submission_is_stored_once_per_inbox(form_pages, api):
    english = form_pages["supporter"]["en"]
    arabic = form_pages["supporter"]["ar"]
    first = post_json(api, english, valid_payload("supporter"))
    second = post_json(api, arabic, valid_payload("supporter"))
    assert first.status_code == second.status_code == 202
    assert first.json()["status"] == "received"
    assert first.json()["reference"].startswith(f"SUP-{timezone.now().year}-")
    rows = Submission.objects.filter(form_key=english.translation_key).order_by("pk")
    assert [row.locale for row in rows] == ["en", "ar"]
    assert rows[0].payload["organisation_name"] == "Peace Works <b>Network</b>"
    assert rows[0].client_hash and "127.0.0.1" not in rows[0].client_hash


def test_multipart_submission_keeps_files_privately_with_their_hash(form_pages, api):
    page = form_pages["internship"]["en"]
    response = api.post(
        submit_url(page), multipart(valid_payload("internship"), internship_files())
    )
    assert response.status_code == 202, response.content
    files = SubmissionFile.objects.order_by("field_key")
    assert [f.field_key for f in files] == ["cover_letter", "resume", "writing_sample"]
    storage = storages["private"]
    for stored in files:
        assert storage.exists(stored.stored_name)
        assert len(stored.sha256) == 64
        assert Path(storage.path(stored.stored_name)).suffix in (".pdf", ".docx")
        assert not storage.path(stored.stored_name).startswith(str(Path("var/media").resolve()))
    assert files[1].content_type.endswith("wordprocessingml.document")


def test_idempotency_key_returns_the_first_answer(form_pages, api):
    page = form_pages["newsletter"]["en"]
    first = post_json(api, page, valid_payload("newsletter"), **{"Idempotency-Key": "abc"})
    again = post_json(api, page, valid_payload("newsletter"), **{"Idempotency-Key": "abc"})
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert Submission.objects.count() == 1


def test_closed_form_answers_409(form_pages, api):
    page = form_pages["donation"]["en"]
    page.closes_at = timezone.now() - timedelta(days=1)
    page.save()
    response = post_json(api, page, valid_payload("donation"))
    assert response.status_code == 409
    assert Submission.objects.count() == 0


def test_errors_speak_the_forms_language_whatever_the_client_asks(form_pages, api):
    french_page, english_page = form_pages["newsletter"]["fr"], form_pages["newsletter"]["en"]
    asked_in_spanish = api.post(
        submit_url(french_page), "{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="es"
    ).json()["errors"]["email"]
    asked_in_french = api.post(
        submit_url(english_page) + "?locale=fr", "{}", content_type="application/json"
    ).json()["errors"]["email"]
    assert asked_in_spanish == ["Champ requis."]
    assert asked_in_french == ["This field is required."]


def test_an_unknown_form_answers_in_the_language_asked(form_pages, api):
    response = api.get("/api/v3/forms/999999/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    assert response.json()["errors"]["non_field_errors"] != ["No such form."]


def test_rate_limit_answers_429_with_retry_after(form_pages, api, settings):
    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "SUBMISSION_RATE_LIMIT": "2/m"}
    page = form_pages["newsletter"]["en"]
    codes = [post_json(api, page, valid_payload("newsletter")).status_code for _ in range(3)]
    assert codes == [202, 202, 429]
    limited = post_json(api, page, valid_payload("newsletter"))
    assert 1 <= int(limited["Retry-After"]) <= 61
    assert Submission.objects.count() == 2


def test_confirmations_to_one_address_are_limited(form_pages, api, settings):
    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "SUBMISSION_RATE_LIMIT": "100/m"}
    page = form_pages["newsletter"]["en"]
    for _ in range(5):
        assert post_json(api, page, valid_payload("newsletter")).status_code == 202
    first = Submission.objects.order_by("pk").first()
    assert process_submission(first.pk) is True  # the worker counts them, in order
    allowed = list(Submission.objects.order_by("pk").values_list("confirmation_allowed", flat=True))
    assert allowed == [True, True, True, False, False]
    submissions = Submission.objects.order_by("pk")
    asked_again = allow_confirmations([(s.payload["email"], s.pk) for s in submissions])
    assert asked_again == allowed  # a batch screened again after a crash counts nobody twice
    confirmations = Notification.objects.filter(kind="newsletter_confirmation")
    statuses = confirmations.order_by("submission_id").values_list("status", flat=True)
    assert list(statuses) == ["pending"] * 3 + ["suppressed"] * 2


@pytest.fixture
def submission(form_pages, api):
    response = post_json(api, form_pages["donation"]["en"], valid_payload("donation"))
    return response.json()["reference"]


def status_url(reference):
    return f"/api/v3/forms/submissions/{reference}/"


def test_status_is_refused_to_anonymous_and_non_staff(submission, api, client):
    anonymous = api.get(status_url(submission))
    assert anonymous.status_code == 401
    assert b"sam@example.org" not in anonymous.content
    assert b"Sam" not in anonymous.content
    assert api.get(status_url(submission), HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    user = User.objects.create_user("visitor", password="x" * 12)
    client.force_login(user)
    refused = client.get(status_url(submission))
    assert refused.status_code == 403
    assert b"Sam" not in refused.content


def test_status_for_staff_token_and_session(submission, api, client):
    admin = User.objects.create_superuser("boss", "boss@example.org", "x" * 12)
    _token, key = APIToken.create_token(user=admin, name="ci")
    response = api.get(status_url(submission), HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["reference"] == submission and body["status"] == "received"
    assert body["eligibility"] == {"outcome": None, "reasons": []}
    client.force_login(admin)
    assert client.get(status_url(submission)).json()["kind"] == "donation"
    assert client.get(status_url("SUP-1999-00001")).status_code == 404


def test_openapi_documents_the_forms_router(api):
    document = api.get("/api/v3/openapi.json").json()
    submit = document["paths"]["/api/v3/forms/{form_id}/submissions/"]["post"]
    assert set(submit["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert {"202", "400", "409", "413", "422", "429"} <= set(submit["responses"])
    assert "/api/v3/forms/submissions/{reference}/" in document["paths"]


def test_database_outage_is_a_503_with_retry_after(rf):
    """A request that meets a database restart is told to retry, not shown a 500."""
    from django.db import OperationalError

    from membership_forms.api import database_unavailable

    response = database_unavailable(rf.post("/"), OperationalError("server closed"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "non_field_errors" in json.loads(response.content)["errors"]


def test_email_tasks_retry_when_the_database_is_away():
    """The email is still owed after a database restart: the task retries, not fails."""
    from django.db import InterfaceError, OperationalError

    from membership_forms.tasks import send_notification

    assert {OperationalError, InterfaceError} <= set(send_notification.autoretry_for)


@pytest.mark.django_db(transaction=True)
def test_references_follow_each_other_and_a_refused_insert_takes_no_number(live_form_pages, api):
    """The first submission of the year creates the counter; the next ones take the
    reference and store the row in one statement, which gives the number back when the
    row is refused (here a second use of one Idempotency-Key)."""
    page = live_form_pages["newsletter"]["en"]
    year = timezone.now().year
    first = api.post(
        submit_url(page),
        json.dumps(valid_payload("newsletter")),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="same-key",
    ).json()["reference"]
    second = post_json(api, page, valid_payload("newsletter")).json()["reference"]
    replayed = record_submission(
        page=page,
        payload=valid_payload("newsletter"),
        uploads={},
        locale="en",
        idempotency_key="same-key",
        request_hash=Submission.objects.get(reference=first).request_hash,
    )
    third = post_json(api, page, valid_payload("newsletter")).json()["reference"]
    assert replayed.replayed and replayed.submission.reference == first
    assert [first, second, third] == [f"NEW-{year}-{n:05d}" for n in (1, 2, 3)]
    assert Submission.objects.count() == 3


def test_the_one_statement_insert_is_prepared_once_per_connection(form_pages, api):
    page = form_pages["newsletter"]["en"]
    for _ in range(3):  # the first creates the year's counter; the others use the statement
        assert post_json(api, page, valid_payload("newsletter")).status_code == 202
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'WITH counter AS%'"
        )
        assert cursor.fetchone() == (1,)


def test_an_editors_published_change_reaches_the_schema_at_once(form_pages, api):
    """The submit path keeps form pages in the cache and in the process; publishing a
    change drops both, so the next read of the schema has it."""
    page = form_pages["newsletter"]["en"]
    url = f"/api/v3/forms/{page.pk}/"
    labels = {field["name"]: field["label"] for field in api.get(url).json()["fields"]}
    assert labels["name"] != "Your full name"
    field = page.application_fields.get(key="name")
    field.label = "Your full name"
    field.save()
    page.save_revision().publish()
    labels = {field["name"]: field["label"] for field in api.get(url).json()["fields"]}
    assert labels["name"] == "Your full name"


def test_definition_carries_the_pages_button_privacy_note_and_thank_you_text(form_pages, api):
    """What the HTML page shows around the questions, in the form's language, the
    editors' rich text with absolute links and nothing a partner's page could run."""
    from wagtail.models import Site

    from membership_forms.models import FormsApiSettings

    page = form_pages["donation"]["fr"]
    linked = form_pages["newsletter"]["fr"]
    type(page).objects.filter(pk=page.pk).update(
        thank_you_text=(
            f'<p>Lisez <a linktype="page" id="{linked.pk}">notre lettre</a>.</p>'
            '<p><a href="javascript:alert(1)">piège</a><script>alert(2)</script></p>'
        )
    )
    site = Site.objects.get(is_default_site=True)
    FormsApiSettings.objects.update_or_create(site=site, defaults={"privacy_page": linked})
    definition = api.get(f"/api/v3/forms/{page.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    with translation.override("fr"):
        assert definition["submit_label"] == page.submit_label() == "Continuer"
        assert definition["privacy_note"] == page.privacy_note()
    assert definition["privacy_note"] != page.privacy_note()  # not in the client's English
    assert definition["privacy_url"] == f"http://testserver{linked.url}"
    text = definition["thank_you_text"]
    assert f'<a href="http://testserver{linked.url}">notre lettre</a>' in text
    assert "javascript" not in text and "<script" not in text


def test_definition_gives_turnstiles_site_key_only_while_it_is_required(form_pages, api, settings):
    from .turnstile_server import SITE_KEY

    url = f"/api/v3/forms/{form_pages['newsletter']['en'].pk}/"
    assert api.get(url).json()["captcha_site_key"] is None
    settings.MEMBERSHIP_FORMS = {
        **settings.MEMBERSHIP_FORMS,
        "TURNSTILE_ENABLED": True,
        "TURNSTILE_SITE_KEY": SITE_KEY,
    }
    assert api.get(url).json()["captcha_site_key"] == SITE_KEY
    refused = api.post(f"{url}submissions/", {"email": "sam@example.org"}, "application/json")
    assert refused.status_code == 400 and "captcha_token" in refused.json()["errors"]
