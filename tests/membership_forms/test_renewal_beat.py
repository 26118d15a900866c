"""Staying a member through the real beat and worker: the daily renewal run at 07:00 sends
the "still eligible?" email and its reminders, and marks a passed anniversary.

The test's clock: beat and the worker are real `celery` processes whose clock is moved to
the day wanted (tests/clock.py, time-machine); nothing of the project is mocked, and the
renewal task runs with no day given, as beat sends it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, time, timedelta

import pytest
from django.conf import settings
from django.test import Client

from cms.settings.duties import TASK_DUTIES
from membership_forms.models import Organisation, OrganisationStatus
from tests.conftest import wait_for
from tests.smtp import subject, text

from ..tasks.workers import delete_queues, process_env
from ..tasks.workers import own_prefix as new_prefix
from .test_organisations import approved_supporter, organisations_secretariat

# Four days of real processes, one of them waiting for 07:00: about three minutes.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(600)]

# Started this long before 07:00 on the day: beat is up before its daily run is due.
LEAD = timedelta(seconds=60)


def start_moved(when: datetime, prefix: str, env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.clock", when.isoformat(), "celery", "-A", "tasks", *args],
        env=process_env(prefix, **env),
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=60)


@pytest.fixture
def moved_day(smtp_server, tmp_path):
    """`moved_day(day)`: a worker and a beat whose clock is `day`, just before 07:00, for
    the duration of a `with`. One beat schedule file for the test, as on a server."""
    from contextlib import contextmanager

    prefix = new_prefix()
    env = {"EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}", "REQUEUE_INTERVAL": "3600"}
    queues = ",".join([prefix.rstrip("."), *(prefix + duty for duty in TASK_DUTIES)])

    @contextmanager
    def run(day):
        when = datetime.combine(day, time(7), tzinfo=UTC) - LEAD
        worker = start_moved(
            when, prefix, env, "worker", "-P", "solo", "-Q", queues, "--without-gossip",
            "--without-mingle", "--without-heartbeat", "-l", "WARNING",
        )  # fmt: skip
        beat = start_moved(
            when, prefix, env, "beat", "-l", "WARNING", "--max-interval", "1",
            "-s", str(tmp_path / "schedule"),
        )  # fmt: skip
        try:
            yield
        finally:
            stop(beat)
            stop(worker)

    yield run
    delete_queues(prefix)


def test_beat_and_worker_send_the_yearly_confirmation_reminders_and_mark_the_lapse(
    live_form_pages, celery_worker, smtp_server, api, moved_day
):
    assert settings.TIME_ZONE == "UTC"  # beat's 07:00 is the moved clock's 07:00 UTC
    secretariat = organisations_secretariat()
    # One French-speaking contact who will not confirm, one Spanish-speaking who will.
    lapsing = approved_supporter(live_form_pages, api, secretariat)
    renewing = approved_supporter(
        live_form_pages,
        api,
        secretariat,
        language="es",
        organisation_name="Renew Org",
        contact_email="r@example.org",
    )
    anniversary = lapsing.anniversary
    assert renewing.anniversary == anniversary  # a year after approval

    def renewal_emails(address: str):
        return [m for m in smtp_server.to(address) if "?" in subject(m)]

    for count, days_before in enumerate((30, 14, 3), start=1):
        with moved_day(anniversary - timedelta(days=days_before)):
            for address in ("amina@example.org", "r@example.org"):
                wait_for(lambda a=address, n=count: len(renewal_emails(a)) == n, timeout=120)
            smtp_server.settle()
        # Once each: no second email that day, whatever else beat sent.
        assert len(renewal_emails("amina@example.org")) == count
        assert len(renewal_emails("r@example.org")) == count
        french, spanish = (
            renewal_emails("amina@example.org")[-1],
            renewal_emails("r@example.org")[-1],
        )
        assert subject(french).startswith("Peace Works <b>Network</b> remplit-elle toujours")
        assert subject(spanish).startswith("¿Sigue Renew Org cumpliendo los criterios?")
        assert "/es/" in text(spanish) and "Renew Org" in text(spanish)

    # The Spanish-speaking contact follows the link of the last reminder: a page with one
    # button (opening it confirms nothing), which confirms.
    link = re.search(
        r"https?://\S+/members/renewal/\S+/", text(renewal_emails("r@example.org")[-1])
    )[0]
    path = "/" + link.split("/", 3)[3]
    browser = Client()
    assert "Confirmar" in browser.get(path).content.decode()
    renewing.refresh_from_db()
    assert renewing.renewed_at is None
    assert "queda confirmada" in browser.post(path).content.decode()
    renewing.refresh_from_db()
    assert renewing.anniversary.year == anniversary.year + 1 and renewing.renewed_at

    # The anniversary: the unconfirmed organisation waits for the Secretariat's review.
    with moved_day(anniversary):
        wait_for(
            lambda: (
                Organisation.objects.get(pk=lapsing.pk).status == OrganisationStatus.LAPSE_PENDING
            ),
            timeout=120,
        )
        smtp_server.settle()
    renewing.refresh_from_db()
    assert renewing.status == OrganisationStatus.ACTIVE
    assert renewing.anniversary.year == anniversary.year + 1
    assert len(renewal_emails("r@example.org")) == 3  # confirmed: no more emails
    assert len(renewal_emails("amina@example.org")) == 3
    staff = Client()
    staff.force_login(secretariat)
    waiting = staff.get("/admin/membership-forms/organisations/?status=lapse_pending")
    assert "Peace Works" in waiting.content.decode()
    assert "Renew Org" not in waiting.content.decode()
