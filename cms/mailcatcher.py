"""A local SMTP server for the demo: keeps every email in a folder instead of sending it.

Runs without Django (python -m cms.mailcatcher --port 1025 --directory var/mail), so it
starts at once next to the web and worker processes.
"""

import argparse
import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller


class Catcher:
    """Keeps every message as an .eml file instead of delivering it."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = self.directory / f"{time.strftime('%Y%m%d-%H%M%S')}-{self.count:04d}.eml"
        path.write_bytes(envelope.content)
        subject = message_from_bytes(envelope.content, policy=policy.default)["subject"]
        print(f"mail to {', '.join(envelope.rcpt_tos)}: {subject} ({path.name})", flush=True)
        return "250 Message accepted"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--directory", type=Path, default=Path("var/mail"))
    args = parser.parse_args()
    args.directory.mkdir(parents=True, exist_ok=True)
    controller = Controller(Catcher(args.directory), hostname=args.host, port=args.port)
    controller.start()
    print(f"Catching mail on {args.host}:{args.port}, kept in {args.directory}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
