"""`make run` (scripts/run.py): every process links to the address the web serves on."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_run_script():
    spec = importlib.util.spec_from_file_location("run_script", ROOT / "scripts" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def site_url_seen_by(environ: dict) -> str:
    """SITE_URL as a process started with `environ` reads it from the settings."""
    code = "from django.conf import settings; print(settings.SITE_URL)"
    env = {**environ, "DJANGO_SETTINGS_MODULE": "cms.settings.base", "PATH": ""}
    command = [sys.executable, "-c", f"import django; django.setup(); {code}"]
    return subprocess.run(
        command, cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def test_the_worker_links_to_the_webs_port_whatever_port_it_is_given():
    environ = {"PORT": "8123"}
    assert load_run_script().shared_environment(environ) == "8123"
    # The process manager gives the worker a port of its own, as honcho does.
    worker = {**environ, "PORT": "8223"}
    assert site_url_seen_by(worker) == "http://127.0.0.1:8123"


def test_site_url_follows_port_when_nothing_else_says():
    assert site_url_seen_by({"PORT": "8124"}) == "http://127.0.0.1:8124"
