"""Schemathesis against the forms endpoints of /api/v3/openapi.json: no 5xx, no schema breach."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

FORMS = "/api/v3/forms/"


@pytest.fixture
def forms_schema(form_pages, settings):
    """The live document, narrowed to the forms router, with form ids that exist."""
    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "SUBMISSION_RATE_LIMIT": "100000/m"}
    document = Client().get("/api/v3/openapi.json").json()
    document["paths"] = {
        path: item for path, item in document["paths"].items() if path.startswith(FORMS)
    }
    ids = [
        pages[language].pk
        for pages in form_pages.values()
        for language in ("en", "fr")
        if language in pages
    ]
    for item in document["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "form_id":
                    parameter["schema"] = {"type": "integer", "enum": ids}
    schema = schemathesis.openapi.from_dict(document)
    schema.app = get_wsgi_application()
    # As Django's test client does: keep the test's connection (and transaction) open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schema
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_forms_api_conforms(forms_schema):
    operations = [result.ok() for result in forms_schema.get_all_operations()]
    assert len(operations) == 9
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case):
            # The submit body's schema is "an object": each form's real fields are in its
            # own definition (GET /forms/{id}/), so schema-valid bodies may still be refused.
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        conforms()
