"""Sign-in records are deleted after SIGN_IN_RECORD_RETENTION_DAYS (default a year), by the
periodic task run by the real worker."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from cms.models import SignInEvent, SignInRecord
from tasks.maintenance import purge_sign_in_records
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def record(email: str, days_ago: int) -> SignInRecord:
    made = SignInRecord.objects.create(event=SignInEvent.SIGNED_IN, email=email)
    SignInRecord.objects.filter(pk=made.pk).update(at=timezone.now() - timedelta(days=days_ago))
    return made


def kept() -> set[str]:
    return set(SignInRecord.objects.values_list("email", flat=True))


def test_records_older_than_a_year_are_deleted_by_the_worker(celery_worker):
    assert django_settings.SIGN_IN_RECORD_RETENTION_DAYS == 365
    record("old@example.org", 366)
    record("recent@example.org", 364)
    purge_sign_in_records.delay()

    def purged():
        """the year-old record is gone"""
        return kept() == {"recent@example.org"}

    wait_for(purged)


def test_the_period_is_a_setting(celery_worker, settings):
    settings.SIGN_IN_RECORD_RETENTION_DAYS = 30
    record("month-old@example.org", 31)
    record("fresh@example.org", 29)
    purge_sign_in_records.delay()

    def purged():
        """the month-old record is gone"""
        return kept() == {"fresh@example.org"}

    wait_for(purged)


def test_the_purge_runs_every_hour_on_the_maintenance_queue():
    entry = django_settings.CELERY_BEAT_SCHEDULE["purge-sign-in-records"]
    assert entry == {"task": "tasks.maintenance.purge_sign_in_records", "schedule": 3600.0}
    route = django_settings.CELERY_TASK_ROUTES["tasks.maintenance.purge_sign_in_records"]
    assert route["queue"] == django_settings.CELERY_QUEUE_PREFIX + "maintenance"
    email = django_settings.CELERY_TASK_ROUTES["tasks.mail.send_email"]
    assert email["queue"] == django_settings.CELERY_QUEUE_PREFIX + "email"
