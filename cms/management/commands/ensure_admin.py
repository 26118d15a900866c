import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the demo's admin account once and print how to sign in."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("ADMIN_USERNAME", "admin"))

    def handle(self, *args, username, **options):
        password_file = settings.VAR_DIR / "admin-password"
        User = get_user_model()
        if not User.objects.filter(username=username).exists():
            password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
            User.objects.create_superuser(username, "admin@example.org", password)
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password)
            password_file.chmod(0o600)
        if password_file.exists():
            shown = password_file.read_text()
        else:
            shown = "(set before; not stored here)"
        base = settings.WAGTAILADMIN_BASE_URL
        self.stdout.write(f"Sign in at {base}/admin/ as {username} with password {shown}")
