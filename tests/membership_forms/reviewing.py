"""Helpers for review tests: submissions screened by the real screening, and users in the
reviewers' groups."""

from __future__ import annotations

import importlib

from django.contrib.auth.models import Group, Permission, User

from membership_forms.models import Review
from membership_forms.services.screening import screen_submissions


def screen(submission, outcome: str | None = None, codes: tuple[str, ...] = ()) -> bool:
    """Screen `submission` as the worker does (files, duplicates, the eligibility rules,
    the review queue, the emails recorded); whether a review opened.

    `outcome` and `codes`, when given, are what the test expects the real rules to find:
    asserted, so a test cannot claim a screening its submission would not get.
    """
    assert screen_submissions([submission.pk]) == [], "screening failed"
    submission.refresh_from_db()
    screening = submission.screening or {}
    found = [reason["code"] for reason in screening.get("reasons", [])]
    if outcome is not None:
        assert screening["outcome"] == outcome, (screening["outcome"], found)
    assert set(codes) <= set(found), found
    return Review.objects.filter(submission=submission).exists()


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
