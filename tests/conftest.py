"""Shared fixtures: a real Celery worker on Redis, and a way to wait for its effects."""

import time
from collections.abc import Callable

import pytest
from celery.contrib.testing.worker import start_worker

from tasks import celery_app

# The real SMTP server fixture (`smtp_server`).
pytest_plugins = ["tests.smtp"]


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real worker in this process, consuming this run's own queue on the real Redis."""
    with (
        django_db_blocker.unblock(),
        start_worker(
            celery_app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            shutdown_timeout=30,
            loglevel="WARNING",
        ) as worker,
    ):
        yield worker


def wait_for(condition: Callable[[], object], timeout: float = 15.0, interval: float = 0.05):
    """Poll until `condition()` is truthy; fail the test with a clear message on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout}s: {condition.__doc__ or condition}")
        time.sleep(interval)
