"""The OpenAPI document is valid OpenAPI, so that generators accept it as it is."""

from django.test import Client
from openapi_spec_validator import validate


def test_the_document_is_valid_openapi(db):
    document = Client().get("/api/v3/openapi.json").json()
    validate(document)


def test_every_operation_says_who_may_call_it(db):
    """Generated clients send the token where the staff endpoint needs it, and never
    meet the scheme OpenAPI forbids."""
    document = Client().get("/api/v3/openapi.json").json()
    forms = document["paths"]
    status = forms["/api/v3/forms/submissions/{reference}/"]["get"]
    assert status["security"] == [{"BearerTokenAuth": []}]
    assert document["components"]["securitySchemes"]["BearerTokenAuth"]["scheme"] == "bearer"
    assert "AllowAnonymous" not in document["components"]["securitySchemes"]
    pages = document["paths"]["/api/v3/pages/"]
    assert pages["get"]["security"] == [{"BearerTokenAuth": []}, {}]  # token or nobody
    assert pages["post"]["security"] == [{"BearerTokenAuth": []}]
    for path in ("/api/v3/forms/", "/api/v3/forms/{form_id}/submissions/"):
        assert all("security" not in operation for operation in forms[path].values()), path


def test_closed_sets_are_enums_and_kinds_stay_open(db):
    schemas = Client().get("/api/v3/openapi.json").json()["components"]["schemas"]
    assert "file" in schemas["FieldOut"]["properties"]["type"]["enum"]
    assert schemas["FormDetail"]["properties"]["locale"]["enum"] == ["en", "fr", "es", "ar"]
    assert "received" in schemas["Accepted"]["properties"]["status"]["enum"]
    assert set(schemas["DonationOut"]["properties"]["frequency"]["enum"]) == {"one_time", "monthly"}
    outcome = schemas["EligibilityOut"]["properties"]["outcome"]["anyOf"]
    assert {"type": "null"} in outcome and "needs_review" in outcome[0]["enum"]
    assert "enum" not in schemas["FormDetail"]["properties"]["kind"]


def test_the_submit_answers_say_when_to_try_again(db):
    paths = Client().get("/api/v3/openapi.json").json()["paths"]
    responses = paths["/api/v3/forms/{form_id}/submissions/"]["post"]["responses"]
    for status in ("429", "503"):
        assert responses[status]["headers"]["Retry-After"]["schema"]["type"] == "integer"
        assert "Errors" in responses[status]["content"]["application/json"]["schema"]["$ref"]


def test_the_submit_body_says_where_files_go(db):
    document = Client().get("/api/v3/openapi.json").json()
    paths, schemas = document["paths"], document["components"]["schemas"]
    content = paths["/api/v3/forms/{form_id}/submissions/"]["post"]["requestBody"]["content"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/SubmissionBody"}
    assert content["multipart/form-data"]["schema"]["$ref"].endswith("/SubmissionParts")
    multipart = schemas["SubmissionParts"]
    assert multipart["properties"]["resume"]["format"] == "binary"  # every kind's core fields
    assert multipart["properties"]["other_languages"]["type"] == "array"
    assert multipart["additionalProperties"] == {"type": "string"}  # a page's own fields
    assert "captcha_token" in schemas["SubmissionBody"]["properties"]
    schema = paths["/api/v3/forms/{form_id}/schema/"]["get"]
    assert "2020-12" in schema["summary"]


def test_each_kind_has_a_component_with_its_core_fields(db):
    from jsonschema import Draft202012Validator

    from tests.payloads import valid_payload

    schemas = Client().get("/api/v3/openapi.json").json()["components"]["schemas"]
    internship = schemas["InternshipSubmission"]
    assert internship["properties"]["resume"]["format"] == "binary"
    assert "resume" in internship["required"]
    assert internship["properties"]["term"]["type"] == "string"  # the page's own terms
    for kind in ("membership", "supporter", "internship", "donation", "newsletter", "contact"):
        schema = schemas[f"{kind.title()}Submission"]
        Draft202012Validator.check_schema(schema)
        files = [key for key, p in schema["properties"].items() if p.get("format") == "binary"]
        body = {**valid_payload(kind), **dict.fromkeys(files, "file")}
        validator = Draft202012Validator(schema)
        assert [error.message for error in validator.iter_errors(body)] == [], kind
