"""What the benchmark scripts share: a free loopback port, and an SMTP sink's handler that
counts the messages it accepted (aiosmtpd's `Controller(Counter(), ...)`). Imported by
the scripts beside it; runs nothing."""

from __future__ import annotations

import socket
import threading


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Counter:
    """The SMTP sink's handler: counts the messages it accepted."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"
