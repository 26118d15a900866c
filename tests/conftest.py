"""Shared fixtures: a real Celery worker on Redis, a way to wait for its effects, the site."""

import os
import time
from collections.abc import Callable

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun, task_prerun
from django.conf import settings

from membership_forms.queueing import submission_relay

# The real SMTP server fixture (`smtp_server`), the S3-compatible servers (`object_store`).
pytest_plugins = ["tests.smtp", "tests.s3"]


_running: set[str] = set()

PLUGIN_PROJECT = "tests.plugin_project.settings"


def pytest_ignore_collect(collection_path, config):
    """The plugin's test project runs under its own settings, in a run of its own
    (`make test`: pytest --ds tests.plugin_project.settings tests/plugin_project)."""
    if collection_path.name == "plugin_project":
        return os.environ.get("DJANGO_SETTINGS_MODULE") != PLUGIN_PROJECT
    return None


def celery_app():
    """The project's Celery app: the site's (`tasks`) or the plugin test project's."""
    from celery import current_app

    return current_app._get_current_object()


@task_prerun.connect
def _task_started(task_id=None, **kwargs):
    _running.add(task_id)


@task_postrun.connect
def _task_finished(task_id=None, **kwargs):
    _running.discard(task_id)


@pytest.fixture(autouse=True)
def site_name_read_afresh():
    """Each test's emails read the site's name from its own database (a process keeps it a
    minute). Pure unit tests run without Django (`make test-fast`)."""
    if not settings.configured:
        return
    from membership_forms.services.email_texts import forget_site_name

    forget_site_name()


def clear_run_cache() -> None:
    """Delete this run's cache keys only (other runs may share the Redis database), and
    this process's copies of form pages."""
    from django.core.cache import cache

    from membership_forms import formcache
    from membership_forms.services.email_texts import forget_site_name

    formcache.forget_local_copies()
    forget_site_name()
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*", count=1000))
    if keys:
        client.delete(*keys)


def waiting(conn, queue) -> int:
    """Messages waiting in `queue` (a kombu Queue), on Redis or RabbitMQ: declaring it
    again, with the same arguments, answers its count (a Redis list absent when empty
    counts 0)."""
    return queue.bind(conn.default_channel).queue_declare().message_count


def _queued() -> int:
    """Messages waiting in this run's queues, its default one and its duties'. Each run's
    queue names carry its own RUN_ID."""
    with celery_app().connection_for_write() as conn:
        return sum(waiting(conn, queue) for queue in celery_app().amqp.queues.values())


@pytest.fixture
def celery_worker(_session_worker, transactional_db):
    """The worker, drained after the test: nothing it still runs may meet the database flush."""
    yield _session_worker

    def drained():
        """the worker finished the test's tasks"""
        return submission_relay.flush() and not _running and _queued() == 0

    wait_for(drained, timeout=60)


@pytest.fixture(scope="session")
def _session_worker(django_db_setup, django_db_blocker):
    """A real worker in this process, consuming this run's own queue on the real Redis."""
    with (
        django_db_blocker.unblock(),
        start_worker(
            celery_app(),
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            shutdown_timeout=30,
            loglevel="WARNING",
        ) as worker,
    ):
        yield worker
    with celery_app().connection_for_write() as conn:
        if conn.transport.driver_type == "amqp":
            # RabbitMQ keeps a durable queue until it is deleted (Redis drops an empty list).
            for queue in celery_app().amqp.queues.values():
                queue.bind(conn.default_channel).delete()
            celery_app().amqp.default_exchange.bind(conn.default_channel).delete()


def assert_permission_denied(response, context: object = None) -> None:
    """Wagtail's admin answers a signed-in user who lacks a permission (PermissionDenied)
    with a redirect to the dashboard, which shows "Sorry, you do not have permission to
    access this area"; a user not signed in goes to the login page instead."""
    answer = (response.status_code, response.get("Location"))
    assert answer == (302, "/admin/"), (answer, context)


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
