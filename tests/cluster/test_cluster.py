"""Several hosts under load while they fail: what docs/operations.md, "Multi-host test", says.

Submissions (every other one with three files) arrive through the proxy at a steady
rate while, in turn: one worker host loses power (all its processes SIGKILLed) and comes
back, Redis restarts, one web host restarts, and the other worker host is cut from the
network for 30 s. Then every accepted submission is screened, every file is in the store
with its hash, the SMTP sink got each email once, the periodic tasks fired once each
(one beat, though a standby runs), and both worker hosts did work.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.documents import good_internship_files
from tests.payloads import valid_payload

from .harness import Cluster, unique

# Its own time limit: starting ten hosts and migrating takes a while on a busy machine.
pytestmark = [pytest.mark.cluster, pytest.mark.timeout(900)]

RATE = float(os.environ.get("CLUSTER_RATE", "4"))  # submissions per second, all clients
CLIENTS = 4
CUT = 30.0  # seconds worker2 is off the network: the scenario, not a wait
DRAIN = 180.0  # seconds the cluster has to finish the work after the last fault


@pytest.fixture(scope="module")
def cluster():
    deployment = Cluster()
    try:
        deployment.start()
        yield deployment
    finally:
        deployment.stop()


class Load:
    """CLIENTS threads submitting at RATE per second until stopped; every answer kept."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.stopped = threading.Event()
        self.answers: list[tuple[str, str, int, dict]] = []  # (kind, email, status, body)
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=CLIENTS)
        self.documents = good_internship_files()

    def client(self, number: int) -> None:
        index = 0
        while not self.stopped.is_set():
            with_files = index % 2 == 1  # every other one an internship with 3 files
            kind = "internship" if with_files else "supporter"
            email = unique(f"{kind}-{number}-{index}")
            if with_files:
                fields = {**valid_payload("internship"), "email": email}
                status, body = self.cluster.submit(
                    self.cluster.internship_form, fields, files=self.documents
                )
            else:
                fields = {**valid_payload("supporter"), "contact_email": email}
                status, body = self.cluster.submit(self.cluster.supporter_form, fields)
            with self.lock:
                self.answers.append((kind, email, status, body))
            index += 1
            self.stopped.wait(CLIENTS / RATE)  # the pace of the load

    def start(self) -> None:
        for number in range(CLIENTS):
            self.pool.submit(self.client, number)

    def stop(self) -> None:
        self.stopped.set()
        self.pool.shutdown(wait=True)

    def accepted(self) -> dict[str, tuple[str, str]]:
        """{reference: (kind, email)} of every 202."""
        return {
            body["reference"]: (kind, email)
            for kind, email, status, body in self.answers
            if status == 202 and body.get("reference")
        }


def test_cluster_survives_host_faults_under_load(cluster: Cluster, record_figures):
    """Figures are recorded as they are known, so a failed run prints those it reached."""
    faults: list[str] = []
    load = Load(cluster)
    started = time.monotonic()
    load.start()
    try:
        # Each fault once the load has run a while, in the order.
        cluster.wait(lambda: len(load.accepted()) >= 10, 60, "the first submissions")
        cluster.wait(lambda: cluster.worker_did("worker1"), 60, "worker1 screened some")
        killed = cluster.hosts["worker1"].kill_all()
        faults.append(f"worker1 host killed ({killed} processes)")

        cluster.wait(lambda: len(load.accepted()) >= 20, 60, "more submissions")
        away = cluster.restart_redis()
        faults.append(f"Redis restarted ({away:.1f} s away)")

        cluster.hosts["web1"].stop("web")
        cluster.start_web("web1")
        cluster.wait_web("web1")
        faults.append("web1 restarted")

        cluster.start_worker("worker1")  # the host is back
        cluster.hosts["worker2"].cut()
        cut_at = time.monotonic()
        faults.append(f"worker2 cut from the network for {CUT:.0f} s")
        load.stopped.wait(CUT)  # the scenario itself: the host stays unplugged this long
        cluster.hosts["worker2"].plug()
        cut_for = time.monotonic() - cut_at
    finally:
        load.stop()
    loaded = time.monotonic() - started
    faults_done = time.monotonic()

    accepted = load.accepted()
    refused = Counter(  # status 0: no answer (a connection reset)
        status or "no answer" for _kind, _email, status, _body in load.answers if status != 202
    )
    references = list(accepted)
    with_files = sum(kind == "internship" for kind, _email in accepted.values())
    record_figures(
        f"cluster load: {len(load.answers)} sent over {loaded:.0f} s at {RATE:g}/s, "
        f"{len(accepted)} accepted ({with_files} with files), not accepted {dict(refused)}"
    )
    record_figures("cluster faults: " + "; ".join(faults) + f" (cut lasted {cut_for:.1f} s)")
    assert len(cluster.statuses(references)) == len(references), "a 202 left no submission"

    def screened() -> int:
        return sum(
            status not in ("received", "failed") for status in cluster.statuses(references).values()
        )

    cluster.wait(lambda: screened() == len(references), DRAIN, "every submission screened", 1)
    emails = {email for _kind, email in accepted.values()}
    cluster.wait(
        lambda: emails <= set(cluster.mail_recipients()), DRAIN, "every acknowledgement", 1
    )
    cluster.wait(lambda: cluster.notifications_pending(references) == 0, DRAIN, "emails sent", 1)
    drained = time.monotonic() - faults_done
    per_host = {host: cluster.screened_by(host) for host in ("worker1", "worker2")}
    record_figures(
        f"cluster screened: {screened()} of {len(accepted)}; by host (their logs' task "
        "results): " + ", ".join(f"{host} {count}" for host, count in per_host.items())
    )
    messages = cluster.messages()
    duplicates = {key: count for key, count in messages.items() if count > 1}
    record_figures(
        f"cluster emails at the SMTP sink: {sum(messages.values())}, duplicates: {len(duplicates)}"
    )
    record_figures(
        f"cluster drained {drained:.1f} s after the last fault; hosts started in "
        f"{cluster.setup_seconds:.0f} s"
    )
    files_checked = cluster.check_files(references)
    record_figures(f"cluster files: {files_checked} read back from the store with their hashes")

    # Periodic tasks: the beats stop, so the firings are final; each one sent ran once.
    cluster.hosts["worker2"].stop("standby-beat")
    cluster.hosts["beat"].stop("beat")
    sends = cluster.beat_sends(("beat", "beat"))
    standby_sends = cluster.beat_sends(("worker2", "standby-beat"))
    periodic = {entry: count for entry, count in sends.items() if count}

    def all_ran() -> bool:
        runs = cluster.periodic_runs(periodic)
        return all(runs[entry] >= count for entry, count in periodic.items())

    cluster.wait(all_ran, DRAIN, "each firing ran", 1)
    runs = cluster.periodic_runs(periodic)

    record_figures(
        "cluster periodic firings (sent/ran): "
        + ", ".join(f"{entry} {count}/{runs.get(entry, 0)}" for entry, count in periodic.items())
        + f"; standby beat sent {sum(standby_sends.values())}; "
        f"scenario {time.monotonic() - started:.0f} s"
    )

    assert not duplicates, f"emails sent more than once: {duplicates}"
    assert screened() == len(accepted)
    assert all(count > 0 for count in per_host.values()), f"a worker host did nothing: {per_host}"
    assert runs == periodic, f"periodic firings and runs differ: {periodic} vs {runs}"
    assert not +standby_sends, f"the standby beat sent periodic tasks: {standby_sends}"
    # Firings at least a period apart (10% for the ticks' jitter): two beats would double.
    heartbeat_every = float(cluster.environment(cluster.hosts["beat"])["HEARTBEAT_INTERVAL"])
    span = cluster.beat_span("record-heartbeat")
    assert periodic["record-heartbeat"] <= 1.1 * span / heartbeat_every + 1, (
        f"the heartbeat fired {periodic['record-heartbeat']} times in {span:.0f} s"
    )
    assert files_checked == 3 * with_files
    assert len(accepted) >= 0.9 * len(load.answers), f"too many refused: {dict(refused)}"
