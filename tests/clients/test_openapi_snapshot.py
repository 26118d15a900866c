"""The committed OpenAPI snapshot is the live document, and a change that breaks generated
clients is not recorded until CHANGELOG.md announces it (docs/api.md)."""

import copy
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("openapi_snapshot", ROOT / "scripts/openapi.py")
assert spec and spec.loader
openapi = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = openapi  # its dataclass looks itself up there
spec.loader.exec_module(openapi)

FORMS = "/api/v3/forms/"
DONATION = "/api/v3/forms/donations/{token}/"
SUBMIT = "/api/v3/forms/{form_id}/submissions/"
NOTHING_ANNOUNCED = "# Changelog\n\n## [Unreleased]\n\n### Added\n- Something.\n"


def announcing(*entries: str) -> str:
    lines = "".join(f"- {entry}\n" for entry in entries)
    return f"# Changelog\n\n## [Unreleased]\n\n### Breaking\n{lines}\n### Added\n- More.\n"


@pytest.fixture(scope="module")
def snapshot() -> dict:
    return json.loads(openapi.SNAPSHOT.read_text())


def edited(document: dict, edit) -> dict:
    new = copy.deepcopy(document)
    edit(new)
    return new


def described(changes) -> set[tuple]:
    return {(c.path, c.subject, c.what, c.component) for c in changes}


def test_the_live_document_matches_the_committed_snapshot():
    """`make openapi` was run after the API last changed (the site's own settings)."""
    result = subprocess.run(
        [sys.executable, "scripts/openapi.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert "matches its snapshot" in result.stdout


def test_a_removed_response_field_is_breaking_until_announced(snapshot):
    new = edited(
        snapshot, lambda d: d["components"]["schemas"]["FormSummary"]["properties"].pop("title")
    )
    changes = openapi.breaking_changes(snapshot, new)
    assert described(changes) == {(FORMS, "title", "response property removed", "FormSummary")}

    found = openapi.problems(openapi.dumps(snapshot), new, NOTHING_ANNOUNCED)
    assert "break generated clients" in found[0]
    assert "`title`" in found[1] and FORMS in found[1]
    # Named by its component or by its path, with the field: announced.
    for entry in ("`FormSummary` loses `title`.", f"`{FORMS}`: `title` is gone."):
        found = openapi.problems(openapi.dumps(snapshot), new, announcing(entry))
        assert found == [
            f"The OpenAPI document differs from docs/api/openapi.json. {openapi.REFRESH}"
        ]
    # An entry that names the field only, or sits in another section, does not count.
    assert openapi.unannounced(snapshot, new, announcing("`title` is gone."))
    assert openapi.unannounced(
        snapshot, new, NOTHING_ANNOUNCED.replace("Something", "`FormSummary` `title`")
    )


def test_an_optional_field_a_new_path_or_a_new_enum_value_is_not_breaking(snapshot):
    def additions(document):
        schemas = document["components"]["schemas"]
        schemas["FormSummary"]["properties"]["subtitle"] = {"type": "string"}
        schemas["DonationOut"]["properties"]["frequency"]["enum"].append("yearly")
        document["paths"]["/api/v3/forms/news/"] = document["paths"][FORMS]

    new = edited(snapshot, additions)
    assert openapi.breaking_changes(snapshot, new) == []
    found = openapi.problems(openapi.dumps(snapshot), new, NOTHING_ANNOUNCED)
    assert len(found) == 1 and "make openapi" in found[0]
    assert openapi.problems(openapi.dumps(snapshot), snapshot, NOTHING_ANNOUNCED) == []


def test_requirements_types_enums_paths_and_security_that_break(snapshot):
    def edits(document):
        paths = document["paths"]
        listing = paths[FORMS]["get"]
        next(p for p in listing["parameters"] if p["name"] == "locale")["required"] = True
        listing["security"] = [{"BearerTokenAuth": []}]
        schemas = document["components"]["schemas"]
        schemas["DonationOut"]["properties"]["frequency"]["enum"].remove("monthly")
        schemas["DonationOut"]["properties"]["amount"]["type"] = "number"
        del paths["/api/v3/forms/directory/"]
        del paths[SUBMIT]["post"]["requestBody"]["content"]["application/json"]

    changes = described(openapi.breaking_changes(snapshot, edited(snapshot, edits)))
    assert (FORMS, "locale", "parameter newly required", None) in changes
    assert (FORMS, "GET", "security added", None) in changes
    assert (DONATION, "monthly", "enum value of 'frequency' removed", "DonationOut") in changes
    assert (
        DONATION,
        "amount",
        "type changed from ['string'] to ['number']",
        "DonationOut",
    ) in changes
    assert ("/api/v3/forms/directory/", "/api/v3/forms/directory/", "path removed", None) in changes
    assert (SUBMIT, "application/json", "request content type removed", None) in changes


def test_a_request_property_newly_required_is_breaking(snapshot):
    def edit(document):
        document["components"]["schemas"]["SubmissionBody"]["required"] = ["captcha_token"]

    changes = described(openapi.breaking_changes(snapshot, edited(snapshot, edit)))
    expected = (SUBMIT, "captcha_token", "request property newly required", "SubmissionBody")
    assert changes == {expected}
