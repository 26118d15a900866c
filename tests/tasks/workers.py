"""Worker and beat processes of a test's own, on queues no other worker of the run reads."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

from cms.settings.duties import celery_routing
from tests.conftest import celery_app

CELERY = str(Path(sys.executable).parent / "celery")


def own_prefix() -> str:
    """Queue names of the test's own: the session's in-process worker never reads them."""
    return f"{settings.CELERY_TASK_DEFAULT_QUEUE}.{uuid.uuid4().hex[:6]}."


def queue_of(task_name: str, prefix: str) -> str:
    """The queue the duties' mapping (cms/settings/duties.py) gives a task, for `prefix`."""
    routing = celery_routing(settings.CELERY_TASK_DEFAULT_QUEUE, prefix, 300)
    return routing["CELERY_TASK_ROUTES"][task_name]["queue"]


def process_env(prefix: str, **extra: str) -> dict[str, str]:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "CELERY_QUEUE_PREFIX": prefix,
        **extra,
    }


def start_worker(prefix: str, queues: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [CELERY, "-A", "tasks", "worker", "-P", "solo", "-Q", ",".join(queues),
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"],
        env=process_env(prefix),
    )  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=60)


def redis():
    """The broker's Redis client (a connection of the test's own)."""
    conn = celery_app().connection_for_write()
    return conn, conn.default_channel.client


def messages(client, queue: str) -> list[dict]:
    """The Celery messages waiting in `queue` (a Redis list), oldest first."""
    return [json.loads(raw) for raw in reversed(client.lrange(queue, 0, -1))]


def delete_queues(client, prefix: str) -> None:
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
