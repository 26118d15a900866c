"""`make run`: prepare a local site and serve web, worker and beat until Ctrl-C.

Every step reuses what a previous run left in var/, so a second run starts in seconds.
"""

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
PYTHON = sys.executable


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
    # own (honcho gives the worker PORT+100), and links in emails must name the web's.
    environ.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    return port


def main() -> None:
    VAR_DIR.mkdir(exist_ok=True)
    os.chdir(BASE_DIR)
    port = shared_environment()
    redis_url, redis_proc = start_redis()
    os.environ["REDIS_URL"] = redis_url
    mail_port = None
    if "EMAIL_URL" not in os.environ and "EMAIL_HOST" not in os.environ:
        mail_port = free_port()
        os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{mail_port}"
    sys.path.insert(0, str(BASE_DIR))
    try:
        prepare_site()
        procfile = VAR_DIR / "Procfile.run"
        lines = (BASE_DIR / "Procfile").read_text().splitlines()
        if mail_port:
            lines.append(f"mail: python -m cms.mailcatcher --port {mail_port} --directory var/mail")
        procfile.write_text("\n".join(lines) + "\n")
        say(f"Serving http://127.0.0.1:{port}/ (Ctrl-C stops everything)")
        if mail_port:
            say(f"Emails are caught, not sent: read them in {VAR_DIR / 'mail'}")
        env = {**os.environ, "PATH": f"{Path(PYTHON).parent}{os.pathsep}{os.environ['PATH']}"}
        honcho = subprocess.Popen(
            [PYTHON, "-m", "honcho", "-f", str(procfile), "-d", str(BASE_DIR), "start", "-p", port],
            env=env,
        )
        # Ctrl-C goes to the whole foreground group; honcho stops its children, we wait.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, lambda *_: honcho.terminate())
        honcho.wait()
    finally:
        if redis_proc:
            redis_proc.terminate()
            redis_proc.wait(timeout=10)


if __name__ == "__main__":
    main()
