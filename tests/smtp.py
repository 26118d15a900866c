"""A real SMTP server (aiosmtpd) on a free port, and Django's email settings pointed at it.

Loaded as a plugin by tests/conftest.py, so `smtp_server` is a fixture everywhere.
"""

from __future__ import annotations

import email
import itertools
import socket
import threading
import time
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Collector:
    """The SMTP handler: keeps every message it accepted, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.connections: list[int] = []  # per message, the number of its SMTP connection
        self.lock = threading.Lock()
        self._numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default)
        if not hasattr(session, "number"):
            session.number = next(self._numbers)
        with self.lock:
            self.messages.append(message)
            self.connections.append(session.number)
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.handler = Collector()
        self.controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self.handler.lock:
            return list(self.handler.messages)

    @property
    def connection_count(self) -> int:
        """How many SMTP connections delivered the messages."""
        with self.handler.lock:
            return len(set(self.handler.connections))

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m.get("To", ""))]

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def clear(self) -> None:
        with self.handler.lock:
            self.handler.messages.clear()
            self.handler.connections.clear()

    def settle(self, seconds: float = 0.5) -> list[EmailMessage]:
        """The messages after a quiet moment, to show nothing more arrives."""
        time.sleep(seconds)
        return self.messages


@pytest.fixture
def smtp_server(settings):
    server = SMTPServer(free_port())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


def subject(message: EmailMessage) -> str:
    """The decoded subject with folding whitespace collapsed."""
    return " ".join(str(message.get("Subject", "")).split())


def text(message: EmailMessage) -> str:
    """The plain-text part."""
    return message.get_body(("plain",)).get_content()


def html(message: EmailMessage) -> str:
    """The HTML part."""
    return message.get_body(("html",)).get_content()
