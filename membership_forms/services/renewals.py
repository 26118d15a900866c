"""Staying a member: the yearly "still eligible?" confirmation, its reminders, the lapse.

Each organisation has an `anniversary`, the next day its membership is to be confirmed.
From NOTICE_DAYS before it, the primary contact gets an email with a one-click link (a
signed token naming the organisation and that anniversary), then reminders. Confirming
moves the anniversary a year on, so the link works once. An anniversary passed without a
confirmation makes the organisation "lapse pending": the Secretariat reviews it in the
admin (Members → Organisations) and marks it lapsed, or active again.

`run_renewals(today)` takes the day as an argument: the beat task passes none (today),
and tests or an operator pass the day they want.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from ..links import absolute
from ..models import Notification, NotificationKind, NotificationStatus
from ..models.organisations import ContactRole, Organisation, OrganisationStatus
from ..terms import add_months
from .notifications import announce_after_commit
from .organisations import set_status

# Days before the anniversary: the first email, then the reminders.
NOTICE_DAYS = (30, 14, 3)
SALT = "membership_forms.renewal"
# A link is refused after this long, whatever happened since.
TOKEN_MAX_AGE = timedelta(days=60)


def renewal_token(organisation: Organisation) -> str:
    return signing.dumps([organisation.pk, organisation.anniversary.isoformat()], salt=SALT)


def renewal_url(organisation: Organisation, language: str) -> str:
    with translation.override(language):
        return absolute(
            reverse("membership_forms_members:confirm_renewal", args=(renewal_token(organisation),))
        )


def organisation_for_token(token: str) -> Organisation | None:
    """The organisation whose current anniversary the token names, if still to confirm."""
    try:
        pk, anniversary = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return (
        Organisation.objects.select_related("entry")
        .filter(
            pk=pk,
            anniversary=date.fromisoformat(anniversary),
            status__in=(OrganisationStatus.ACTIVE, OrganisationStatus.LAPSE_PENDING),
        )
        .first()
    )


@transaction.atomic
def confirm_renewal(token: str, user=None) -> Organisation | None:
    """One click from the email: the membership runs another year (once per link)."""
    organisation = organisation_for_token(token)
    if organisation is None:
        return None
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    organisation.anniversary = add_months(organisation.anniversary, 12)
    organisation.renewed_at = timezone.now()
    organisation.save(update_fields=["anniversary", "renewed_at"])
    set_status(organisation.pk, OrganisationStatus.ACTIVE, user)
    return organisation


def _notice(organisation: Organisation, days: int) -> int | None:
    """Record the email of `days` before this anniversary (once); its id when new."""
    primary = organisation.contacts.select_related("user").filter(role=ContactRole.PRIMARY).first()
    if primary is None or not primary.user.email:
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                submission=None,
                kind=NotificationKind.RENEWAL,
                discriminator=f"renewal:{organisation.pk}:{organisation.anniversary}:{days}",
                recipient=primary.user.email,
                language=primary.language,
                context={
                    "organisation": organisation.name,
                    "date": organisation.anniversary.isoformat(),
                    "link": renewal_url(organisation, primary.language),
                },
                status=NotificationStatus.PENDING,
            )
    except IntegrityError:  # sent before for this anniversary
        return None
    return notification.pk


def run_renewals(today: date | None = None) -> dict[str, int]:
    """The day's renewal work: emails due, anniversaries passed. Safe to run again."""
    today = today or timezone.localdate()
    queued: list[int] = []
    due = Organisation.objects.select_related("entry").filter(
        status=OrganisationStatus.ACTIVE,
        anniversary__gt=today,
        anniversary__lte=today + timedelta(days=max(NOTICE_DAYS)),
    )
    for organisation in due:
        days_left = (organisation.anniversary - today).days
        # The latest notice due: a beat that missed a day still sends it, once.
        days = min(d for d in NOTICE_DAYS if d >= days_left)
        if (notification_id := _notice(organisation, days)) is not None:
            queued.append(notification_id)
    with transaction.atomic():
        announce_after_commit(queued)
    passed = list(
        Organisation.objects.filter(
            status=OrganisationStatus.ACTIVE, anniversary__lte=today
        ).values_list("pk", flat=True)
    )
    for organisation_id in passed:
        set_status(organisation_id, OrganisationStatus.LAPSE_PENDING)
    return {"emails": len(queued), "lapse_pending": len(passed)}
