"""Anonymous page views: cached, uncached, and a bare Django view, in one run.

Starts gunicorn (2 workers) on a free loopback port against PostgreSQL (database
`bench_site`, created, migrated and filled with the demo content here) and Redis, then
measures each URL for a fixed time with the same client: wrk when installed, else a
bounded Python client with threads. Prints requests/s, p50/p99 latency and the ratios.

    .venv/bin/python bench/pages.py [--seconds 10] [--connections 8]
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from common import free_port  # bench/common.py

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = "bench_site"
ARTICLE = "/news/ngo-supporters-category-launched/"
# (label, path): "?nocache=1" is a query string no page declares safe, so it bypasses
# the page cache and measures a full render, exactly as any visitor could.
TARGETS = [
    ("bare Django view", "/bench/bare/"),
    ("home, cached", "/"),
    ("home, uncached", "/?nocache=1"),
    ("article, cached", ARTICLE),
    ("article, uncached", f"{ARTICLE}?nocache=1"),
]


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.bench",
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
        ),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(BASE_DIR),
    }


def prepare_database(env: dict[str, str]) -> None:
    import psycopg

    (BASE_DIR / "var" / "bench-static").mkdir(parents=True, exist_ok=True)

    url = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(url, autocommit=True) as connection:
        exists = connection.execute(
            "select 1 from pg_database where datname = %s", [DATABASE]
        ).fetchone()
        if not exists:
            connection.execute(f'create database "{DATABASE}"')
    for command in (["migrate", "--verbosity", "0"], ["load_demo_content"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=BASE_DIR, env=env, check=True)


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "cms.wsgi:application",
            "--workers", "2", "--bind", f"127.0.0.1:{port}",
            "--log-level", "warning", "--preload",
        ],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not answer")


def check(url: str, cached: bool | None) -> None:
    """Warm the URL up and make sure it is (or is not) served from the page cache."""
    for _ in range(2):
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback http only)
            assert response.status == 200, url
            header = response.headers.get("X-Page-Cache")
    if cached is True and header != "hit":
        sys.exit(f"{url} was not served from the page cache (X-Page-Cache: {header})")
    if cached is False and header is not None:
        sys.exit(f"{url} was expected uncached (X-Page-Cache: {header})")


def run_wrk(url: str, seconds: int, connections: int) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

    def millis(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\b", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": millis("50%"),
        "p99": millis("99%"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def run_threads(url: str, seconds: int, connections: int) -> dict:
    """The fallback client: `connections` threads with keep-alive, for `seconds`."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        nonlocal errors
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        mine, failed = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            failed += response.status != 200
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cuts = statistics.quantiles(latencies, n=100)
    return {"rps": len(latencies) / seconds, "p50": cuts[49], "p99": cuts[98], "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()

    env = environment()
    prepare_database(env)
    port = free_port()
    server = start_gunicorn(env, port)
    client = "wrk" if shutil.which("wrk") else "python threads"
    measure = run_wrk if client == "wrk" else run_threads
    results = {}
    try:
        for label, path in TARGETS:
            url = f"http://127.0.0.1:{port}{path}"
            check(url, None if "bare" in label else "uncached" not in label)
            results[label] = measure(url, args.seconds, args.connections)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    print(f"\n{client}, {args.connections} connections, {args.seconds} s each, gunicorn 2 workers")
    print(f"{'':20} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs bare':>8}")
    bare = results["bare Django view"]["rps"]
    for label, result in results.items():
        print(
            f"{label:20} {result['rps']:9.1f} {result['p50']:8.2f} {result['p99']:8.2f}"
            f" {result['rps'] / bare:8.2f}"
        )
    for page in ("home", "article"):
        ratio = results[f"{page}, cached"]["rps"] / results[f"{page}, uncached"]["rps"]
        print(f"{page}: the cache serves {ratio:.1f}x the requests of a full render")
    if any(result["errors"] for result in results.values()):
        sys.exit("some responses were not 2xx/3xx")
    print(json.dumps({"client": client, "seconds": args.seconds, "results": results}))


if __name__ == "__main__":
    main()
