"""The demo's reviewers, one per role of docs/reviewers.md, in the groups the plugin's
migrations create. Demo only: `load_demo_content` is their one caller, and their
passwords are demo values kept in VAR_DIR (readable by the owner only) so that each
`make run` prints the same sign-in details. Created once; never changed afterwards."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


@dataclass(frozen=True)
class DemoStaff:
    username: str
    first_name: str
    last_name: str
    group: str
    role: str


STAFF = (
    DemoStaff("secretariat", "Amina", "Diallo", "Secretariat", "Secretariat reviewer"),
    DemoStaff("committee1", "Carlos", "Mendoza", "Steering Committee", "Steering Committee member"),
    DemoStaff("committee2", "Sophie", "Martin", "Steering Committee", "Steering Committee member"),
    DemoStaff("committee3", "Yusuf", "Haddad", "Steering Committee", "Steering Committee member"),
    DemoStaff("internships", "Lena", "Fischer", "Internship coordinator", "Internship coordinator"),
)


def _password_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-staff-passwords.json"


def ensure_staff() -> list[tuple[DemoStaff, str]]:
    """Create the demo reviewers that do not exist yet; return each with the password to
    show (or a note when it was set before and is not kept here)."""
    path = _password_file()
    passwords: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    User = get_user_model()
    shown = []
    for person in STAFF:
        if not User.objects.filter(username=person.username).exists():
            group = Group.objects.filter(name=person.group).first()
            if group is None:  # renamed or removed by an administrator: not recreated here
                continue
            password = passwords.get(person.username) or secrets.token_urlsafe(9)
            user = User.objects.create_user(
                person.username,
                f"{person.username}@example.org",
                password,
                first_name=person.first_name,
                last_name=person.last_name,
            )
            user.groups.add(group)
            passwords[person.username] = password
        shown.append((person, passwords.get(person.username, "(set before; not stored here)")))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(json.dumps(passwords, indent=2))
    return shown
