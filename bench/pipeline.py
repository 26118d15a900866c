"""Worker throughput per worker count: submissions screened and both emails delivered,
beside a no-op task and a bare task that sends the same two emails.

Run with `.venv/bin/python bench/pipeline.py` (PostgreSQL on 127.0.0.1:5432 and Redis on
127.0.0.1:6379, as `make test` uses). It creates the database `bench_pipeline`, migrates,
builds the demo form pages and starts an aiosmtpd sink that counts messages. Then, for
each worker count K, it measures three phases against `celery -A tasks worker -c K`
(prefork, `cms.settings.bench`, Redis db 14, queues of their own). Each phase queues its
whole load with no worker running, then starts the worker and times from the first
finished item until the last:

1. N no-op tasks (`celery.accumulate`): done when the queue is empty;
2. N bare two-email tasks (`bench.two_emails`, bench/stock_forms/tasks.py: an
   acknowledgement and a staff alert over one SMTP connection, no database): done when
   2N more emails reached the sink;
3. N membership submissions recorded through `record_submission` (no HTTP), after the
   previous count's submissions, reviews and emails were truncated: done when none is
   `received`, 2N emails reached the sink and every email is recorded `sent`.

Then, as root where `ip netns` works, on two worker hosts: tests/cluster/harness.py's
network namespaces with their own PostgreSQL, Redis, SMTP sink (cms.mailcatcher) and S3
store, production settings and the Procfile's worker. N no-op tasks and N submissions
(recorded from the web1 host) against (i) worker1 alone with CELERY_CONCURRENCY=2 and
(ii) worker1 and worker2 with CELERY_CONCURRENCY=1 each; emails counted in the sink's
folder, statuses in the cluster's database.

Environment: BENCH_SUBMISSIONS (N, default 2000), BENCH_WORKERS (default 1,2,4),
BENCH_HOSTS (1: the hosts' rows or fail; 0: none; default: when possible and no
tests/cluster run holds the mfc-* namespaces), BENCH_DATABASE (default bench_pipeline),
BENCH_REDIS_URL (default redis://127.0.0.1:6379/14). It prints one markdown table and
PASS when 2 processes screen 300 submissions/s. Figures go to bench/README.md by hand.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import common  # bench/common.py
import psycopg
import redis
from aiosmtpd.controller import Controller
from common import Counter, free_port

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DATABASE = os.environ.get("BENCH_DATABASE", "bench_pipeline")
N = int(os.environ.get("BENCH_SUBMISSIONS", "2000"))
WORKERS = [int(k) for k in os.environ.get("BENCH_WORKERS", "1,2,4").split(",") if k.strip()]
HOSTS = os.environ.get("BENCH_HOSTS", "")  # "1", "0" or unset (when possible)
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
QUEUE = f"bench-pipeline-{os.getpid()}"
GOAL = 300  # submissions/s with 2 worker processes
# Between batches: the submissions, every table that references one (reviews,
# notifications, files, ...) and the submissions' and reviews' log entries (which name
# their object by id, without a foreign key); the yearly reference counter stays.
TRUNCATED = (
    "membership_forms_submission",
    "membership_forms_submissionlogentry",
    "membership_forms_reviewlogentry",
)
WAITING = "SELECT count(*) FROM membership_forms_submission WHERE status = 'received'"
UNSENT = "SELECT count(*) FROM membership_forms_notification WHERE status <> 'sent'"


def truncate(db: psycopg.Connection) -> None:
    names = [row[0] for row in db.execute(
        "SELECT tablename FROM pg_tables WHERE tablename = ANY(%s)", (list(TRUNCATED),)
    )]  # fmt: skip
    db.execute(f"TRUNCATE {', '.join(names)} CASCADE")


def environment(smtp_port: int) -> dict:
    return common.environment(DATABASE, REDIS, QUEUE, smtp_port)


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
    payload = {**base, "organisation_name": f"Bench Org %(batch)s-{i}",
               "contact_email": f"bench{i}.%(batch)s@org{i}.example.org",
               "website": f"https://org{i}.%(batch)s.example.org"}
    record_submission(page=page, payload=payload, uploads={}, locale="en")
print("RECORDED", time.perf_counter() - started)
"""


def record(command: list[str], env: dict, batch: str) -> float:
    """N submissions recorded in one process (its relay queues them): the seconds taken."""
    out = subprocess.run(
        [*command, "shell", "-c", RECORD % {"n": N, "batch": batch}],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return float(re.search(r"RECORDED ([\d.]+)", out)[1])


def prepare(env: dict) -> None:
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE],
                   check=True)  # fmt: skip
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "shell", "-c", SETUP], cwd=ROOT, env=env, check=True)


def start_worker(env: dict, processes: int) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(PY).parent / "celery"), "-A", "tasks", "worker", "-P", "prefork",
         "-c", str(processes), "--without-gossip", "--without-mingle", "-l", "WARNING"],
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


@dataclass
class Row:
    label: str
    noop: float | None = None  # tasks/s
    bare: float | None = None  # bare two-email tasks/s
    submissions: float | None = None  # submissions/s


def measure_noop(send, length, start) -> float:
    """N no-op tasks queued with no worker, then `start()`: tasks/s from the first done."""
    for _ in range(N):
        send()
    start()
    started = wait(lambda: length() < N, timeout=600)
    first = N - length()
    finished = wait(lambda: length() == 0, timeout=600)
    return (N - first) / (finished - started)


def measure_emails(emails, start, done, label: str) -> float:
    """Work already queued; `start()` the workers: items/s (N items, 2N emails) from the
    first email at the sink until `done()`."""
    before = emails()
    start()
    started = wait(lambda: emails() > before, timeout=600, interval=0.05)
    finished = wait(done, timeout=3600, interval=0.2)
    seconds = finished - started
    print(f"  {label}: {N / seconds:.1f}/s ({seconds:.1f} s, {emails() - before} emails)")
    return N / seconds


def local_rows(sink: Counter, env: dict) -> list[Row]:
    broker = redis.Redis.from_url(REDIS)
    from tasks.celery import app

    rows = []
    worker = None
    db = psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DATABASE}", autocommit=True)

    def count(sql: str) -> int:
        return db.execute(sql).fetchone()[0]

    try:
        for processes in WORKERS:
            print(f"{processes} worker process(es):")
            row = Row(str(processes))

            def start(processes=processes):
                nonlocal worker
                worker = start_worker(env, processes)

            row.noop = measure_noop(
                lambda: app.send_task(
                    "celery.accumulate", args=(1,), queue=QUEUE, ignore_result=True
                ),
                lambda: broker.llen(QUEUE),
                start,
            )
            print(f"  no-op: {row.noop:.0f} tasks/s")
            stop_worker(worker)

            for number in range(N):
                app.send_task("bench.two_emails", args=(number,), queue=QUEUE)
            target = sink.count + 2 * N
            row.bare = measure_emails(
                lambda: sink.count,
                start,
                lambda target=target: sink.count >= target,
                "bare two-email",
            )
            stop_worker(worker)

            truncate(db)
            recorded = record([PY, "manage.py"], env, f"k{processes}")
            print(f"  {N} submissions recorded through the service in {recorded:.1f} s")
            target = sink.count + 2 * N
            row.submissions = measure_emails(
                lambda: sink.count,
                start,
                # Done: all screened, every email at the sink and recorded sent (the record
                # is committed just after the sink accepted the message).
                lambda target=target: (
                    count(WAITING) == 0 and sink.count >= target and count(UNSENT) == 0
                ),
                "submissions",
            )
            print(f"  {count(UNSENT)} emails not sent")
            stop_worker(worker)
            rows.append(row)
    finally:
        if worker is not None and worker.poll() is None:
            stop_worker(worker)
        for key in broker.scan_iter(f"*{QUEUE}*"):  # its queues and kombu's bindings
            broker.delete(key)
        db.close()
    return rows


# --- two worker hosts (tests/cluster/harness.py) -------------------------------------


def hosts_wanted() -> bool:
    """Whether to measure on worker hosts: BENCH_HOSTS=1 insists, 0 declines, unset runs
    them when this is root with `ip netns` and PostgreSQL's server binaries, and no
    tests/cluster run holds the namespaces (its teardown would remove ours, ours its)."""
    if HOSTS == "0":
        return False
    from tests.cluster.harness import PG_BIN, PREFIX

    reasons = []
    if os.geteuid() != 0:
        reasons.append("needs root")
    netns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True)
    if netns.returncode != 0:
        reasons.append("`ip netns` does not work")
    elif any(name.startswith(PREFIX) for name in netns.stdout.split()):
        reasons.append(f"{PREFIX}* namespaces exist (a tests/cluster run?)")
    if not (PG_BIN / "initdb").exists():
        reasons.append(f"no {PG_BIN}/initdb")
    if reasons:
        if HOSTS == "1":
            raise SystemExit("BENCH_HOSTS=1 but " + "; ".join(reasons))
        print("worker hosts skipped: " + "; ".join(reasons))
        return False
    return True


def host_rows() -> list[Row]:
    from celery import Celery

    from tests.cluster.harness import Cluster, address

    cluster = Cluster()
    try:
        print("worker hosts: starting the cluster's network and services")
        cluster.make_network()
        cluster.start_postgresql()
        cluster.start_redis()
        cluster.start_smtp()
        cluster.start_store()
        cluster.prepare()
        broker_url = f"redis://{address('redis')}:6379/0"
        broker = redis.Redis.from_url(broker_url)
        sender = Celery("bench-hosts", broker=broker_url)
        queue = "coalition"  # production settings' default queue, without a prefix
        mail = cluster.hosts["smtp"].dir / "mail"
        web = cluster.hosts["web1"]
        recorder = ["ip", "netns", "exec", web.namespace, PY, "manage.py"]

        def emails() -> int:
            return sum(1 for _ in mail.iterdir()) if mail.exists() else 0

        def count(sql: str) -> int:
            return cluster.query(sql)[0][0]

        rows = []
        for label, hosts, processes in (
            ("1 worker host, 2 processes", ("worker1",), 2),
            ("2 worker hosts, 1 process each", ("worker1", "worker2"), 1),
        ):
            print(f"{label}:")
            row = Row(label)

            def start(hosts=hosts, processes=processes):
                for name in hosts:
                    host = cluster.hosts[name]
                    env = {**cluster.environment(host), "CELERY_CONCURRENCY": str(processes)}
                    host.spawn("worker", cluster.procfile("worker"), env)

            def stop(hosts=hosts):
                for name in hosts:
                    cluster.hosts[name].stop("worker", timeout=120)

            row.noop = measure_noop(
                lambda: sender.send_task(
                    "celery.accumulate", args=(1,), queue=queue, ignore_result=True
                ),
                lambda: broker.llen(queue),
                start,
            )
            print(f"  no-op: {row.noop:.0f} tasks/s")
            stop()

            with psycopg.connect(cluster.admin_url(), autocommit=True) as db:
                truncate(db)
            batch = f"h{len(hosts)}"
            recorded = record(recorder, cluster.environment(web), batch)
            print(f"  {N} submissions recorded on web1 in {recorded:.1f} s")
            target = emails() + 2 * N
            row.submissions = measure_emails(
                emails,
                start,
                lambda target=target: (
                    count(WAITING) == 0 and emails() >= target and count(UNSENT) == 0
                ),
                "submissions",
            )
            print(f"  {count(UNSENT)} emails not sent")
            stop()
            rows.append(row)
        return rows
    finally:
        cluster.stop()


def figure(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def table(rows: list[Row], hosts: list[Row]) -> str:
    lines = [
        f"N = {N}",
        "",
        "| worker processes | no-op tasks/s | bare two-email tasks/s | submissions/s "
        "| of the bare two-email rate |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in [*rows, *hosts]:
        ratio = row.submissions / row.bare if row.bare and row.submissions else None
        lines.append(
            f"| {row.label} | {figure(row.noop, 0)} | {figure(row.bare)} "
            f"| {figure(row.submissions)} | {figure(ratio, 3)} |"
        )
    return "\n".join(lines)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    with_hosts = hosts_wanted()
    sink = Counter()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        env = environment(smtp_port)
        prepare(env)
        os.environ.update(env)
        rows = local_rows(sink, env)
    finally:
        controller.stop()
    hosts = host_rows() if with_hosts else []
    print()
    print(table(rows, hosts))
    print()
    two = next((row for row in rows if row.label == "2"), None)
    if two is None:
        print("NO VERDICT (2 processes not measured)")
    elif two.submissions is not None and two.submissions >= GOAL:
        print("PASS")
    else:
        print(f"UNDER GOAL ({GOAL}/s with 2 processes)")


if __name__ == "__main__":
    if shutil.which("celery", path=str(Path(PY).parent)) is None:
        raise SystemExit(f"no celery beside {PY}: run it with the project's .venv")
    main()
