"""Cloudflare Turnstile's siteverify endpoint on 127.0.0.1, with its documented answers.

The test issues tokens as the widget would (`issue()`); the server answers a POST
(form-encoded `secret`, `response`, `remoteip`) as Cloudflare documents: `success` with
`challenge_ts` and `hostname`, or `success: false` with `error-codes`
(`missing-input-secret`, `invalid-input-secret`, `missing-input-response`,
`invalid-input-response`, `timeout-or-duplicate`: a token verifies once). `stall()`
holds every answer until `release()`, for the client's timeout; `fail_with(500)` answers
an HTTP error.
"""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

SITE_KEY = "1x00000000000000000000AA"
SECRET_KEY = "0x4AAAAAAAtest-secret"


class Siteverify:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests: list[dict] = []
        self.issued: set[str] = set()
        self.spent: set[str] = set()
        self.status = 200
        self.released = threading.Event()
        self.released.set()
        self._numbers = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/turnstile/v0/siteverify"

    def issue(self) -> str:
        """A token, as the widget puts in the form after the visitor's challenge."""
        token = f"0.turnstile-{next(self._numbers)}"
        with self.lock:
            self.issued.add(token)
        return token

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.issued.clear()
            self.spent.clear()
            self.status = 200
        self.released.set()

    def stall(self) -> None:
        self.released.clear()

    def release(self) -> None:
        self.released.set()

    def fail_with(self, status: int) -> None:
        self.status = status

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, form: dict[str, str]) -> tuple[int, dict]:
        with self.lock:
            self.requests.append(form)
            if self.status != 200:
                return self.status, {"success": False, "error-codes": ["internal-error"]}
            secret, token = form.get("secret", ""), form.get("response", "")
            codes = []
            if not secret:
                codes.append("missing-input-secret")
            elif secret != SECRET_KEY:
                codes.append("invalid-input-secret")
            if not token:
                codes.append("missing-input-response")
            elif token in self.spent:
                codes.append("timeout-or-duplicate")
            elif token not in self.issued:
                codes.append("invalid-input-response")
            if codes:
                return 200, {"success": False, "error-codes": codes, "messages": []}
            self.spent.add(token)
            return 200, {
                "success": True,
                "challenge_ts": "2026-12-06T10:00:00.000Z",
                "hostname": "testserver",
                "error-codes": [],
                "action": "",
                "cdata": "",
                "metadata": {"interactive": False},
            }

    def _handler(self):
        verifier = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                form = {key: values[-1] for key, values in parse_qs(body).items()}
                verifier.released.wait(30)
                status, answer = verifier._answer(form)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args):
                pass

        return Handler
