"""Clients generated from the live OpenAPI document, as a partner's front end would make
them, and the site they talk to: the demo's form pages served by a live server, with the
real Celery worker screening what they send."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import clear_run_cache

BIN = Path(sys.executable).parent
DOCUMENT = "/api/v3/openapi.json"
KINDS = ("membership", "supporter", "internship", "donation", "newsletter")


def generate(command: list[str]) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, (
        f"{command[0]}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


@pytest.fixture(scope="session")
def python_client(live_server, django_db_setup, django_db_blocker, tmp_path_factory):
    """The package openapi-python-client generates from the live document, imported."""
    root = tmp_path_factory.mktemp("python-client")
    with django_db_blocker.unblock():  # the site's middleware reads the database
        generate(
            [
                str(BIN / "openapi-python-client"),
                "generate",
                "--url",
                live_server.url + DOCUMENT,
                "--meta",
                "none",
                "--output-path",
                str(root / "coalition_api"),
            ],
        )
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("coalition_api")
    finally:
        sys.path.remove(str(root))


@pytest.fixture
def site(live_server, transactional_db, smtp_server, celery_worker, settings) -> dict:
    """The demo's form pages, committed so that the live server and the worker see them;
    emails go to the SMTP sink, donations are pledges (no payment provider), rate limits
    start afresh. Returns the English form page of each kind, by kind."""
    from cms.demo.forms import build_form_pages
    from cms.demo.pages import ensure_home
    from tests.membership_forms.conftest import load_form_pages

    settings.MEMBERSHIP_FORMS = {
        **settings.MEMBERSHIP_FORMS,
        "STRIPE_SECRET_KEY": None,
        "STRIPE_WEBHOOK_SECRET": None,
    }
    clear_run_cache()
    ensure_home()
    build_form_pages()
    return {kind: pages["en"] for kind, pages in load_form_pages().items() if kind in KINDS}


@pytest.fixture
def staff_token(transactional_db) -> str:
    """A staff API token, as `manage.py api_tokens create` gives it to an operator."""
    from io import StringIO

    from django.contrib.auth.models import User
    from django.core.management import call_command

    User.objects.create_superuser("secretariat", "secretariat@example.org", "x" * 16)
    out = StringIO()
    call_command("api_tokens", "create", "--user", "secretariat", "--name", "portal", stdout=out)
    return out.getvalue().strip()
