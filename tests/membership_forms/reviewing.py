"""Helpers for review tests: screened submissions and users in the reviewers' groups."""

from __future__ import annotations

import importlib

from django.contrib.auth.models import Group, Permission, User
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


def reviewers_group(name: str) -> Group:
    """The group as migration 0004 made it; made again after a transactional test's flush."""
    groups = importlib.import_module("membership_forms.migrations.0004_review_groups").GROUPS
    group, created = Group.objects.get_or_create(name=name)
    if created:
        codenames = [("wagtailadmin", "access_admin"), *groups[name]]
        group.permissions.set(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in codenames
        )
    return group


def member_of(group: str, username: str, **fields) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", "x" * 12, **fields)
    user.groups.add(reviewers_group(group))
    return user
