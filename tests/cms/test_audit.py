"""The dependency audit (`make audit`, run by `make test`) against a local OSV service."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.smtp import free_port

BASE_DIR = Path(__file__).resolve().parents[2]
ADVISORY = {
    "id": "GHSA-0000-test-0001",
    "summary": "A test advisory",
    "modified": "2026-01-01T00:00:00Z",
    "published": "2026-01-01T00:00:00Z",
    "affected": [
        {
            "package": {"ecosystem": "PyPI", "name": "django"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "99.0"}]}],
        }
    ],
}


class OSV:
    """OSV's batch query and advisory endpoints, with an advisory for `vulnerable` packages."""

    def __init__(self, vulnerable: set[str]):
        osv = self
        self.vulnerable = vulnerable
        self.queried: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                queries = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                names = [query["package"]["name"] for query in queries["queries"]]
                osv.queried += names
                results = [
                    {"vulns": [{"id": ADVISORY["id"], "modified": ADVISORY["modified"]}]}
                    if name in osv.vulnerable
                    else {}
                    for name in names
                ]
                self._send({"results": results})

            def do_GET(self):
                self._send(ADVISORY)

            def _send(self, body):
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def uv() -> str:
    found = shutil.which("uv") or str(BASE_DIR / ".tools" / "bin" / "uv")
    assert Path(found).exists(), "make venv installs uv"
    return found


def audit(service_url: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["scripts/audit.sh"],
        cwd=BASE_DIR,
        env={**os.environ, "UV": uv(), "AUDIT_SERVICE_URL": service_url, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def osv():
    services: list[OSV] = []

    def start(vulnerable=()):
        services.append(OSV(set(vulnerable)))
        return services[-1]

    yield start
    for service in services:
        service.close()


def test_a_reported_vulnerability_fails_the_audit(osv):
    service = osv(vulnerable={"django"})
    result = audit(service.url)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "GHSA-0000-test-0001" in result.stderr
    assert "lock --upgrade-package" in result.stderr
    assert {"django", "wagtail", "celery"} <= set(service.queried)  # the locked packages


def test_no_vulnerability_passes(osv):
    result = audit(osv().url)
    assert result.returncode == 0, result.stderr
    assert "NO DEPENDENCY AUDIT" not in result.stderr


def test_an_unreachable_service_warns_loudly_without_failing():
    closed = f"http://127.0.0.1:{free_port()}"
    result = audit(closed, UV_HTTP_RETRIES="0")  # uv's retries only make the test slower
    assert result.returncode == 0
    assert "WARNING: NO DEPENDENCY AUDIT WAS DONE" in result.stderr
    assert "Connection refused" in result.stderr
    assert audit(closed, UV_HTTP_RETRIES="0", AUDIT_REQUIRED="true").returncode == 2
