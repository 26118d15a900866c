"""The multi-host test runs on its own (`make test-cluster`, which `make test` runs): a
plain `pytest` deselects it, so the suite does not start a second cluster. Its figures
are printed in the terminal summary, so they show in CI logs without `-s`."""

from __future__ import annotations

import os

import pytest

FIGURES: list[str] = []


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CLUSTER_TEST") == "1":
        return
    deselected = [item for item in items if item.get_closest_marker("cluster")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("cluster")]


@pytest.fixture
def record_figures():
    return FIGURES.append


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("cluster figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
