"""Members' changes to their directory listing: proposed, compared, approved or rejected.

An organisation's primary contact or editors propose; the change waits (`ListingChange`)
and the public directory keeps showing the approved listing until the Secretariat
approves. A rejection's reason is emailed to whoever proposed it, in their language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Collection

from ..models import Notification, NotificationKind, NotificationStatus
from ..models.listings import LISTING_FIELDS, ListingChange, ListingChangeStatus
from ..models.organisations import Organisation
from ..regions import REGIONS
from .notifications import announce_after_commit
from .organisations import contact_of

MODERATE_PERMISSION = "membership_forms.change_listingchange"
LOGO_COLLECTION = "Member logos"

FIELD_LABELS = {
    "regions": _("Regions of work"),
    "mandate": _("Mandate"),
    "website": _("Website"),
    "logo": _("Logo"),
    "descriptions": _("Description"),
}


def listing_values(entry) -> dict[str, Any]:
    """The listing's member-edited fields as a change stores them."""
    return {
        "regions": list(entry.regions or []),
        "mandate": entry.mandate,
        "website": entry.website,
        "logo": entry.logo_id,
        "descriptions": {k: v for k, v in (entry.descriptions or {}).items() if v},
    }


def pending_change(organisation: Organisation) -> ListingChange | None:
    return organisation.listing_changes.filter(status=ListingChangeStatus.PENDING).first()


def editing_contact(user, organisation_id: int):
    contact = contact_of(user, organisation_id)
    if contact is None or not contact.can_edit_listing:
        raise PermissionDenied
    return contact


def store_logo(organisation: Organisation, upload):
    """A logo sent with a proposed change, kept in the "Member logos" collection (an image
    shown nowhere until the change is approved)."""
    collection = Collection.objects.filter(name=LOGO_COLLECTION).first()
    if collection is None:
        root = Collection.get_first_root_node() or Collection.add_root(name="Root")
        collection = root.add_child(name=LOGO_COLLECTION)
    return get_image_model().objects.create(
        title=organisation.name[:255], file=upload, collection=collection
    )


@transaction.atomic
def propose_listing_change(
    user, organisation_id: int, values: dict[str, Any], language: str
) -> ListingChange | None:
    """Record what the organisation wants its listing to say; None when nothing changes."""
    contact = editing_contact(user, organisation_id)
    organisation = Organisation.objects.select_for_update().get(pk=contact.organisation_id)
    proposed = listing_values(organisation.entry) | {
        field: values[field] for field in LISTING_FIELDS if field in values
    }
    proposed["descriptions"] = {
        code: text for code, text in proposed["descriptions"].items() if text.strip()
    }
    change = pending_change(organisation)
    if proposed == listing_values(organisation.entry):
        if change is not None:  # back to the approved listing: nothing left to moderate
            change.delete()
        return None
    if change is None:
        change = ListingChange(organisation=organisation)
    change.proposed, change.proposed_by, change.language = proposed, user, language
    change.save()
    log(instance=organisation, action="membership_forms.organisation.propose_listing", user=user)
    return change


@dataclass(frozen=True)
class FieldDiff:
    label: str
    old: str
    new: str


def _shown(field: str, value: Any) -> str:
    if field == "regions":
        return ", ".join(str(REGIONS.get(code, code)) for code in value or [])
    if field == "logo":
        image = get_image_model().objects.filter(pk=value).first() if value else None
        return image.title if image else ""
    if field == "descriptions":
        names = dict(settings.LANGUAGES)
        return "\n\n".join(f"[{names.get(code, code)}] {text}" for code, text in value.items())
    return str(value or "")


def listing_diff(change: ListingChange) -> list[FieldDiff]:
    """Each field the change alters: its label, the listing's value now, the proposed one."""
    current = listing_values(change.organisation.entry)
    return [
        FieldDiff(str(FIELD_LABELS[field]), _shown(field, current[field]), _shown(field, new))
        for field in LISTING_FIELDS
        if (new := change.proposed.get(field, current[field])) != current[field]
    ]


def _decide(change_id: int, user) -> ListingChange:
    if not user.has_perm(MODERATE_PERMISSION):
        raise PermissionDenied
    change = (
        ListingChange.objects.select_for_update(of=("self",))
        .select_related("organisation__entry", "proposed_by")
        .filter(pk=change_id, status=ListingChangeStatus.PENDING)
        .first()
    )
    if change is None:
        raise ListingChange.DoesNotExist
    change.decided_by, change.decided_at = user, timezone.now()
    return change


@transaction.atomic
def approve_listing_change(change_id: int, user) -> ListingChange:
    """The Secretariat's approval: the public listing now says what the change proposed."""
    change = _decide(change_id, user)
    entry = change.organisation.entry
    for field in LISTING_FIELDS:
        if field in change.proposed:
            setattr(entry, "logo_id" if field == "logo" else field, change.proposed[field])
    entry.save(update_fields=[*LISTING_FIELDS])
    change.status = ListingChangeStatus.APPROVED
    change.save(update_fields=["status", "decided_by", "decided_at"])
    log(
        instance=change.organisation,
        action="membership_forms.organisation.approve_listing",
        user=user,
    )
    return change


@transaction.atomic
def reject_listing_change(change_id: int, user, reason: str) -> ListingChange:
    """The Secretariat's rejection; the reason is emailed (by the worker) to the proposer."""
    change = _decide(change_id, user)
    change.status = ListingChangeStatus.REJECTED
    change.rejection_reason = reason.strip()
    change.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
    recipient = change.proposed_by.email if change.proposed_by else ""
    if recipient:
        notification = Notification.objects.create(
            submission=None,
            kind=NotificationKind.LISTING_REJECTED,
            discriminator=f"listing:{change.pk}",
            recipient=recipient,
            language=change.language,
            context={"organisation": change.organisation.name, "reason": change.rejection_reason},
            status=NotificationStatus.PENDING,
        )
        announce_after_commit([notification.pk])
    log(
        instance=change.organisation,
        action="membership_forms.organisation.reject_listing",
        user=user,
        data={"reason": change.rejection_reason},
    )
    return change
