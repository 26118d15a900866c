"""The cluster test's deployment: one network namespace per host, as deployed on several.

Each host is a network namespace (`ip netns`, named mfc-<host>) with one veth into a
bridge that lives in a namespace of its own (mfc-lan), an address in 10.231.0.0/24 and
its own UTS namespace (so its hostname, which Celery names its worker after, is the
host's). The test process reaches them through one more veth, 10.231.0.1, and nothing
else: every service listens on its host's address only. Each host keeps its state in a
directory of its own (VAR_DIR); none reads another's: no shared disk, only the code.

PostgreSQL, Redis (append-only file, `noeviction`, as docs/operations.md sets a broker),
the SMTP sink (`cms.mailcatcher`) and the S3-compatible store (moto's server, both buckets:
applicants' files and media) each run on their host; web hosts run the Procfile's `web`
(gunicorn), worker hosts its `worker` (every duty's queue), the beat host its `beat`
(HeartbeatScheduler with the advisory lock), and a standby beat runs on worker2.
tests/cluster/proxy.py balances the web hosts. Needs root (CAP_NET_ADMIN).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import psycopg
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("CLUSTER_PG_BIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = shutil.which("redis-server") or "redis-server"
PREFIX = "mfc-"  # every namespace and root-side link this test makes
LAN = PREFIX + "lan"
SUBNET = "10.231.0"
TEST_ADDRESS = f"{SUBNET}.1"  # the test process's own, on the root side
ADDRESSES = {
    "pg": 10,
    "redis": 11,
    "s3": 12,
    "smtp": 13,
    "proxy": 20,
    "web1": 21,
    "web2": 22,
    "worker1": 31,
    "worker2": 32,
    "beat": 40,
}
WEB_PORT = 8000
PROXY_PORT = 8080
DATABASE = "cluster"
PRIVATE_BUCKET = "cluster-private"
MEDIA_BUCKET = "cluster-media"
SCREENING_TASKS = ("tasks.submissions.process_submission", "tasks.submissions.process_submissions")
# A worker's line for each task it finished (celery's own INFO line).
TASK_LINE = re.compile(r"Task (\S+)\[([0-9a-f-]+)\] (succeeded|raised)[^:]*(?:: (\S+))?")

SETUP = """
from django.core.management import call_command

from cms.demo.forms import build_form_pages
from cms.demo.pages import ensure_home

call_command("migrate", verbosity=0)
ensure_home()
pages = build_form_pages()
print("FORMS", pages["supporter"]["en"].pk, pages["internship"]["en"].pk)
"""


def sh(*command: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=check, capture_output=True, text=True)


def address(host: str) -> str:
    return f"{SUBNET}.{ADDRESSES[host]}"


def wait_port(host: str, port: int, timeout: float = 60) -> None:
    """Until the host's address answers on `port`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection((address(host), port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{host}:{port} closed after {timeout}s") from None
            time.sleep(0.1)


@dataclass
class Host:
    """A network namespace with its address, its directory and the processes it runs."""

    name: str
    base: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def namespace(self) -> str:
        return PREFIX + self.name

    @property
    def address(self) -> str:
        return address(self.name)

    @property
    def dir(self) -> Path:
        return self.base / self.name

    def spawn(self, label: str, command: list[str], env: dict[str, str] | None = None) -> None:
        """Start `command` on this host (its namespace and hostname), logging to <label>.log."""
        log = (self.dir / f"{label}.log").open("ab")
        wrapped = [
            "ip", "netns", "exec", self.namespace,
            "unshare", "--uts", "sh", "-c", f'hostname {self.name} && exec "$@"', "sh",
            *command,
        ]  # fmt: skip
        self.processes[label] = subprocess.Popen(
            wrapped, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        log.close()

    def log(self, label: str) -> str:
        path = self.dir / f"{label}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self, label: str, timeout: float = 30) -> None:
        """SIGTERM the process (its whole group), SIGKILL what is left after `timeout`."""
        process = self.processes.pop(label, None)
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def pids(self) -> list[int]:
        out = sh("ip", "netns", "pids", self.namespace, check=False).stdout
        return [int(pid) for pid in out.split()]

    def kill_all(self) -> int:
        """SIGKILL every process in the namespace, as when the host loses power: how many."""
        killed = 0
        for _ in range(20):  # until none is left (a dying parent's children)
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                    killed += 1
            time.sleep(0.05)
        for process in self.processes.values():
            process.wait()
        self.processes.clear()
        return killed

    def cut(self) -> None:
        """Unplug the host: its link into the bridge goes down."""
        sh("ip", "-n", LAN, "link", "set", f"v-{self.name}", "down")

    def plug(self) -> None:
        sh("ip", "-n", LAN, "link", "set", f"v-{self.name}", "up")


class Cluster:
    """Namespaces, services and the application's hosts; `stop()` removes all of it."""

    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="coalition-cluster-"))
        self.base.chmod(0o755)
        self.hosts = {name: Host(name, self.base) for name in ADDRESSES}
        self.supporter_form = 0
        self.internship_form = 0
        self.setup_seconds = 0.0

    # --- the network ----------------------------------------------------------------

    def make_network(self) -> None:
        self.remove_network()  # what a run killed before its teardown left behind
        sh("ip", "netns", "add", LAN)
        sh("ip", "-n", LAN, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", LAN, "link", "set", "br0", "up")
        sh("ip", "-n", LAN, "link", "set", "lo", "up")
        for host in self.hosts.values():
            (host.dir / "var").mkdir(parents=True)
            (host.dir / "tmp").mkdir()
            sh("ip", "netns", "add", host.namespace)
            sh("ip", "-n", host.namespace, "link", "set", "lo", "up")
            sh("ip", "-n", LAN, "link", "add", f"v-{host.name}", "type", "veth",
               "peer", "name", "eth0", "netns", host.namespace)  # fmt: skip
            self._attach(f"v-{host.name}")
            sh("ip", "-n", host.namespace, "addr", "add", f"{host.address}/24", "dev", "eth0")
            sh("ip", "-n", host.namespace, "link", "set", "eth0", "up")
        # The test's own link: the root namespace reaches the hosts' subnet, nothing more.
        sh("ip", "link", "add", PREFIX + "test", "type", "veth",
           "peer", "name", "v-test", "netns", LAN)  # fmt: skip
        self._attach("v-test")
        sh("ip", "addr", "add", f"{TEST_ADDRESS}/24", "dev", PREFIX + "test")
        sh("ip", "link", "set", PREFIX + "test", "up")

    def _attach(self, link: str) -> None:
        sh("ip", "-n", LAN, "link", "set", link, "master", "br0")
        sh("ip", "-n", LAN, "link", "set", link, "up")

    def remove_network(self) -> None:
        names = [LAN] + [host.namespace for host in self.hosts.values()]
        existing = sh("ip", "netns", "list", check=False).stdout.split()
        for name in names:
            if name in existing:
                for pid in sh("ip", "netns", "pids", name, check=False).stdout.split():
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(int(pid), signal.SIGKILL)
                sh("ip", "netns", "del", name, check=False)
        sh("ip", "link", "del", PREFIX + "test", check=False)  # gone with mfc-lan anyway

    # --- the services ---------------------------------------------------------------

    def start_postgresql(self) -> None:
        host = self.hosts["pg"]
        data = host.dir / "data"
        data.mkdir()
        account = pwd.getpwnam("postgres")
        os.chown(data, account.pw_uid, account.pw_gid)
        os.chown(host.dir, account.pw_uid, account.pw_gid)
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(PG_BIN / "initdb"), "-D", str(data),
             "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"],
            check=True, capture_output=True,
        )  # fmt: skip
        with (data / "pg_hba.conf").open("a") as hba:
            hba.write(f"host all all {SUBNET}.0/24 trust\n")
        host.spawn("postgres", [
            "runuser", "-u", "postgres", "--", str(PG_BIN / "postgres"), "-D", str(data),
            "-c", f"listen_addresses={host.address}", "-c", f"unix_socket_directories={host.dir}",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            "-c", "max_connections=200",
        ])  # fmt: skip
        wait_port("pg", 5432)
        deadline = time.monotonic() + 30
        while True:  # the port opens a moment before connections are accepted
            try:
                with psycopg.connect(self.admin_url("postgres"), autocommit=True) as conn:
                    conn.execute(f"CREATE DATABASE {DATABASE}")
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def admin_url(self, database: str = DATABASE) -> str:
        return f"postgresql://postgres@{address('pg')}:5432/{database}"

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.admin_url(), connect_timeout=5) as conn:
            return conn.execute(sql, params).fetchall()

    def start_redis(self) -> None:
        host = self.hosts["redis"]
        host.spawn("redis", [
            REDIS_SERVER, "--bind", host.address, "--port", "6379", "--protected-mode", "no",
            "--dir", str(host.dir), "--appendonly", "yes", "--appendfsync", "everysec",
            "--save", "", "--maxmemory-policy", "noeviction",
        ])  # fmt: skip
        wait_port("redis", 6379)

    def restart_redis(self) -> float:
        """Stop Redis as an operator would (SIGTERM: it writes its file) and start it: the
        seconds it was away."""
        started = time.monotonic()
        self.hosts["redis"].stop("redis")
        self.start_redis()
        return time.monotonic() - started

    def start_smtp(self) -> None:
        host = self.hosts["smtp"]
        host.spawn("smtp", [
            sys.executable, "-m", "cms.mailcatcher", "--host", host.address, "--port", "1025",
            "--directory", str(host.dir / "mail"),
        ], env=dict(os.environ, PYTHONPATH=str(ROOT)))  # fmt: skip
        wait_port("smtp", 1025)

    def start_store(self) -> None:
        host = self.hosts["s3"]
        host.spawn("s3", [str(BIN / "moto_server"), "-H", host.address, "-p", "5000"])
        wait_port("s3", 5000)
        client = self.store_client()
        for bucket in (PRIVATE_BUCKET, MEDIA_BUCKET):
            client.create_bucket(Bucket=bucket)

    def store_client(self):
        import boto3

        return boto3.client(
            "s3", endpoint_url=f"http://{address('s3')}:5000", region_name="us-east-1",
            aws_access_key_id="cluster", aws_secret_access_key="cluster-secret",
        )  # fmt: skip

    # --- the application ------------------------------------------------------------

    def environment(self, host: Host) -> dict[str, str]:
        """What every application host is given (production settings, its own VAR_DIR)."""
        env = {key: value for key, value in os.environ.items() if key in ("LANG", "LC_ALL", "TZ")}
        proxy = f"{address('proxy')}:{PROXY_PORT}"
        env.update(
            DJANGO_SETTINGS_MODULE="cms.settings.production",
            PYTHONPATH=str(ROOT),
            HTTPS="false",
            STAFF_TWO_FACTOR="false",
            SECRET_KEY="cluster-test-" + "k" * 50,
            DATABASE_URL=f"postgres://postgres@{address('pg')}:5432/{DATABASE}",
            REDIS_URL=f"redis://{address('redis')}:6379/0",
            EMAIL_URL=f"smtp://{address('smtp')}:1025",
            EMAIL_TIMEOUT="5",
            ALLOWED_HOSTS=f"{address('proxy')},{address('web1')},{address('web2')}",
            SITE_URL=f"http://{proxy}",
            BIND=host.address,
            PORT=str(WEB_PORT),
            WEB_CONCURRENCY="2",
            CELERY_CONCURRENCY="2",
            VAR_DIR=str(host.dir / "var"),
            SUBMISSION_RATE_LIMIT="100000/m",
            # The sweeps and the periodic heartbeat on the test's time scale.
            REQUEUE_INTERVAL="2",
            SUBMISSION_REQUEUE_AFTER="6",
            NOTIFICATION_REQUEUE_AFTER="10",
            HEARTBEAT_INTERVAL="3",
            CELERY_TASK_TIME_LIMIT="30",
            CONN_MAX_AGE="60",
            LOG_LEVEL="INFO",  # the worker's task lines and beat's lock, counted here
            HOME=str(host.dir),  # gunicorn's control socket, among others: the host's own
            TMPDIR=str(host.dir / "tmp"),  # uploads spooled to disk, gunicorn's heartbeat files
            PATH=f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        )
        env.update(
            S3_ENDPOINT_URL=f"http://{address('s3')}:5000",
            S3_REGION="us-east-1",
            S3_ACCESS_KEY_ID="cluster",
            S3_SECRET_ACCESS_KEY="cluster-secret",
            S3_PRIVATE_BUCKET=PRIVATE_BUCKET,
            S3_MEDIA_BUCKET=MEDIA_BUCKET,
        )
        return env

    def procfile(self, name: str) -> list[str]:
        """The Procfile's command for `name`, through sh (it expands ${VAR:-default})."""
        for line in (ROOT / "Procfile").read_text().splitlines():
            if line.startswith(f"{name}:"):
                return ["sh", "-c", "exec " + line.split(":", 1)[1].strip()]
        raise KeyError(name)

    def prepare(self) -> None:
        """Migrate once and build the demo's form pages, from the beat host (one process)."""
        host = self.hosts["beat"]
        env = self.environment(host)
        command = ["ip", "netns", "exec", host.namespace, sys.executable, "manage.py"]
        out = subprocess.run(
            [*command, "shell", "-c", SETUP], cwd=ROOT, env=env, check=True,
            capture_output=True, text=True,
        ).stdout  # fmt: skip
        self.supporter_form, self.internship_form = map(int, out.split("FORMS")[1].split()[:2])

    def start_web(self, name: str) -> None:
        host = self.hosts[name]
        host.spawn("web", self.procfile("web"), self.environment(host))

    def start_worker(self, name: str) -> None:
        host = self.hosts[name]
        host.spawn("worker", self.procfile("worker"), self.environment(host))

    def start_beat(self, name: str, label: str = "beat") -> None:
        host = self.hosts[name]
        host.spawn(label, self.procfile("beat"), self.environment(host))

    def start_proxy(self) -> None:
        backends = [f"{address(name)}:{WEB_PORT}" for name in ("web1", "web2")]
        self.hosts["proxy"].spawn("proxy", [
            sys.executable, str(ROOT / "tests" / "cluster" / "proxy.py"),
            f"{address('proxy')}:{PROXY_PORT}", *backends,
        ])  # fmt: skip
        wait_port("proxy", PROXY_PORT)

    def start(self) -> None:
        began = time.monotonic()
        self.make_network()
        self.start_postgresql()
        self.start_redis()
        self.start_smtp()
        self.start_store()
        self.prepare()
        for name in ("web1", "web2"):
            self.start_web(name)
        for name in ("worker1", "worker2"):
            self.start_worker(name)
        self.start_beat("beat")
        for name in ("web1", "web2"):
            wait_port(name, WEB_PORT, timeout=90)
        self.start_proxy()
        # The beat host's beat holds the lock before the standby starts beside a worker.
        self.wait(lambda: "holds the lock" in self.hosts["beat"].log("beat"), 60, "beat leads")
        self.start_beat("worker2", "standby-beat")
        standby = self.hosts["worker2"]
        self.wait(lambda: "beat: Starting" in standby.log("standby-beat"), 60, "the standby")
        self.setup_seconds = time.monotonic() - began

    def stop(self) -> None:
        """Every process killed, every namespace deleted, even after a failed start."""
        for host in self.hosts.values():
            with contextlib.suppress(Exception):
                host.kill_all()
        self.remove_network()
        if os.environ.get("CLUSTER_KEEP_LOGS"):
            print(f"cluster logs kept in {self.base}")
        else:
            shutil.rmtree(self.base, ignore_errors=True)

    # --- what the test uses ---------------------------------------------------------

    @staticmethod
    def wait(condition, timeout: float, what: str, interval: float = 0.2):
        deadline = time.monotonic() + timeout
        while True:
            result = condition()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {timeout:.0f}s: {what}")
            time.sleep(interval)

    def submit(self, form: int, fields: dict, files: dict | None = None, timeout: float = 30):
        """POST one application through the proxy, as JSON or, with `files` ({field: (name,
        content, content type)}), as multipart: (status, body); status 0 if no answer."""
        url = f"http://{address('proxy')}:{PROXY_PORT}/api/v3/forms/{form}/submissions/"
        if files:
            data = {
                key: ("true" if value else "false") if isinstance(value, bool) else value
                for key, value in fields.items()
            }
            for key, (name, content, content_type) in files.items():
                data[key] = SimpleUploadedFile(name, content, content_type=content_type)
            body, content_type = encode_multipart(BOUNDARY, data), MULTIPART_CONTENT
        else:
            body, content_type = json.dumps(fields).encode(), "application/json"
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": content_type, "Accept-Language": "en"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, {}
        except (OSError, ValueError):
            return 0, {}

    def statuses(self, references: list[str]) -> dict[str, str]:
        rows = self.query(
            "SELECT reference, status FROM membership_forms_submission WHERE reference = ANY(%s)",
            (references,),
        )
        return dict(rows)

    def mail_recipients(self) -> Counter:
        """Messages accepted at the SMTP sink, per recipient."""
        found: Counter = Counter()
        for line in self.hosts["smtp"].log("smtp").splitlines():
            if line.startswith("mail to "):
                found.update(a.strip() for a in line[8:].split(": ", 1)[0].split(","))
        return found

    def messages(self) -> Counter:
        """Messages accepted at the SMTP sink per (recipient, subject): an applicant's
        address and a staff notification's subject (with its reference) are each unique,
        so a count above one is an email sent twice."""
        found: Counter = Counter()
        for line in self.hosts["smtp"].log("smtp").splitlines():
            if line.startswith("mail to "):
                recipients, subject = line[8:].rsplit(" (", 1)[0].split(": ", 1)
                found.update((a.strip(), subject) for a in recipients.split(","))
        return found

    def notifications_pending(self, references: list[str]) -> int:
        return self.query(
            "SELECT count(*) FROM membership_forms_notification n "
            "JOIN membership_forms_submission s ON s.id = n.submission_id "
            "WHERE s.reference = ANY(%s) AND n.status = 'pending'",
            (references,),
        )[0][0]

    def task_lines(self, host: str) -> list[tuple[str, str, str]]:
        """(task, id, result) of each task a worker host finished, from its log; result
        "raised" for a task that failed."""
        found = []
        for match in TASK_LINE.finditer(self.hosts[host].log("worker")):
            task, task_id, outcome, result = match.groups()
            found.append((task, task_id, result if outcome == "succeeded" else "raised"))
        return found

    def worker_did(self, host: str) -> bool:
        return any(result not in ("0", "raised") for task, _id, result in self.task_lines(host)
                   if task in SCREENING_TASKS)  # fmt: skip

    def screened_by(self, host: str) -> int:
        """Submissions a worker host screened: the sum of its screening tasks' results."""
        return sum(
            int(result)
            for task, _id, result in self.task_lines(host)
            if task in SCREENING_TASKS and result.isdigit()
        )

    def entry_tasks(self) -> dict[str, str]:
        """Beat's entry names and their tasks, as its log names them."""
        return dict(re.findall(r"Sending due task (\S+) \((\S+)\)", self.hosts["beat"].log("beat")))

    def periodic_runs(self, entries: Counter | dict) -> dict[str, int]:
        """How often the workers ran each entry's task (every run, repeated ids too)."""
        tasks = self.entry_tasks()
        ran: Counter = Counter()
        for host in ("worker1", "worker2"):
            ran.update(task for task, _id, _result in self.task_lines(host))
        return {entry: ran[tasks[entry]] for entry in entries}

    def beat_sends(self, label_host: tuple[str, str]) -> Counter:
        """Periodic entries a beat sent (from its log), per entry name; failed sends not."""
        host, label = label_host
        log = self.hosts[host].log(label)
        sent = Counter(re.findall(r"Sending due task (\S+) \(", log))
        sent.subtract(re.findall(r"Couldn't apply scheduled task (\S+):", log))
        return sent

    def beat_span(self, entry: str) -> float:
        """Seconds from the beat host's beat taking the lock to its last send of `entry`
        (celery's own log times)."""
        stamp = r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}): INFO/MainProcess\] "
        log = self.hosts["beat"].log("beat")
        lock = re.search(stamp + "beat holds the lock", log)
        sends = re.findall(stamp + f"Scheduler: Sending due task {re.escape(entry)} ", log)
        assert lock and sends, f"the beat host's beat never held the lock or sent {entry}"
        moments = [datetime.strptime(t, "%Y-%m-%d %H:%M:%S,%f") for t in (lock[1], sends[-1])]
        return (moments[1] - moments[0]).total_seconds()

    def wait_web(self, name: str) -> None:
        wait_port(name, WEB_PORT, timeout=90)

    def check_files(self, references: list[str]) -> int:
        """Each file of these submissions read back from the private bucket, its SHA-256
        the one recorded at upload: how many."""
        rows = self.query(
            "SELECT f.stored_name, f.sha256 FROM membership_forms_submissionfile f "
            "JOIN membership_forms_submission s ON s.id = f.submission_id "
            "WHERE s.reference = ANY(%s)",
            (references,),
        )
        client = self.store_client()
        keys = [
            item["Key"]
            for page in client.get_paginator("list_objects_v2").paginate(Bucket=PRIVATE_BUCKET)
            for item in page.get("Contents", [])
        ]
        for stored_name, digest in rows:
            key = next((k for k in keys if k == stored_name or k.endswith("/" + stored_name)), None)
            assert key, f"{stored_name} is not in the store"
            body = client.get_object(Bucket=PRIVATE_BUCKET, Key=key)["Body"].read()
            assert hashlib.sha256(body).hexdigest() == digest, f"{key} differs from its upload"
        return len(rows)


def unique(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}@cluster.example.org"
