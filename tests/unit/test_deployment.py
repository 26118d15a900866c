"""The systemd units (deploy/systemd/) run what the Procfile runs and restart it always."""

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"


def read_unit(name: str) -> dict[str, dict[str, list[str]]]:
    """{section: {key: [values]}}: systemd lets a key appear more than once."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for line in (UNITS / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
        else:
            key, _, value = line.partition("=")
            current.setdefault(key, []).append(value)
    return sections


def procfile_command(name: str) -> list[str]:
    """The Procfile's command for a process, its ${VAR:-default} written as systemd's ${VAR}."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        process, _, command = line.partition(":")
        if process == name:
            return shlex.split(re.sub(r"\$\{(\w+):-[^}]*\}", r"${\1}", command))
    raise LookupError(name)


@pytest.mark.parametrize(
    ("unit", "process"),
    [
        ("coalition-web.service", "web"),
        ("coalition-worker@.service", "worker"),
        ("coalition-beat.service", "beat"),
    ],
)
def test_each_process_has_a_unit_that_always_restarts_it(unit, process):
    service = read_unit(unit)
    assert service["Service"]["Restart"] == ["always"]
    assert service["Unit"]["StartLimitIntervalSec"] == ["0"]  # never gives up
    command = shlex.split(service["Service"]["ExecStart"][0])
    if "--hostname" in command:  # each worker of a host names itself (worker1@host...)
        at = command.index("--hostname")
        del command[at : at + 2]
    assert command[0].startswith("/srv/coalition/.venv/bin/")
    assert [Path(command[0]).name, *command[1:]] == procfile_command(process)
    for variable in re.findall(r"\$\{(\w+)\}", service["Service"]["ExecStart"][0]):
        defaults = " ".join(service["Service"]["Environment"])
        assert f"{variable}=" in defaults, f"{unit}: no default for {variable}"


def test_the_target_starts_web_a_worker_and_beat():
    wants = read_unit("coalition.target")["Unit"]["Wants"][0].split()
    assert wants == [
        "coalition-web.service",
        "coalition-worker@1.service",
        "coalition-beat.service",
    ]
