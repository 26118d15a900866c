"""A review queue's first page, server side, with 100,000 items in the queue.

Run with `.venv/bin/python bench/queue_listing.py` (PostgreSQL on 127.0.0.1:5432, Redis on
127.0.0.1:6379; `BENCH_QUEUE_ITEMS` changes the size, default 100000, `BENCH_RUNS` the
number of timed requests, default 30). It creates the database `bench_queue`, migrates,
bulk-creates the membership queue's submissions and reviews in batches (every status,
outcome and country; names and emails in the answers), signs a Secretariat reviewer in
Django's test client and times `GET /admin/membership-forms/reviews/membership/` (the
open items, the listing's default) and the same filtered by status and sorted by country.
Prints the median and p95 in ms and the queries each request made, and where the time
went: the median CPU time of this process (rendering, the ORM) and the median time
spent waiting on queries; the difference from the wall clock is the machine's other load.
Figures go to bench/README.md by hand.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DATABASE = os.environ.get("BENCH_QUEUE_DATABASE", "bench_queue")
# BENCH_REUSE=1 keeps a database already filled at this size (migrates it, skips the fill).
REUSE = os.environ.get("BENCH_REUSE") == "1"
N = int(os.environ.get("BENCH_QUEUE_ITEMS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "30"))
BATCH = 5000
COUNTRIES = ["KE", "FR", "BR", "JP", "IN", "EG", "MX", "DE"]

ENV = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.bench",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
    "CACHE_KEY_PREFIX": f"bench-queue-{os.getpid()}",
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "LOG_LEVEL": "WARNING",
    # The test client signs in without a second factor; the admin's own views are measured.
    "STAFF_TWO_FACTOR": "false",
}


def prepare() -> bool:
    """A fresh, migrated database; True when it still has to be filled."""
    os.environ.update(ENV)
    if REUSE and _filled():
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=os.environ, check=True)
        return False
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE],
                   check=True)  # fmt: skip
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=os.environ, check=True)
    return True


def _filled() -> bool:
    query = "SELECT count(*) FROM membership_forms_review WHERE queue = 'membership'"
    found = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DATABASE, "-tAc", query],
        capture_output=True,
        text=True,
    )
    return found.returncode == 0 and found.stdout.strip() == str(N)


def fill() -> object:
    """N membership items and a Secretariat reviewer (every other item assigned to them)."""
    import importlib

    from django.contrib.auth.models import Group, Permission, User
    from django.utils import timezone

    from membership_forms.models import Review, ReviewStatus, ScreeningOutcome, Submission
    from membership_forms.regions import region_for

    groups = importlib.import_module("membership_forms.migrations.0004_review_groups").GROUPS
    group, _ = Group.objects.get_or_create(name="Secretariat")
    group.permissions.set(
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in [("wagtailadmin", "access_admin"), *groups["Secretariat"]]
    )
    user = User.objects.create_user("reviewer", "reviewer@example.org", "x" * 16)
    user.first_name, user.last_name = "Amina", "Diallo"
    user.save()
    user.groups.add(group)
    now, statuses = timezone.now(), list(ReviewStatus.values)
    for start in range(0, N, BATCH):
        numbers = range(start, min(start + BATCH, N))
        submissions = Submission.objects.bulk_create(
            Submission(
                reference=f"MEM-{i:07d}",
                kind="membership",
                form_key=uuid.UUID(int=1),
                locale="en",
                status="in_review",
                payload={
                    "organisation_name": f"Organisation {i}",
                    "contact_name": f"Person {i}",
                    "contact_email": f"person{i}@org{i}.example.org",
                    "organisation_type": "ngo",
                    "website": f"https://org{i}.example.org",
                },
            )
            for i in numbers
        )
        Review.objects.bulk_create(
            Review(
                submission=submission,
                queue="membership",
                status=statuses[i % len(statuses)],
                status_changed_at=now,
                outcome=ScreeningOutcome.values[i % 3],
                country=COUNTRIES[i % len(COUNTRIES)],
                region=region_for(COUNTRIES[i % len(COUNTRIES)]) or "",
                assigned_to=user if i % 2 else None,
                submitted_at=now - timedelta(minutes=i),
            )
            for i, submission in zip(numbers, submissions, strict=True)
        )
    # What autovacuum does on a live database soon after such a load: the planner's
    # statistics and the visibility map (without them it guesses a queue of a few rows).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE membership_forms_review")
        cursor.execute("VACUUM ANALYZE membership_forms_submission")
    return user


def measure(client, url: str, params: dict) -> tuple[list[float], list[float], list[float], int]:
    """Each request's wall-clock ms, the ms this process spent on the CPU (rendering,
    the ORM: what the machine's other load does not add) and the ms spent in queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url, params)  # warm up
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    times, cpu, sql = [], [], []
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        sql.append(sum(float(query["time"]) for query in queries.captured_queries) * 1000)
        assert response.status_code == 200 and b"MEM-" in response.content
    return times, cpu, sql, len(queries)


def main() -> None:
    fresh = prepare()
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client

    started = time.perf_counter()
    if fresh:
        user = fill()
        print(f"{N} items created in {time.perf_counter() - started:.0f} s")
    else:
        user = User.objects.get(username="reviewer")
        print(f"{N} items kept from the last run")
    client = Client()
    client.force_login(user)
    url = "/admin/membership-forms/reviews/membership/"
    for label, params in [
        ("open items (default)", {}),
        ("status=screening, sorted by country", {"status": "screening", "ordering": "country"}),
        (f"search 'Person {N - 1}'", {"q": f"Person {N - 1}"}),
    ]:
        times, cpu, sql, queries = measure(client, url, params)
        p95 = statistics.quantiles(times, n=20)[-1]
        print(
            f"{label}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
            f"{queries} queries ({RUNS} runs); median CPU of this process "
            f"{statistics.median(cpu):.1f} ms, in queries {statistics.median(sql):.1f} ms"
        )
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
