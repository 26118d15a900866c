import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import BaseCommand


class Catcher:
    """Keeps every message as an .eml file instead of delivering it."""

    def __init__(self, directory: Path, stdout):
        self.directory = directory
        self.stdout = stdout
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = self.directory / f"{time.strftime('%Y%m%d-%H%M%S')}-{self.count:04d}.eml"
        path.write_bytes(envelope.content)
        subject = message_from_bytes(envelope.content, policy=policy.default)["subject"]
        self.stdout.write(f"mail to {', '.join(envelope.rcpt_tos)}: {subject} ({path.name})")
        return "250 Message accepted"


class Command(BaseCommand):
    help = "A local SMTP server that keeps the demo's emails in var/mail/ instead of sending them."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=1025)
        parser.add_argument("--directory", default=str(settings.VAR_DIR / "mail"))

    def handle(self, *args, port, directory, **options):
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        controller = Controller(Catcher(directory, self.stdout), hostname="127.0.0.1", port=port)
        controller.start()
        self.stdout.write(f"Catching mail on 127.0.0.1:{port}, kept in {directory}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
