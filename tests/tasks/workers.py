"""Worker and beat processes of a test's own, on queues no other worker of the run reads."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection
from kombu import Connection

from cms.settings.duties import TASK_DUTIES, celery_routing

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
        "REDIS_URL": settings.REDIS_URL,
        "BROKER_URL": settings.CELERY_BROKER_URL,
        # Its default queue and exchange are the test's own too.
        "CELERY_QUEUE": prefix.rstrip("."),
        "CELERY_QUEUE_PREFIX": prefix,
        **extra,
    }


def start_worker(prefix: str, queues: list[str], **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [CELERY, "-A", "tasks", "worker", "-P", "solo", "-Q", ",".join(queues),
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"],
        env=process_env(prefix, **extra),
    )  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=60)


def redis():
    """A connection of the test's own to Redis (the broker unless BROKER_URL names another),
    and its client."""
    conn = Connection(settings.REDIS_URL)
    return conn, conn.default_channel.client


def messages(client, queue: str) -> list[dict]:
    """The Celery messages waiting in `queue` (a Redis list), oldest first."""
    return [json.loads(raw) for raw in reversed(client.lrange(queue, 0, -1))]


def delete_queues(prefix: str, url: str | None = None) -> None:
    """Remove the queues named with the test's own prefix from the broker (`url`, else
    the run's): Redis' keys, or RabbitMQ's queues and the exchanges named after them."""
    with Connection(url or settings.CELERY_BROKER_URL) as conn:
        if conn.transport.driver_type == "redis":
            client = conn.default_channel.client
            keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
            if keys:
                client.delete(*keys)
            return
        channel = conn.default_channel
        for name in [prefix.rstrip("."), *(prefix + duty for duty in TASK_DUTIES)]:
            channel.queue_delete(name)
            channel.exchange_delete(name)
