"""A TypeScript client generated from the live OpenAPI document (openapi-generator,
`typescript-fetch`), compiled and run under Node: it submits every kind of form, files as
Blobs in FormData, and reads the statuses back (tests/clients/ts/submit.ts)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from membership_forms import kinds
from tests.documents import real_docx, real_pdf
from tests.payloads import valid_payload

from .conftest import BIN, DOCUMENT, KINDS, generate

TS = Path(__file__).resolve().parent / "ts"


@pytest.fixture(scope="session")
def typescript_program(live_server, django_db_setup, django_db_blocker, tmp_path_factory) -> Path:
    """submit.ts compiled with the client generated from the live document; its folder."""
    root = tmp_path_factory.mktemp("typescript-client")
    generate(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(TS)])
    with django_db_blocker.unblock():  # the site's middleware reads the database
        generate(
            [
                str(BIN / "openapi-generator-cli"),
                "generate",
                "--input-spec",
                live_server.url + DOCUMENT,
                "--generator-name",
                "typescript-fetch",
                "--output",
                str(root / "client"),
                # The multipart body's model too, not only those of JSON bodies.
                "--global-property",
                "skipFormModel=false",
            ]
        )
    for name in ("submit.ts", "tsconfig.json"):
        shutil.copy(TS / name, root / name)
    (root / "node_modules").symlink_to(TS / "node_modules")
    generate([str(TS / "node_modules/.bin/tsc"), "--project", str(root / "tsconfig.json")])
    return root


def test_the_generated_typescript_client_submits_every_kind_and_reads_the_statuses(
    typescript_program, site, staff_token, live_server, tmp_path
):
    files = {
        "cover_letter": ("cover.pdf", real_pdf(1), "application/pdf"),
        "resume": ("resume.docx", real_docx(pages=2), "application/octet-stream"),
        "writing_sample": ("sample.pdf", real_pdf(4), "application/pdf"),
    }
    for name, content, _type in files.values():
        (tmp_path / name).write_bytes(content)
    given = {
        "base": live_server.url,
        "token": staff_token,
        "answers": {kind: valid_payload(kind) for kind in KINDS},
        "files": {
            field: {"path": str(tmp_path / name), "name": name, "type": content_type}
            for field, (name, _content, content_type) in files.items()
        },
    }
    (tmp_path / "input.json").write_text(json.dumps(given))

    result = subprocess.run(
        ["node", str(typescript_program / "dist/submit.js"), str(tmp_path / "input.json")],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    read = json.loads(result.stdout)

    assert set(read["accepted"]) == set(KINDS)
    for kind, answer in read["accepted"].items():
        assert answer["status"] == "received", kind
        assert answer["reference"].startswith(kinds.get(kind).reference_prefix + "-"), kind
    assert read["donation"] == {
        "status": "pending",
        "amount": "50.00",
        "currency": "USD",
        "method": "pledge",
    }
    submission = read["submission"]
    assert submission["reference"] == read["accepted"]["internship"]["reference"]
    assert submission["kind"] == "internship"
    assert submission["outcome"] is not None and submission["status"] != "received"
    assert submission["submittedAt"]  # parsed into a Date by the client
    # Without the token the same read is refused, in the documented error shape.
    assert read["anonymous"]["status"] == 401
    assert list(read["anonymous"]["body"]["errors"]) == ["non_field_errors"]

    from membership_forms.models import Submission

    stored = Submission.objects.get(reference=read["accepted"]["internship"]["reference"])
    names = stored.files.values_list("field_key", "original_name")
    assert sorted(names) == sorted((field, name) for field, (name, *_rest) in files.items())
