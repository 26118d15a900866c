"""Worker throughput: submissions screened and both emails delivered, against a no-op task.

Run with `.venv/bin/python bench/pipeline.py` (PostgreSQL on 127.0.0.1:5432 and Redis on
127.0.0.1:6379, as `make test` uses; `BENCH_SUBMISSIONS` changes N, default 2000). It
creates the database `bench_pipeline`, migrates, builds the demo form pages, starts an
aiosmtpd sink that counts messages and `celery -A tasks worker -c 2` on a queue of its own
(Redis db 14). Each phase queues its whole load with no worker running, then starts the
worker and times from the first finished item until the work is done:

1. N no-op tasks (`celery.accumulate`): done when the queue is empty;
2. N membership submissions recorded through `record_submission` (no HTTP): done when none
   is `received` and 2N emails (acknowledgement and staff alert) reached the sink.
Figures go to bench/README.md by hand.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import redis
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DATABASE = "bench_pipeline"
N = int(os.environ.get("BENCH_SUBMISSIONS", "2000"))
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
QUEUE = f"bench-pipeline-{os.getpid()}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Counter:
    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def environment(smtp_port: int) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.bench",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        REDIS_URL=REDIS,
        CACHE_KEY_PREFIX=f"bench-{os.getpid()}",
        CELERY_QUEUE=QUEUE,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


SETUP = """
from cms.demo.forms import build_form_pages
from cms.demo.pages import ensure_home

ensure_home()
build_form_pages()
"""

RECORD = """
import time
from membership_forms.models import MembershipFormPage
from membership_forms.services.submissions import record_submission
page = MembershipFormPage.objects.get(locale__language_code="en")
base = {
    "organisation_type": "ngo", "mandate": "Prevention.", "headquarters": "Nairobi",
    "headquarters_country": "KE", "operations": "East Africa", "legally_registered": True,
    "government_controlled": False, "independent": True,
    "endorses_common_understanding": True, "has_rtop_programme": True,
    "willing_to_commit": True, "contact_name": "Bench",
}
started = time.perf_counter()
for i in range(%(n)d):
    payload = {**base, "organisation_name": f"Bench Org {i}",
               "contact_email": f"bench{i}@org{i}.example.org",
               "website": f"https://org{i}.example.org"}
    record_submission(page=page, payload=payload, uploads={}, locale="en")
print("RECORDED", time.perf_counter() - started)
"""


def prepare(env: dict) -> None:
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE],
                   check=True)  # fmt: skip
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "shell", "-c", SETUP], cwd=ROOT, env=env, check=True)


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(PY).parent / "celery"), "-A", "tasks", "worker", "-c", "2",
         "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def stop_worker(worker: subprocess.Popen) -> None:
    worker.terminate()
    worker.wait(timeout=120)


def wait(condition, timeout: float, interval: float = 0.02) -> float:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the phase did not finish in time")
        time.sleep(interval)
    return time.perf_counter()


def main() -> None:
    sink = Counter()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = environment(smtp_port)
    prepare(env)
    broker = redis.Redis.from_url(REDIS)
    sys.path.insert(0, str(ROOT))
    os.environ.update(env)
    from tasks.celery import app

    worker = None
    try:
        # Each phase queues its whole load with no worker running, then starts the worker
        # and times from the first finished item to the last (the start-up is not counted).
        for _ in range(N):
            app.send_task("celery.accumulate", args=(1,), queue=QUEUE, ignore_result=True)
        worker = start_worker(env)
        started = wait(lambda: broker.llen(QUEUE) < N, timeout=600)
        first = N - broker.llen(QUEUE)
        finished = wait(lambda: broker.llen(QUEUE) == 0, timeout=600)
        noop_rate = (N - first) / (finished - started)
        stop_worker(worker)

        out = subprocess.run(
            [PY, "manage.py", "shell", "-c", RECORD % {"n": N}],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        recorded = float(re.search(r"RECORDED ([\d.]+)", out)[1])
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DATABASE}") as db:
            db.autocommit = True

            def waiting() -> int:
                (count,) = db.execute(
                    "SELECT count(*) FROM membership_forms_submission WHERE status = 'received'"
                ).fetchone()
                return count

            def unsent() -> int:
                (count,) = db.execute(
                    "SELECT count(*) FROM membership_forms_notification WHERE status <> 'sent'"
                ).fetchone()
                return count

            worker = start_worker(env)
            started = wait(lambda: sink.count > 0, timeout=600, interval=0.05)
            # Done: all screened, every email at the sink and recorded sent (the record is
            # committed just after the sink accepted the message).
            finished = wait(
                lambda: waiting() == 0 and sink.count >= 2 * N and unsent() == 0, 3600, 0.2
            )
            left = unsent()
        rate = N / (finished - started)
        print(f"submissions: {N}, recorded through the service in {recorded:.1f} s")
        print(f"no-op task: {noop_rate:.0f} tasks/s")
        print(
            f"pipeline: {rate:.1f} submissions/s ({finished - started:.1f} s, "
            f"{sink.count} emails, {left} not sent), {rate / noop_rate:.3f} of the no-op rate"
        )
        print("PASS" if rate >= 200 else "UNDER GOAL (200 submissions/s)")
    finally:
        if worker is not None and worker.poll() is None:
            stop_worker(worker)
        broker.delete(QUEUE)
        controller.stop()


if __name__ == "__main__":
    main()
