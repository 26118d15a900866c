"""Who reaches the member-only pages and documents: the member groups kept in step with
each organisation's status.

Wagtail's page privacy and private collections admit the groups "Members" and "NGO
Supporters" (`MEMBER_GROUPS`). A contact of an organisation in good standing (active, or
with its lapse still under review) is in its category's group; anyone else is taken out.
Run after each change (signal `organisation_status_changed`) and hourly for everyone, so
a change made elsewhere (the admin, a database fix) is caught up within the hour.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from ..models.organisations import IN_GOOD_STANDING, MEMBER_GROUPS, OrganisationContact

# Users read per query in the hourly sweep (each is then put in step on its own).
BATCH = 200


def member_groups() -> dict[str, Group]:
    """The groups by category (made again if someone deleted them)."""
    return {
        category: Group.objects.get_or_create(name=name)[0]
        for category, name in MEMBER_GROUPS.items()
    }


def sync_users(user_ids: Iterable[int]) -> int:
    """Put each user in exactly the member groups their organisations' standing gives;
    the number of memberships added or removed."""
    groups = member_groups()
    by_id = {group.pk: group for group in groups.values()}
    changed = 0
    User = get_user_model()
    for user in User.objects.filter(pk__in=list(user_ids)):
        wanted = {
            groups[category].pk
            for category in OrganisationContact.objects.filter(
                user=user, organisation__status__in=IN_GOOD_STANDING
            ).values_list("organisation__entry__category", flat=True)
            if category in groups
        }
        has = set(user.groups.filter(pk__in=by_id).values_list("pk", flat=True))
        with transaction.atomic():
            if wanted - has:
                user.groups.add(*(by_id[pk] for pk in wanted - has))
            if has - wanted:
                user.groups.remove(*(by_id[pk] for pk in has - wanted))
        changed += len(wanted ^ has)
    return changed


def sync_organisation(organisation_id: int, removed_user_ids: Iterable[int] = ()) -> int:
    """After an organisation changed: its people, and those it just lost."""
    user_ids = set(
        OrganisationContact.objects.filter(organisation_id=organisation_id).values_list(
            "user_id", flat=True
        )
    )
    return sync_users(user_ids | set(removed_user_ids))


def sync_all() -> int:
    """Everyone in a member group or a contact of an organisation, in batches."""
    User = get_user_model()
    user_ids = sorted(
        set(
            User.objects.filter(groups__name__in=MEMBER_GROUPS.values()).values_list(
                "pk", flat=True
            )
        )
        | set(OrganisationContact.objects.values_list("user_id", flat=True))
    )
    return sum(
        sync_users(user_ids[start : start + BATCH]) for start in range(0, len(user_ids), BATCH)
    )
