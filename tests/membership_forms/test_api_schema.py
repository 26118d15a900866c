"""Each form's JSON Schema (GET /forms/{id}/schema/) and the server agree: what the schema
allows the server accepts, what it forbids the server refuses on that field."""

import json

import pytest
from django.utils import translation
from jsonschema import Draft202012Validator

from membership_forms.kinds import core_fields

from .conftest import internship_files, multipart, submit_url, valid_payload

LANGUAGES = ("en", "fr", "es", "ar")


def schema_url(page) -> str:
    return f"/api/v3/forms/{page.pk}/schema/"


def validator_for(schema: dict) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def body_for(kind: str) -> tuple[dict, dict]:
    """The valid answer as the schema sees it (files as their bytes, which go in multipart
    only) and the files to send."""
    files = internship_files() if kind == "internship" else {}
    seen = {key: content.decode("latin-1") for key, (_name, content, _type) in files.items()}
    return {**valid_payload(kind), **seen}, files


def send(api, page, payload: dict, files: dict):
    if files:
        return api.post(submit_url(page), multipart(payload, files))
    return api.post(submit_url(page), json.dumps(payload), content_type="application/json")


def violations(schema: dict, body: dict):
    """(field, broken body) for each kind of rule the schema states: a required field
    missing, a value outside the choices, a text too long, a value of the wrong type, a
    field the form does not have."""
    properties = schema["properties"]
    files = {key for key, prop in properties.items() if prop.get("format") == "binary"}
    required = next(key for key in schema["required"] if key not in files)
    yield required, {key: value for key, value in body.items() if key != required}
    for key, prop in properties.items():
        if key in body and "oneOf" in prop:
            yield key, {**body, key: "not-one-of-the-choices"}
            break
    for key, prop in properties.items():
        if key in body and "maxLength" in prop and "format" not in prop:
            yield key, {**body, key: "a" * (prop["maxLength"] + 1)}
            break
    typed = next(key for key, prop in properties.items() if "type" in prop and key in body)
    yield typed, {**body, typed: 7}
    yield "nickname", {**body, "nickname": "Sam"}


@pytest.fixture
def many_submissions(settings, no_stripe):
    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "SUBMISSION_RATE_LIMIT": "100000/m"}


def test_every_form_has_a_valid_schema_in_its_language(form_pages, api):
    assert set(form_pages) == {
        "membership", "supporter", "internship", "donation", "newsletter", "contact",
    }  # fmt: skip
    for kind, pages in form_pages.items():
        for language in LANGUAGES:
            page = pages[language]
            response = api.get(schema_url(page), HTTP_ACCEPT_LANGUAGE="en")
            assert response.status_code == 200
            schema = response.json()
            assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
            assert schema["$id"] == f"http://testserver{schema_url(page)}"
            assert schema["additionalProperties"] is False
            body, _files = body_for(kind)
            errors = [error.message for error in validator_for(schema).iter_errors(body)]
            assert errors == [], (kind, language)
            # The same fields, labels and help as the definition: one description.
            fields = api.get(f"/api/v3/forms/{page.pk}/").json()["fields"]
            assert list(schema["properties"]) == [field["name"] for field in fields]
            for field in fields:
                prop = schema["properties"][field["name"]]
                assert prop["title"] == field["label"]
                assert prop.get("description", "") == field["help_text"]
                if field["choices"]:
                    options = prop.get("oneOf") or prop["items"]["oneOf"]
                    assert options == [
                        {"const": choice["value"], "title": choice["label"]}
                        for choice in field["choices"]
                    ]
            assert schema["required"] == [field["name"] for field in fields if field["required"]]


def test_the_french_schema_speaks_french(form_pages, api):
    schema = api.get(schema_url(form_pages["internship"]["fr"])).json()
    cores = core_fields("internship")
    with translation.override("fr"):
        resume = str(cores["resume"].label)
        full_time = str(dict(cores["availability"].choices)["full_time"])
    assert resume != "Resume"
    assert schema["properties"]["resume"]["title"] == resume
    assert {"const": "full_time", "title": full_time} in schema["properties"]["availability"][
        "oneOf"
    ]
    assert schema["properties"]["resume"]["format"] == "binary"
    assert schema["properties"]["start_date"]["format"] == "date"
    assert schema["properties"]["email"]["format"] == "email"
    countries = api.get(schema_url(form_pages["supporter"]["fr"])).json()["properties"]
    country = countries["headquarters_country"]["oneOf"]
    assert {"const": "FR", "title": "France"} in country
    assert countries["website"]["format"] == "uri"
    assert countries["sectors"]["type"] == "array"


def test_the_server_accepts_what_the_schema_allows_and_refuses_what_it_forbids(
    form_pages, api, many_submissions
):
    for kind, pages in form_pages.items():
        for language in LANGUAGES:
            page = pages[language]
            schema = api.get(schema_url(page)).json()
            validator = validator_for(schema)
            body, files = body_for(kind)
            payload = valid_payload(kind)
            for field, broken in violations(schema, body):
                assert not validator.is_valid(broken), (kind, language, field)
                sent = {key: value for key, value in broken.items() if key not in files}
                response = send(api, page, sent, {})  # JSON: a wrong type stays one
                assert response.status_code == 422, (kind, language, field, response.content)
                assert field in response.json()["errors"], (kind, language, field)
            accepted = send(api, page, payload, files)
            assert accepted.status_code == 202, (kind, language, accepted.content)


def test_files_are_required_in_the_schema_as_on_the_server(form_pages, api):
    page = form_pages["internship"]["en"]
    schema = api.get(schema_url(page)).json()
    assert {"cover_letter", "resume"} <= set(schema["required"])
    body, files = body_for("internship")
    without = {key: value for key, value in body.items() if key != "resume"}
    assert not validator_for(schema).is_valid(without)
    response = send(api, page, valid_payload("internship"), {"cover_letter": files["cover_letter"]})
    assert response.status_code == 422
    assert "resume" in response.json()["errors"]


def test_the_captcha_token_is_in_the_schema_while_turnstile_is_on(form_pages, api, turnstile):
    page = form_pages["newsletter"]["fr"]
    schema = api.get(schema_url(page)).json()
    assert "captcha_token" in schema["required"]
    validator = validator_for(schema)
    assert not validator.is_valid(valid_payload("newsletter"))
    missing = send(api, page, valid_payload("newsletter"), {})
    assert list(missing.json()["errors"]) == ["captcha_token"]
    body = {**valid_payload("newsletter"), "captcha_token": turnstile.issue()}
    assert validator.is_valid(body)
    assert send(api, page, body, {}).status_code == 202


def test_an_unknown_form_has_no_schema(form_pages, api):
    response = api.get("/api/v3/forms/999999/schema/?locale=fr")
    assert response.status_code == 404
    assert response.json() == {"errors": {"non_field_errors": ["Formulaire introuvable."]}}


CHOICES = (("a", "Option A"), ("b", "Option B"))
# Per field type: a value the schema allows and one it forbids.
VALUES = {
    "singleline": ("Peace", "x" * 256),
    "multiline": ("Line one\nLine two", "x" * 5001),
    "hidden": ("campaign-7", ["campaign-7"]),
    "email": ("a@example.org", "not an address"),
    "url": ("https://example.org/", "x" * 501),
    "number": ("-12.5", 1.5),
    "amount": ("25.00", "0"),
    "checkbox": (True, False),
    "boolean": (False, "yes"),
    "dropdown": ("a", "c"),
    "radio": ("b", ""),
    "country": ("a", "zz"),
    "currency": ("a", "A"),
    "term": ("b", "z"),
    "checkboxes": (["a", "b"], []),
    "multiselect": (["b"], ["a", "c"]),
    "date": ("2027-03-01", "2027-02-30"),
    "datetime": ("2027-03-01T09:30", "09:30 2027-03-01"),
}


def test_every_field_type_means_the_same_to_the_schema_and_the_validator(db):
    """Each type the forms know, required, against the one validator the API uses."""
    from membership_forms.kinds import FieldType
    from membership_forms.submission_schema import submission_schema
    from membership_forms.validation import (
        FieldSpec,
        MultiValueData,
        SubmissionForm,
        json_to_form_data,
    )

    assert set(VALUES) == set(FieldType.values) - {"file"}
    for kind, (good, bad) in VALUES.items():
        choices = CHOICES if kind in ("dropdown", "radio", "country", "currency", "term",
                                      "checkboxes", "multiselect") else ()  # fmt: skip
        specs = [FieldSpec(key="answer", type=kind, label="Answer", choices=choices)]
        validator = validator_for(submission_schema("A form", specs, "https://x.test/s/"))
        for value, allowed in ((good, True), (bad, False)):
            assert validator.is_valid({"answer": value}) is allowed, (kind, value)
            data, errors = json_to_form_data(specs, {"answer": value})
            form = SubmissionForm(specs, MultiValueData(data))
            accepted = not errors and form.is_valid()
            assert accepted is allowed, (kind, value, errors, form.errors)
