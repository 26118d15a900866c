"""Helpers for review tests: screened submissions and users in the reviewers' groups."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import transaction

from membership_forms.services.reviews import open_review


def screen(submission, outcome: str = "needs_review", codes: tuple[str, ...] = ()) -> bool:
    """Store a screening result with what `open_review` decided, as the screening service does.

    Screening is built on its own branch; this stands in for it: the service stores
    `submission.screening` and calls `open_review` in the same transaction.
    """
    with transaction.atomic():
        submission.screening = {
            "outcome": outcome,
            "reasons": [
                {"code": code, "effect": "review", "message": code, "params": {}} for code in codes
            ],
            "duplicates": [],
        }
        opened = open_review(submission)
        submission.save(update_fields=["screening", "status"])
        return opened


def member_of(group: str, username: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", "x" * 12)
    user.groups.add(Group.objects.get(name=group))
    return user
