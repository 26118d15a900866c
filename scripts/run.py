"""`make run`: prepare a local site and serve web, worker and beat until Ctrl-C.

Every step reuses what a previous run left in var/ (VAR_DIR), so a second run starts in
seconds. supervisord runs the Procfile's processes and the mail catcher: one that exits
is started again (with a growing delay if it keeps failing at start) while the others
keep serving; their output is printed here, each line under the process's name.
"""

import argparse
import getpass
import hashlib
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var")).resolve()
LOG_DIR = VAR_DIR / "log"
PYTHON = sys.executable
STOP_SIGNAL = {"mail": "INT"}  # the catcher stops its SMTP server on KeyboardInterrupt
# Seconds each process gets to stop on Ctrl-C before supervisord kills its group: gunicorn
# finishes its requests (--graceful-timeout 10), the worker its tasks (acks_late: a task
# killed after this comes back from the broker).
STOP_WAIT = {"web": 12, "worker": 20}


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def start_redis() -> tuple[str, subprocess.Popen | None]:
    """REDIS_URL if set; else a redis-server of our own on a free port; else the default port."""
    url = os.environ.get("REDIS_URL")
    if url:
        if not redis_answers(url):
            sys.exit(f"REDIS_URL={url} does not answer. Start that Redis, or unset REDIS_URL.")
        return url, None
    server = shutil.which("redis-server")
    if server:
        port = free_port()
        data_dir = VAR_DIR / "redis"
        data_dir.mkdir(parents=True, exist_ok=True)
        say(f"Starting redis-server on 127.0.0.1:{port}")
        proc = subprocess.Popen(
            [
                server,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(data_dir),
                "--loglevel",
                "warning",
            ],
            start_new_session=True,  # Ctrl-C reaches it only after the workers have stopped
        )
        url = f"redis://127.0.0.1:{port}/0"
        for _ in range(50):
            if redis_answers(url):
                return url, proc
            time.sleep(0.1)
        proc.terminate()
        sys.exit("redis-server did not start; see its output above.")
    if redis_answers("redis://127.0.0.1:6379/0"):
        return "redis://127.0.0.1:6379/0", None
    sys.exit(
        "No Redis found. Install it (Debian: apt-get install redis-server; macOS: brew install"
        " redis) or point REDIS_URL at one, e.g. REDIS_URL=redis://127.0.0.1:6379/0 make run"
    )


def static_fingerprint() -> str:
    """Changes whenever a static source file or the locked dependencies change."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256((BASE_DIR / "uv.lock").read_bytes())
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = Path(storage.path(path)).stat()
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def prepare_site() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    say("Migrating the database")
    call_command("migrate", interactive=False, verbosity=0)
    stamp = VAR_DIR / "static.stamp"
    fingerprint = static_fingerprint()
    if not stamp.exists() or stamp.read_text() != fingerprint:
        say("Collecting static files")
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp.write_text(fingerprint)
    say("Loading the demo content")
    call_command("load_demo_content")
    call_command("ensure_admin")


def shared_environment(environ=os.environ) -> str:
    """Set what every process of `make run` shares, in `environ`; return the web's port."""
    environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")
    environ.setdefault("HTTPS", "false")  # served over plain HTTP on loopback
    # The demo's printed account signs in with its password alone; production asks for more.
    environ.setdefault("STAFF_TWO_FACTOR", "false")
    port = environ.setdefault("PORT", "8000")
    # Said once for every process: a process manager may give each process a PORT of its
    # own (honcho gave the worker PORT+100), and links in emails must name the web's.
    environ.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    return port


def procfile_programs(mail_port: int | None) -> dict[str, str]:
    """The Procfile's processes, and the mail catcher when this run catches the mail."""
    programs = {}
    for line in (BASE_DIR / "Procfile").read_text().splitlines():
        name, colon, command = line.partition(":")
        if colon and not line.startswith("#"):
            programs[name.strip()] = command.strip()
    if mail_port:
        programs["mail"] = (
            f"python -m cms.mailcatcher --port {mail_port} --directory {VAR_DIR / 'mail'}"
        )
    return programs


def supervisor_config(programs: dict[str, str]) -> Path:
    """supervisord's configuration: each program is started again whenever it exits."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    sock = VAR_DIR / "supervisor.sock"
    password = secrets.token_urlsafe(16)  # supervisorctl reads it from this file
    lines = [
        "[supervisord]",
        "nodaemon = true",
        "silent = true",  # its log is printed with the others' (follow_logs)
        f"user = {getpass.getuser()}",  # as root: said here, rather than warned about
        f"logfile = {LOG_DIR / 'supervisord.log'}",
        f"pidfile = {VAR_DIR / 'supervisord.pid'}",
        f"childlogdir = {LOG_DIR}",
        "[unix_http_server]",
        f"file = {sock}",
        "chmod = 0700",
        "username = run",
        f"password = {password}",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "[supervisorctl]",
        f"serverurl = unix://{sock}",
        "username = run",
        f"password = {password}",
    ]
    for name, command in programs.items():
        # sh expands the Procfile's ${VAR:-default}, then becomes the program (exec).
        shell_command = f"/bin/sh -c {shlex.quote('exec ' + command)}"
        lines += [
            f"[program:{name}]",
            f"command = {shell_command.replace('%', '%%')}",
            f"directory = {BASE_DIR}",
            "autorestart = true",
            # An exit within 5 s of a start is a failed start, tried again after 1, 2, 3...
            # seconds, 10 times; an exit later on is restarted at once.
            "startsecs = 5",
            "startretries = 10",
            "stopasgroup = true",
            "killasgroup = true",
            f"stopsignal = {STOP_SIGNAL.get(name, 'TERM')}",
            f"stopwaitsecs = {STOP_WAIT.get(name, 5)}",
            "redirect_stderr = true",
            f"stdout_logfile = {LOG_DIR / name}.log",
            "stdout_logfile_maxbytes = 10MB",
            "stdout_logfile_backups = 2",
        ]
    path = VAR_DIR / "supervisord.conf"
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text("\n".join(lines) + "\n")
    return path


def log_ends(names: list[str]) -> dict[str, int]:
    """Where each log ends now: what earlier runs wrote there is not printed again."""
    paths = {name: LOG_DIR / f"{name}.log" for name in names}
    return {name: path.stat().st_size if path.exists() else 0 for name, path in paths.items()}


def follow_logs(start: dict[str, int], stop: threading.Event) -> None:
    """Print what supervisord and each program write to their logs (from `start`), each
    line under the writer's name, as it comes; the logs stay in var/log/."""
    width = max(map(len, start))
    files: dict = {}
    partial = dict.fromkeys(start, "")
    while True:
        quiet = True
        for name in partial:
            path = LOG_DIR / f"{name}.log"
            try:
                inode = path.stat().st_ino
            except FileNotFoundError:
                continue
            chunk = ""
            if name in files and files[name][0] != inode:  # rotated: finish the old file
                chunk = files.pop(name)[1].read()
            if name not in files:
                handle = path.open(encoding="utf-8", errors="replace")
                handle.seek(start.pop(name, 0))
                files[name] = (inode, handle)
            chunk += files[name][1].read()
            if chunk:
                quiet = False
                *lines, partial[name] = (partial[name] + chunk).split("\n")
                for line in lines:
                    print(f"{name:<{width}} | {line}", flush=True)
        if quiet:
            if stop.is_set():
                return
            time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--serve-only",
        action="store_true",
        help="skip the database, static files and demo content (a site prepared elsewhere)",
    )
    args = parser.parse_args()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    os.chdir(BASE_DIR)
    os.environ["VAR_DIR"] = str(VAR_DIR)  # the settings, supervisord and its programs agree
    port = shared_environment()
    redis_url, redis_proc = start_redis()
    os.environ["REDIS_URL"] = redis_url
    mail_port = None
    if "EMAIL_URL" not in os.environ and "EMAIL_HOST" not in os.environ:
        mail_port = free_port()
        os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{mail_port}"
    sys.path.insert(0, str(BASE_DIR))
    try:
        if not args.serve_only:
            prepare_site()
        programs = procfile_programs(mail_port)
        config = supervisor_config(programs)
        say(f"Serving http://127.0.0.1:{port}/ (Ctrl-C stops everything)")
        if mail_port:
            say(f"Emails are caught, not sent: read them in {VAR_DIR / 'mail'}")
        say(f"Logs in {LOG_DIR}; state: {Path(PYTHON).parent / 'supervisorctl'} -c {config} status")
        env = {
            **os.environ,
            "PATH": f"{Path(PYTHON).parent}{os.pathsep}{os.environ['PATH']}",
            "PYTHONUNBUFFERED": "1",
        }
        start = log_ends(["supervisord", *programs])
        supervisord = subprocess.Popen(
            [PYTHON, "-m", "supervisor.supervisord", "-c", str(config)], env=env
        )
        # Ctrl-C reaches supervisord (the programs have process groups of their own): it
        # stops each program and exits; we wait, printing their logs meanwhile.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, lambda *_: supervisord.terminate())
        stop = threading.Event()
        follower = threading.Thread(target=follow_logs, args=(start, stop), daemon=True)
        follower.start()
        try:
            supervisord.wait()
        finally:
            stop.set()
            follower.join(timeout=5)
    finally:
        if redis_proc:
            redis_proc.terminate()
            redis_proc.wait(timeout=10)


if __name__ == "__main__":
    main()
