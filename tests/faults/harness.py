"""The fault tests' stack: private PostgreSQL and Redis, and `make run`'s processes.

Everything runs as separate processes, as deployed (cms.settings.production over plain
HTTP on loopback), against services of its own so faults can be injected without touching
the machine's shared PostgreSQL and Redis. Web, worker and beat are the Procfile's, run by
`scripts/run.py --serve-only` under its supervisord, which starts again any of them that
exits, as it does for `make run`. The SMTP server is a process of its own
(`cms.mailcatcher`, answering as fast as a real mail server), which logs every message it
accepts, before it answers, so the tests count what reached it; they stop it at will.
"""

from __future__ import annotations

import contextlib
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
from collections import Counter
from datetime import datetime
from pathlib import Path

import psycopg

from tests.payloads import valid_payload
from tests.smtp import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("FAULT_PG_BIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = os.environ.get("FAULT_REDIS_SERVER", shutil.which("redis-server") or "redis-server")
DATABASE = "faults"

SETUP = """
from cms.demo.forms import build_form_pages
from cms.demo.pages import ensure_home

ensure_home()
print("SUPPORTER", build_form_pages()["supporter"]["en"].pk)
"""

# A supporter application the rules accept; each test sets its own contact_email.
PAYLOAD = valid_payload("supporter")


def wait_port(port: int, timeout: float = 30, up: bool = True) -> None:
    """Until something listens on `port` (or, with up=False, nothing does)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            if up:
                return
        except OSError:
            if not up:
                return
        time.sleep(0.05)
    raise RuntimeError(f"port {port} still {'closed' if up else 'open'} after {timeout}s")


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres account then."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


class PostgreSQL:
    """A throwaway cluster: trust auth on 127.0.0.1, its socket in its own directory."""

    def __init__(self, base: Path) -> None:
        self.port = free_port()
        self.data = base / "pgdata"
        self.sockets = base / "pgsock"
        self.log = base / "postgresql.log"
        for path in (self.data, self.sockets):
            path.mkdir()
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            for path in (self.data, self.sockets):
                os.chown(path, account.pw_uid, account.pw_gid)
            self.log.touch()
            os.chown(self.log, account.pw_uid, account.pw_gid)
        subprocess.run(
            _as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust",
                          "-U", "postgres", "--no-sync", "-E", "UTF8"]),
            check=True, capture_output=True,
        )  # fmt: skip

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _ctl(self, *args: str) -> None:
        options = (
            f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                          "-o", options, "-w", "-t", "60", *args]),
            check=True, capture_output=True,
        )  # fmt: skip

    def start(self) -> None:
        self._ctl("start")
        with psycopg.connect(self.admin_url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def copy(self, name: str) -> str:
        """A copy of the prepared database, for a second deployment: its URL."""
        with psycopg.connect(self.admin_url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {DATABASE}")
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._ctl("stop", "-m", "immediate")

    def admin_url(self, database: str = DATABASE) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.admin_url(), connect_timeout=5) as conn:
            return conn.execute(sql, params).fetchall()


class Redis:
    """A redis-server that keeps nothing on disk: killed, it comes back empty."""

    def __init__(self, base: Path) -> None:
        self.port = free_port()
        self.dir = base
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir),
             "--logfile", str(self.dir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        wait_port(self.port)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
            wait_port(self.port, up=False)


class MailServer:
    """`python -m cms.mailcatcher` on a fixed port, in its own process; counts from its log."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = (self.base / "smtp.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cms.mailcatcher", "--port", str(self.port),
             "--directory", str(self.base / "mail")],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        wait_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            _stop_group(self.process, timeout=5)
            self.process = None
            wait_port(self.port, up=False)

    def accepted_at(self, address: str) -> list[float]:
        """When the server accepted each message to `address` (its file's time), oldest first."""
        path = self.base / "smtp.log"
        times = []
        for line in path.read_text(errors="replace").splitlines() if path.exists() else []:
            if line.startswith("mail to ") and address in line[8:].split(": ", 1)[0].split(", "):
                name = line.rsplit("(", 1)[1].rstrip(")")
                times.append((self.base / "mail" / name).stat().st_mtime)
        return sorted(times)

    def recipients(self) -> list[str]:
        """One entry per accepted message and recipient ("mail to a, b: subject (file)")."""
        path = self.base / "smtp.log"
        found: list[str] = []
        if path.exists():
            for line in path.read_text(errors="replace").splitlines():
                if line.startswith("mail to "):
                    found += [a.strip() for a in line[8:].split(": ", 1)[0].split(",")]
        return found


class Stack:
    """The whole deployment, started once for the fault tests."""

    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="coalition-faults-"))
        self.base.chmod(0o755)
        self.var = self.base / "var"
        self.run: subprocess.Popen | None = None
        self.postgres: PostgreSQL | None = None
        self.redis = Redis(self.base)
        self.smtp = MailServer(self.base)
        self.web_port = free_port()
        self.form_id = 0
        self.spare_database_url = ""  # the prepared site again, for test_make_run.py
        self.warm_ups = 0
        self.worker_pid = 0  # the worker process the tests last saw running

    # --- set-up and tear-down -------------------------------------------------------

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        # The drills' own Redis is the broker, whatever the run's (BROKER_URL).
        for name in (
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "REDIS_URL",
            "CACHE_URL",
            "BROKER_URL",
        ):
            env.pop(name, None)
        env.update(
            DJANGO_SETTINGS_MODULE="cms.settings.production",
            HTTPS="false",
            SECRET_KEY="fault-tests-" + "x" * 50,
            DATABASE_URL=self.postgres.url,
            REDIS_URL=self.redis.url,
            EMAIL_URL=f"smtp://127.0.0.1:{self.smtp.port}",
            EMAIL_TIMEOUT="5",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            PORT=str(self.web_port),
            VAR_DIR=str(self.var),
            SUBMISSION_RATE_LIMIT="100000/m",
            # The sweep's real code path, on a test's time scale.
            REQUEUE_INTERVAL="2",
            SUBMISSION_REQUEUE_AFTER="6",
            NOTIFICATION_REQUEUE_AFTER="10",
            CELERY_TASK_TIME_LIMIT="60",
            BEAT_HEARTBEAT_MAX_AGE="10",  # beat writes it every 5 s
            CONN_MAX_AGE="60",
            LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        return env

    def start(self) -> None:
        self.postgres = PostgreSQL(self.base)
        self.postgres.start()
        self.redis.start()
        self.smtp.start()
        env = self.environment()
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        out = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SETUP],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        self.form_id = int(out.split("SUPPORTER")[1].split()[0])
        self.spare_database_url = self.postgres.copy("spare")  # while nothing is connected
        # What `make run` runs after preparing the site: supervisord with the Procfile's
        # processes (the mail goes to the SMTP server above, so no catcher of its own).
        log = (self.base / "run.log").open("ab")
        self.run = subprocess.Popen(
            [sys.executable, "scripts/run.py", "--serve-only"], cwd=ROOT, env=env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        wait_port(self.web_port, timeout=60)
        self.warm_up()
        self.worker_pid = self.supervised_pid("worker")

    def warm_up(self, timeout: float = 120) -> None:
        """One application end to end: web, worker pool and SMTP all answer before faults.

        (Pool processes killed while the worker is still starting stop the whole worker
        with "Could not start worker processes": that is start-up, not the fault tested.)
        """
        self.warm_ups += 1
        address = f"warm-up-{self.warm_ups}@faults.example.org"
        status, _body = self.submit(address, timeout=timeout)
        assert status == 202, f"the warm-up submission got {status}"
        deadline = time.monotonic() + timeout
        while not self.acknowledgements(address):
            if time.monotonic() > deadline:
                raise RuntimeError("the stack did not deliver the warm-up acknowledgement")
            time.sleep(0.2)

    def worker_restarted(self) -> bool:
        """Whether supervisord started the worker again since the tests last looked (True
        then, once its new pool has taken work)."""
        pid = self.supervised_pid("worker")
        if pid == self.worker_pid:
            return False
        self.warm_up()
        self.worker_pid = self.supervised_pid("worker")
        return True

    def supervisorctl(self, *args: str) -> str:
        return subprocess.run(
            [str(BIN / "supervisorctl"), "-c", str(self.var / "supervisord.conf"), *args],
            capture_output=True, text=True, timeout=30,
        ).stdout.strip()  # fmt: skip

    def supervised_pid(self, name: str, timeout: float = 60) -> int:
        """The pid of a program supervisord runs, once it runs (0 while it is restarted)."""
        deadline = time.monotonic() + timeout
        while True:
            out = self.supervisorctl("pid", name)
            if out.isdigit() and int(out):
                return int(out)
            if time.monotonic() > deadline:
                raise RuntimeError(f"supervisord does not run {name}: {out!r}")
            time.sleep(0.2)

    def stop(self) -> None:
        """Everything started here goes, even after a failure half-way through `start`."""
        if self.run is not None:
            programs = [int(p) for p in self.supervisorctl("pid", "all").split() if p.isdigit()]
            _stop_group(self.run, timeout=40)  # supervisord stops its programs, then exits
            for pid in programs:  # had supervisord itself not managed to
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)
            self.run = None
        self.smtp.stop()
        self.redis.kill()
        if self.postgres is not None:
            with contextlib.suppress(subprocess.CalledProcessError):
                self.postgres.stop()
        if os.environ.get("FAULT_KEEP_LOGS"):
            print(f"fault logs kept in {self.base}")
        else:
            shutil.rmtree(self.base, ignore_errors=True)

    # --- what the tests use ---------------------------------------------------------

    def submit(self, email: str, timeout: float = 30, port: int = 0) -> tuple[int, dict]:
        """POST one application over HTTP (to the stack's web, or to `port`): (status,
        body); status 0 if no answer came."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{port or self.web_port}/api/v3/forms/{self.form_id}/submissions/",
            data=json.dumps({**PAYLOAD, "contact_email": email}).encode(),
            headers={"Content-Type": "application/json", "Accept-Language": "en"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (loopback http)
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            body = error.read()
            try:
                return error.code, json.loads(body or b"{}")
            except ValueError:
                return error.code, {"raw": body[:200].decode(errors="replace")}
        except OSError:
            return 0, {}

    def get(self, path: str, timeout: float = 10) -> tuple[int, dict]:
        """GET a path of the site: (status, JSON body); status 0 if no answer came."""
        url = f"http://127.0.0.1:{self.web_port}{path}"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            try:
                return error.code, json.loads(error.read() or b"{}")
            except ValueError:
                return error.code, {}
        except OSError:
            return 0, {}

    def statuses(self, references: list[str]) -> dict[str, str]:
        rows = self.postgres.query(
            "SELECT reference, status FROM membership_forms_submission WHERE reference = ANY(%s)",
            (references,),
        )
        return dict(rows)

    def acknowledgements(self, prefix: str) -> Counter:
        """Messages at the SMTP server per applicant address starting with `prefix`."""
        return Counter(a for a in self.smtp.recipients() if a.startswith(prefix))

    def pool_pids(self) -> list[int]:
        """The worker's pool processes (children of the main worker process)."""
        worker = self.supervised_pid("worker")
        try:
            children = Path(f"/proc/{worker}/task/{worker}/children").read_text().split()
        except OSError:
            return []
        return [int(pid) for pid in children]

    def log(self, name: str) -> str:
        """What a supervised program (or "supervisord") wrote to its log so far."""
        path = self.var / "log" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def restarts(self, name: str) -> list[tuple[float, float | None, str]]:
        """Each exit of a supervised program that supervisord did not ask for: (when it
        exited, when supervisord started it again or None, how it ended), from its log."""
        found: list[tuple[float, float | None, str]] = []
        for line in self.log("supervisord").splitlines():
            moment = _log_time(line)
            if moment is None:
                continue
            message = line[24:]
            if message.startswith(f"WARN exited: {name} ("):
                found.append((moment, None, message.split("(", 1)[1].rstrip(")")))
            elif message.startswith(f"INFO spawned: '{name}'") and found and found[-1][1] is None:
                found[-1] = (found[-1][0], moment, found[-1][2])
        return found


def _log_time(line: str) -> float | None:
    """The time supervisord wrote at the start of a line of its log, if any."""
    match = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ", line)
    if not match:
        return None
    return datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S,%f").timestamp()


def _stop_group(process: subprocess.Popen, timeout: float) -> None:
    """SIGTERM the process's own group (it was started in a new session), then SIGKILL."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # children left behind by the group leader
    process.wait()
