"""Submission throughput: our JSON submit against a stock Wagtail form page and bare Django.

Run with `.venv/bin/python bench/submit.py` (PostgreSQL on 127.0.0.1:5432 and Redis on
127.0.0.1:6379, as `make test` uses). It creates the database `bench_forms`, migrates,
builds the demo form pages and a stock `AbstractEmailForm` page with the same fields,
starts gunicorn (2 workers) and an aiosmtpd sink on free loopback ports, and drives each
target with wrk (16 connections) in rounds: each round runs the three targets one after
the other, 4 s each, and the ratio is taken within a round, so that the machine's speed
(which drifts from minute to minute on shared hosts) weighs on both sides alike. Then it
checks that the rate limit still answers 429 when set low. Figures go to bench/README.md
by hand.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DATABASE = "bench_forms"
DURATION = os.environ.get("BENCH_DURATION", "4s")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
CONNECTIONS = 16
OURS, STOCK, BARE = "ours (JSON submit)", "stock Wagtail AbstractEmailForm", "bare Django JSON view"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.bench",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/12"),
        CACHE_KEY_PREFIX=f"bench-{os.getpid()}",
        CELERY_QUEUE=f"bench-{os.getpid()}",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


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


def main() -> int:
    wrk = ensure_wrk()
    smtp_port, web_port = free_port(), free_port()
    smtp = subprocess.Popen(
        [PY, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l",
         f"127.0.0.1:{smtp_port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    env = environment(smtp_port)
    servers = [smtp]
    try:
        wait_port(smtp_port)
        form_id = prepare(env)
        servers.append(start_gunicorn(env, web_port))
        base = f"http://127.0.0.1:{web_port}"
        body = json.dumps({"email": "bench@example.org", "name": "Bench"})
        targets = {
            OURS: (
                f"{base}/api/v3/forms/{form_id}/submissions/",
                lua(body, "application/json"),
            ),
            STOCK: (
                f"{base}/stock-form/",
                lua("email=bench%40example.org&name=Bench", "application/x-www-form-urlencoded"),
            ),
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
        servers[-1].terminate()
        servers[-1].wait()
        servers.pop()
        codes = check_rate_limit(env, form_id)
    finally:
        for process in servers:
            process.terminate()
            process.wait()

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
    ratios = [r[OURS]["rps"] / r[STOCK]["rps"] for r in rounds]
    ratio = median(ratios)
    print(
        f"\nours / stock, each round: {', '.join(f'{x:.1f}x' for x in ratios)}; median {ratio:.1f}x"
    )
    print(f"ours / bare, median: {median(r[OURS]['rps'] / r[BARE]['rps'] for r in rounds):.2f}")
    print(f"rate limit 5/m, 8 requests: {codes}")
    ok = (
        ratio >= 5
        and max(r[OURS]["p99"] for r in rounds) < 100
        and all(r[OURS]["errors"] == 0 and r[OURS]["socket_errors"] == "none" for r in rounds)
        and 429 in codes
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
