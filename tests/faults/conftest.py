"""The fault tests' stack (tests/faults/harness.py), started once, and their figures.

Each test records one line of figures; they are printed in pytest's terminal summary, so
they show in CI logs without `-s`.
"""

from __future__ import annotations

import pytest

from .harness import Stack

FIGURES: list[str] = []


@pytest.fixture(scope="session")
def stack():
    deployment = Stack()
    try:
        deployment.start()
        yield deployment
    finally:
        deployment.stop()


@pytest.fixture
def record_figures():
    return FIGURES.append


@pytest.fixture(autouse=True)
def supervised_worker(stack):
    """Each test starts with a worker whose pool has taken work: one that exited in the test
    before (pool processes killed while it restarts them can stop it) was started again by
    supervisord, as by systemd in production."""
    if stack.worker_restarted():
        FIGURES.append("fault harness: the worker had exited; supervisord started it again")


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("fault figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
