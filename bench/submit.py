"""Submission throughput: our JSON submit against a stock Wagtail form page and bare Django,
then our submissions end to end, from the request to screened and emailed.

Run with `.venv/bin/python bench/submit.py` (PostgreSQL on 127.0.0.1:5432 and Redis on
127.0.0.1:6379, as `make test` uses). It creates the database `bench_forms`, migrates,
builds the demo form pages and a stock `AbstractEmailForm` page with the same fields,
starts an aiosmtpd sink that counts messages and two gunicorns (2 workers each) on free
loopback ports: one sends email over SMTP to the sink, the other through Django's dummy
backend (`EMAIL_BACKEND`), which sends nothing. It drives each target with wrk
(16 connections) in rounds: each round runs the four targets (ours, the stock page with
SMTP, the stock page with the dummy backend, a bare Django view) one after the other,
4 s each, and the ratios are taken within a round, so that the machine's speed (which
drifts from minute to minute on shared hosts) weighs on all sides alike.

Then, end to end: the rounds' submissions are deleted, a Celery worker (`-c 2`) starts on
the same queues, and 16 connections send BENCH_E2E distinct submissions to ours; it waits
until none is `received` and both emails of each reached the sink, and prints the rate at
the door, the rate screened (first request to last screened) and the time from each
submission's `submitted_at` to its `processed_at`. Last, it checks that the rate limit
still answers 429 when set low.

Environment: BENCH_ROUNDS (5), BENCH_DURATION (4s), BENCH_E2E (1000; 0 skips the phase),
BENCH_DATABASE (bench_forms), BENCH_REDIS_URL (redis://127.0.0.1:6379/12). Figures go
to bench/README.md by hand.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from statistics import median, quantiles

import common  # bench/common.py
import psycopg
import redis
from aiosmtpd.controller import Controller
from common import Counter, free_port

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DATABASE = os.environ.get("BENCH_DATABASE", "bench_forms")
REDIS = os.environ.get("BENCH_REDIS_URL") or os.environ.get(
    "REDIS_URL", "redis://127.0.0.1:6379/12"
)
QUEUE = f"bench-{os.getpid()}"
DURATION = os.environ.get("BENCH_DURATION", "4s")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
E2E = int(os.environ.get("BENCH_E2E", "1000"))
CONNECTIONS = 16
OURS, STOCK, BARE = "ours (JSON submit)", "stock Wagtail AbstractEmailForm", "bare Django JSON view"
STOCK_NOOP = "stock, dummy email backend"
DUMMY_EMAIL = "django.core.mail.backends.dummy.EmailBackend"
# The front door's goals for ours: against the stock page (SMTP), the bare view, its p99.
GOAL_STOCK, GOAL_BARE, GOAL_P99 = 10, 0.40, 50


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def ensure_wrk() -> str:
    if not shutil.which("wrk"):
        prefix = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run([*prefix, "apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk")


def environment(smtp_port: int, **extra: str) -> dict:
    return common.environment(DATABASE, REDIS, QUEUE, smtp_port, **extra)


SETUP = """
from wagtail.models import Site
from cms.demo.forms import build_form_pages
from cms.demo.pages import ensure_home
from bench.stock_forms.models import StockFormField, StockFormPage

ensure_home()
pages = build_form_pages()
home = Site.objects.get(is_default_site=True).root_page
stock = StockFormPage.objects.filter(slug="stock-form").first()
if stock is None:
    stock = StockFormPage(
        title="Stock form", slug="stock-form", to_address="staff@example.org",
        from_address="no-reply@example.org", subject="New subscription",
    )
    stock.form_fields = [
        StockFormField(label="email", field_type="email", required=True),
        StockFormField(label="name", field_type="singleline", required=False),
    ]
    home.add_child(instance=stock)
    stock.save_revision().publish()
print("NEWSLETTER", pages["newsletter"]["en"].pk)
"""


def settle() -> None:
    """Statistics for the new tables and their dirty pages written out, so that the runs
    measure the path, not the checkpoint after the migrations."""
    for sql in ("VACUUM ANALYZE", "CHECKPOINT"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DATABASE, "-q",
                        "-c", sql], check=True)  # fmt: skip


def prepare(env: dict) -> int:
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE],
                   check=True)  # fmt: skip
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", SETUP],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    settle()
    return int(re.search(r"NEWSLETTER (\d+)", out)[1])


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "cms.wsgi", "-w", "2", "--preload",
         "-b", f"127.0.0.1:{port}",
         "--access-logfile", "-", "--error-logfile", "-", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    wait_port(port)
    for _ in range(20):  # every worker answers before anything is measured
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v3/forms/", timeout=60):
            pass
    return process


def lua(body: str, content_type: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(
            f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
            f'wrk.headers["Content-Type"] = "{content_type}"\n'
        )
    return handle.name


def to_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def warm(wrk: str, url: str, script: str) -> None:
    """Every gunicorn worker past its first requests (URLconf, connections, caches)."""
    subprocess.run([wrk, "-t2", f"-c{CONNECTIONS}", "-d3s", "-s", script, url],
                   check=True, capture_output=True)  # fmt: skip


def run_wrk(wrk: str, url: str, script: str) -> dict:
    out = subprocess.run(
        [wrk, "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "-s", script, url],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p50": to_ms(re.search(r"\s50%\s+(\S+)", out)[1]),
        "p99": to_ms(re.search(r"\s99%\s+(\S+)", out)[1]),
        "errors": (int(non_2xx[1]) if non_2xx else 0),
        "socket_errors": socket_errors[1] if socket_errors else "none",
        "requests": int(re.search(r"(\d+) requests in", out)[1]),
    }


def check_rate_limit(env: dict, form_id: int) -> list[int]:
    """A second server with a low limit: the limit must still bite."""
    port = free_port()
    server = start_gunicorn({**env, "SUBMISSION_RATE_LIMIT": "5/m",
                             "CACHE_KEY_PREFIX": f"bench-rl-{os.getpid()}"}, port)  # fmt: skip
    codes = []
    try:
        for _ in range(8):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v3/forms/{form_id}/submissions/",
                data=json.dumps({"email": "limit@example.org"}).encode(),
                headers={"Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback http)
                    codes.append(response.status)
            except urllib.error.HTTPError as error:
                codes.append(error.code)
    finally:
        server.terminate()
        server.wait()
    return codes


# --- end to end: submitted, screened and emailed, with a worker running ---------------

# The rounds' submissions and every table that references one (reviews, notifications,
# ...) and their log entries; the yearly reference counter stays.
TRUNCATED = (
    "membership_forms_submission",
    "membership_forms_submissionlogentry",
    "membership_forms_reviewlogentry",
)
WAITING = "SELECT count(*) FROM membership_forms_submission WHERE status = 'received'"
EMAILS = (
    "SELECT count(*), count(*) FILTER (WHERE status = 'sent') FROM membership_forms_notification"
)
LATENCY = """
SELECT count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY processed_at - submitted_at),
       percentile_cont(0.99) WITHIN GROUP (ORDER BY processed_at - submitted_at),
       extract(epoch FROM max(processed_at))
FROM membership_forms_submission WHERE processed_at IS NOT NULL
"""


def drop_queued(broker: redis.Redis, bindings: bool = False) -> None:
    """The queues' waiting messages (kombu's bindings too when `bindings`: the web
    processes declared them once and would publish into nothing without them)."""
    for key in broker.scan_iter(f"*{QUEUE}*"):
        if bindings or not key.startswith(b"_kombu"):
            broker.delete(key)


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(PY).parent / "celery"), "-A", "tasks", "worker", "-P", "prefork", "-c", "2",
         "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def wait_until(condition, timeout: float, interval: float = 0.05) -> float:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the end-to-end phase did not finish in time")
        time.sleep(interval)
    return time.time()


def send_all(port: int, path: str, count: int) -> dict:
    """`count` distinct submissions over CONNECTIONS keep-alive connections."""
    numbers = iter(range(count))
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    spans: list[tuple[float, float]] = []

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, codes = [], {}
        first = last = None
        while True:
            with lock:
                number = next(numbers, None)
            if number is None:
                break
            body = json.dumps({"email": f"e2e{number}@org{number}.example.org", "name": "Bench"})
            started = time.time()
            connection.request("POST", path, body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            finished = time.time()
            first = started if first is None else first
            last = finished
            mine.append((finished - started) * 1000)
            codes[response.status] = codes.get(response.status, 0) + 1
        connection.close()
        with lock:
            latencies.extend(mine)
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n
            if first is not None:
                spans.append((first, last))

    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cuts = quantiles(latencies, n=100, method="inclusive")
    return {
        "first": min(s for s, _ in spans),
        "last": max(e for _, e in spans),
        "statuses": statuses,
        "p50": cuts[49],
        "p99": cuts[98],
    }


def end_to_end(env: dict, port: int, form_id: int, sink: Counter) -> dict:
    """BENCH_E2E submissions to ours with a worker running: the door, screening, emails."""
    os.environ.update(env)  # the Celery app below reads the bench settings
    sys.path.insert(0, str(ROOT))
    from tasks.celery import app

    broker = redis.Redis.from_url(REDIS)
    db = psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DATABASE}", autocommit=True)

    def one(sql: str) -> tuple:
        return db.execute(sql).fetchone()

    worker = None
    try:
        time.sleep(0.5)  # the web processes' relays publish what the rounds left them
        names = [row[0] for row in db.execute(
            "SELECT tablename FROM pg_tables WHERE tablename = ANY(%s)", (list(TRUNCATED),)
        )]  # fmt: skip
        db.execute(f"TRUNCATE {', '.join(names)} CASCADE")
        drop_queued(broker)
        worker = start_worker(env)
        app.send_task("celery.accumulate", args=(1,), queue=QUEUE, ignore_result=True)
        wait_until(lambda: broker.llen(QUEUE) == 0, timeout=120)  # the worker consumes
        emails_before = sink.count
        door = send_all(port, f"/api/v3/forms/{form_id}/submissions/", E2E)
        accepted = door["statuses"].get(202, 0)
        screened_at = wait_until(lambda: one(WAITING)[0] == 0, timeout=1200, interval=0.1)
        emailed_at = wait_until(
            lambda: sink.count - emails_before >= 2 * accepted and one(EMAILS)[1] >= 2 * accepted,
            timeout=1200,
            interval=0.1,
        )
        screened, p50, p99, last_processed = one(LATENCY)
        emails, sent = one(EMAILS)
        return {
            **door,
            "accepted": accepted,
            "screened": screened,
            "last_processed": float(last_processed),
            "screened_at": screened_at,
            "emailed_at": emailed_at,
            "emails_at_sink": sink.count - emails_before,
            "emails": emails,
            "sent": sent,
            "lat_p50": p50.total_seconds() * 1000,
            "lat_p99": p99.total_seconds() * 1000,
        }
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=120)
        db.close()


def main() -> int:
    wrk = ensure_wrk()
    sink = Counter()
    smtp_port, web_port, noop_port = free_port(), free_port(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = environment(smtp_port)
    servers: list[subprocess.Popen] = []
    e2e = None
    try:
        form_id = prepare(env)
        servers.append(start_gunicorn(env, web_port))
        servers.append(start_gunicorn({**env, "EMAIL_BACKEND": DUMMY_EMAIL}, noop_port))
        base, noop = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{noop_port}"
        body = json.dumps({"email": "bench@example.org", "name": "Bench"})
        form = lua("email=bench%40example.org&name=Bench", "application/x-www-form-urlencoded")
        targets = {
            OURS: (
                f"{base}/api/v3/forms/{form_id}/submissions/",
                lua(body, "application/json"),
            ),
            STOCK: (f"{base}/stock-form/", form),
            STOCK_NOOP: (f"{noop}/stock-form/", form),
            BARE: (f"{base}/bench/bare-json/", lua(body, "application/json")),
        }
        for url, script in targets.values():
            warm(wrk, url, script)
        rounds: list[dict[str, dict]] = []
        for number in range(ROUNDS):
            rounds.append(
                {name: run_wrk(wrk, url, script) for name, (url, script) in targets.items()}
            )
            print(f"round {number + 1}:", {name: r["rps"] for name, r in rounds[-1].items()},
                  flush=True)  # fmt: skip
        stop(servers.pop())  # the dummy-backend server
        if E2E:
            print(f"end to end: {E2E} submissions with a worker (-c 2) running", flush=True)
            try:
                e2e = end_to_end(env, web_port, form_id, sink)
            except TimeoutError as error:
                print(f"end to end: {error}", flush=True)
        stop(servers.pop())
        codes = check_rate_limit(env, form_id)
    finally:
        for process in servers:
            stop(process)
        controller.stop()
        drop_queued(redis.Redis.from_url(REDIS), bindings=True)

    print(f"\nwrk -c{CONNECTIONS}, {ROUNDS} rounds of {DURATION} per target, "
          "gunicorn 2 workers, PostgreSQL, Redis\n")  # fmt: skip
    print(f"{'target':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    print(f"{'':34} {'median':>9} {'median':>8} {'worst':>8} {'all':>7}")
    for name in rounds[0]:
        runs = [r[name] for r in rounds]
        errors = sum(r["errors"] for r in runs)
        socket_errors = sorted({r["socket_errors"] for r in runs} - {"none"}) or ["none"]
        print(f"{name:34} {median(r['rps'] for r in runs):9.1f}"
              f" {median(r['p50'] for r in runs):8.2f} {max(r['p99'] for r in runs):8.2f}"
              f" {errors:7d}  (socket errors: {', '.join(socket_errors)})")  # fmt: skip
    print()
    ratio = ratios(rounds, STOCK, "ours / stock")
    ratios(rounds, STOCK_NOOP, "ours / stock with the dummy email backend")
    bare = median(r[OURS]["rps"] / r[BARE]["rps"] for r in rounds)
    print(f"ours / bare, median: {bare:.2f}")
    print(f"rate limit 5/m, 8 requests: {codes}")
    if e2e is not None:
        report_e2e(e2e)
    elif E2E:
        print("\nend to end: did not finish (see above)")
    worst_p99 = max(r[OURS]["p99"] for r in rounds)
    ok = (
        ratio >= 5
        and worst_p99 < 100
        and all(r[OURS]["errors"] == 0 and r[OURS]["socket_errors"] == "none" for r in rounds)
        and 429 in codes
    )

    def met(yes: bool) -> str:
        return "met" if yes else "not met"

    print(
        f"\ngoals: {GOAL_STOCK}x stock ({ratio:.1f}x, {met(ratio >= GOAL_STOCK)}), "
        f"{GOAL_BARE:.0%} of bare ({bare:.0%}, {met(bare >= GOAL_BARE)}), "
        f"p99 < {GOAL_P99} ms at {CONNECTIONS} connections "
        f"({worst_p99:.1f} ms worst round, {met(worst_p99 < GOAL_P99)})"
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait()


def ratios(rounds: list[dict[str, dict]], baseline: str, label: str) -> float:
    """Ours over `baseline` within each round, printed; their median."""
    each = [r[OURS]["rps"] / r[baseline]["rps"] for r in rounds]
    print(f"{label}, each round: {', '.join(f'{x:.1f}x' for x in each)}; "
          f"median {median(each):.1f}x")  # fmt: skip
    return median(each)


def report_e2e(e2e: dict) -> None:
    door = e2e["last"] - e2e["first"]
    screened = e2e["last_processed"] - e2e["first"]
    others = {code: n for code, n in e2e["statuses"].items() if code != 202}
    print(
        f"\nend to end, {E2E} submissions at {CONNECTIONS} connections, worker -c 2:\n"
        f"  at the door: {e2e['accepted'] / door:.1f} submitted/s ({door:.1f} s), "
        f"p50 {e2e['p50']:.1f} ms, p99 {e2e['p99']:.1f} ms; 202: {e2e['accepted']}, "
        f"other: {others or 'none'}\n"
        f"  screened: {e2e['screened'] / screened:.1f}/s from the first request to the last "
        f"screened ({screened:.1f} s; {e2e['screened']} screened)\n"
        f"  submitted_at to processed_at: p50 {e2e['lat_p50']:.0f} ms, "
        f"p99 {e2e['lat_p99']:.0f} ms\n"
        f"  emails: {e2e['emails_at_sink']} at the sink, {e2e['sent']} of {e2e['emails']} "
        f"recorded sent, the last {e2e['emailed_at'] - e2e['first']:.1f} s after the first "
        "request"
    )


if __name__ == "__main__":
    sys.exit(main())
