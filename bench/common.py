"""What the benchmark scripts share: a free loopback port, an SMTP sink's handler that
counts the messages it accepted (aiosmtpd's `Controller(Counter(), ...)`), and the
environment of the processes they start. Imported by the scripts beside it; runs
nothing."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Counter:
    """The SMTP sink's handler: counts the messages it accepted."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def environment(database: str, redis_url: str, queue: str, smtp_port: int, **extra: str) -> dict:
    """The benchmark settings (`cms.settings.bench`) on this database, Redis and queues,
    with mail to the sink on `smtp_port`; `extra` adds or replaces variables."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.bench",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=f"bench-{os.getpid()}",
        CELERY_QUEUE=queue,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env
