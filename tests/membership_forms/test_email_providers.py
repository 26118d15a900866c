"""Emails through an email provider's API (django-anymail) instead of SMTP."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail

from membership_forms.models import Notification, Submission
from tests.conftest import wait_for

from .conftest import submit_url, valid_payload

ROOT = Path(__file__).resolve().parents[2]


def _settings_from(environment: dict) -> dict:
    """EMAIL_BACKEND and ANYMAIL as a deployment with this environment reads them."""
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.EMAIL_BACKEND, settings.ANYMAIL]))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("EMAIL_BACKEND", "ANYMAIL")}
    env.update({"DJANGO_SETTINGS_MODULE": "cms.settings.base", **environment})
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    backend, anymail = json.loads(result.stdout.strip().splitlines()[-1])
    return {"EMAIL_BACKEND": backend, "ANYMAIL": anymail}


def test_the_environment_picks_smtp_or_a_provider():
    assert _settings_from({"EMAIL_URL": "smtp://mail.example.org:587"}) == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "ANYMAIL": {},
    }
    provider = {
        "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
        "ANYMAIL": '{"POSTMARK_SERVER_TOKEN": "server-token"}',
    }
    assert _settings_from(provider) == {
        "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
        "ANYMAIL": {"POSTMARK_SERVER_TOKEN": "server-token"},
    }


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_through_an_anymail_backend(live_form_pages, celery_worker, api, settings):
    # anymail's own test backend: it goes through anymail's message handling and records
    # the provider's answer on each message, without a provider.
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    mail.outbox = []
    page = live_form_pages["newsletter"]["en"]
    response = api.post(
        submit_url(page), json.dumps(valid_payload("newsletter")), content_type="application/json"
    )
    assert response.status_code == 202
    submission = Submission.objects.get(reference=response.json()["reference"])

    def sent():
        """the confirmation email was sent through the provider's backend"""
        return Notification.objects.filter(submission=submission, status="sent").exists()

    wait_for(sent, timeout=30)
    (message,) = [m for m in mail.outbox if "reader@example.org" in m.to]
    assert message.anymail_status.status == {"sent"}
