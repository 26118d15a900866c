"""`make run` (scripts/run.py) as a developer meets it: its own Redis and mail catcher, a
process that exits started again while the others serve, and Ctrl-C stopping it all."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from email import message_from_bytes

import pytest

from tests.conftest import wait_for
from tests.smtp import free_port

from .harness import ROOT, Stack, _stop_group, wait_port

pytestmark = pytest.mark.fault


def test_make_run_restarts_what_exits_and_stops_on_ctrl_c(stack: Stack, tmp_path):
    var = tmp_path / "var"
    port = free_port()
    env = stack.environment()
    del env["REDIS_URL"], env["EMAIL_URL"]  # as on a fresh machine: its own of each
    env.update(DATABASE_URL=stack.spare_database_url, PORT=str(port), VAR_DIR=str(var))
    output = tmp_path / "run.out"
    with output.open("wb") as out:
        run = subprocess.Popen(
            [sys.executable, "scripts/run.py", "--serve-only"], cwd=ROOT, env=env,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def supervised(name: str) -> int:
        out = subprocess.run(
            [sys.executable, "-m", "supervisor.supervisorctl", "-c",
             str(var / "supervisord.conf"), "pid", name],
            capture_output=True, text=True, check=False,
        ).stdout.strip()  # fmt: skip
        return int(out) if out.isdigit() else 0

    def caught(address: str) -> bool:
        mail = var / "mail"
        return any(
            address in message_from_bytes(path.read_bytes())["To"]
            for path in (mail.glob("*.eml") if mail.exists() else [])
        )

    try:
        wait_port(port, timeout=90)
        redis_port = int(re.search(r"redis-server on 127.0.0.1:(\d+)", output.read_text())[1])
        assert stack.submit("make-run-1@faults.example.org", port=port)[0] == 202
        wait_for(lambda: caught("make-run-1@faults.example.org"), timeout=60, interval=0.2)

        catcher = supervised("mail")
        os.kill(catcher, signal.SIGKILL)
        wait_for(lambda: supervised("mail") not in (0, catcher), timeout=30, interval=0.2)
        assert stack.submit("make-run-2@faults.example.org", port=port)[0] == 202
        wait_for(lambda: caught("make-run-2@faults.example.org"), timeout=60, interval=0.2)
        programs = [supervised(name) for name in ("web", "worker", "beat", "mail")]

        os.killpg(run.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole group
        assert run.wait(timeout=60) == 0
    finally:
        if run.poll() is None:
            _stop_group(run, timeout=40)
    text = output.read_text()
    assert "exited: mail (terminated by SIGKILL; not expected)" in text
    for name in ("supervisord", "web", "worker", "beat", "mail"):
        assert re.search(rf"^{name} +\| ", text, re.MULTILINE), f"nothing printed for {name}"
    wait_port(port, up=False, timeout=5)
    wait_port(redis_port, up=False, timeout=5)  # its own redis-server stopped too
    for pid in programs:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 0)
            pytest.fail(f"process {pid} outlived Ctrl-C")
