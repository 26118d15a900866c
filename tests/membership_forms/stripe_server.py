"""A recorded-response Stripe API on 127.0.0.1: the real SDK talks real HTTP to it.

Routes map (method, path) to a list of (status, fixture) answers used in turn (the last
one repeats). Fixtures are Stripe's JSON with placeholders: ``{id}`` (the path's last segment),
``{donation_id}``, ``{amount}`` (minor units) and ``{currency}``, set by the test or read
from the Checkout Session the code created (``client_reference_id`` and its line item),
so the recorded objects describe the gift they are about.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent / "stripe_fixtures"
WEBHOOK_SECRET = "whsec_test_recorded"


class RecordedStripe:
    def __init__(self):
        self.routes: dict[tuple[str, str], list[tuple[int, str]]] = {}
        self.requests: list[dict] = []
        self.vars: dict[str, str] = {}
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def reset(self) -> None:
        with self.lock:
            self.routes.clear()
            self.requests.clear()
            self.vars.clear()

    def route(self, method: str, path: str, *answers) -> None:
        """answers: fixture names (status 200) or (status, fixture) pairs, used in turn."""
        self.routes[(method, path)] = [
            answer if isinstance(answer, tuple) else (200, answer) for answer in answers
        ]

    def calls(self, method: str | None = None, path: str | None = None) -> list[dict]:
        return [
            r
            for r in self.requests
            if (method is None or r["method"] == method) and (path is None or r["path"] == path)
        ]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, method: str, path: str, body: str, headers) -> tuple[int, bytes]:
        form = {key: values[-1] for key, values in parse_qs(body).items()}
        with self.lock:
            self.requests.append(
                {"method": method, "path": path, "form": form, "headers": dict(headers)}
            )
            if "client_reference_id" in form:
                self.vars["donation_id"] = form["client_reference_id"]
            if "line_items[0][price_data][unit_amount]" in form:
                self.vars["amount"] = form["line_items[0][price_data][unit_amount]"]
                self.vars["currency"] = form["line_items[0][price_data][currency]"]
            answers = self.routes.get((method, path))
            if not answers:
                return 404, json.dumps(
                    {"error": {"type": "invalid_request_error", "message": f"No route {path}"}}
                ).encode()
            status, name = answers.pop(0) if len(answers) > 1 else answers[0]
            text = (FIXTURES / f"{name}.json").read_text()
            text = text.replace("{id}", path.rsplit("/", 1)[-1])
            for key, value in self.vars.items():
                text = text.replace("{" + key + "}", value)
        return status, text.encode()

    def _handler(self):
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                status, data = recorder._answer(
                    self.command, urlsplit(self.path).path, body, self.headers
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", "req_recorded")
                self.end_headers()
                self.wfile.write(data)

            do_GET = _serve
            do_POST = _serve
            do_DELETE = _serve

            def log_message(self, *args):
                pass

        return Handler


def sign(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header, computed as Stripe does: HMAC-SHA256 of "t.payload"."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.{payload}".encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(event_id: str, event_type: str, object_id: str, obj: str) -> str:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "api_version": "2025-03-31.basil",
            "created": int(time.time()),
            "type": event_type,
            "livemode": False,
            "data": {"object": {"id": object_id, "object": obj}},
        }
    )
