"""The integrity checks: what the workers could not finish, for the Secretariat to look at.

Read-only. Each check is a queryset (its count) and the first items in words, each with a
link to the page where staff act on it when the reader may open that page:

- submissions still not screened REQUEUE_AFTER seconds after they arrived (or after their
  applicant corrected them): the sweep queues them again every minute, so one listed here
  for long means the workers are down;
- submissions the workers gave up on after their retries (the inbox page retries them);
- emails that failed after their retries, or are still waiting after a failed attempt;
- Stripe events not processed: failed, retried, or still waiting after STALLED_AFTER;
- gifts where Stripe and our record disagree (the donations listing's "Needs attention").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..conf import get_setting
from ..models import (
    Donation,
    Notification,
    NotificationStatus,
    StripeEvent,
    Submission,
    SubmissionStatus,
)
from .reviews import can_see_queue, visible_kinds
from .stripe_events import STALLED_AFTER

PERMISSION = "membership_forms.view_integrity"
SHOWN = 10  # items listed per check

# Stripe's event types by their first word, in the words of the gift they are about.
EVENT_WORDS = {
    "checkout": gettext_lazy("Payment page"),
    "payment_intent": gettext_lazy("Payment"),
    "charge": gettext_lazy("Refund"),
    "invoice": gettext_lazy("Monthly gift: invoice"),
    "customer": gettext_lazy("Monthly gift: subscription"),
}


def can_see_integrity(user) -> bool:
    return user.is_active and user.has_perm(PERMISSION)


@dataclass(frozen=True)
class Item:
    title: str
    detail: str
    url: str = ""


@dataclass
class Check:
    key: str
    heading: str
    explanation: str
    count: int
    items: list[Item] = field(default_factory=list)
    listing_url: str = ""


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


class _Links:
    """Where a submission's reference leads its reader: its inbox page, or its review."""

    def __init__(self, user):
        self.user = user
        self.kinds = (
            set(visible_kinds(user)) if user.has_perm("membership_forms.view_submission") else set()
        )

    def submission(self, submission: Submission | None) -> str:
        if submission is None:
            return ""
        if submission.kind in self.kinds:
            return reverse("membership_forms_submission", args=[submission.pk])
        review = getattr(submission, "review", None)
        if review is not None and can_see_queue(self.user, review.queue):
            return reverse("membership_forms_review", args=[review.pk])
        return ""


def stalled_submissions(now=None) -> QuerySet[Submission]:
    cutoff = (now or timezone.now()) - timedelta(seconds=get_setting("REQUEUE_AFTER"))
    return Submission.objects.filter(
        Q(status=SubmissionStatus.RECEIVED, submitted_at__lte=cutoff)
        | Q(rescreen_requested_at__lte=cutoff)
    ).order_by("submitted_at")


def failed_submissions() -> QuerySet[Submission]:
    return Submission.objects.filter(status=SubmissionStatus.FAILED).order_by("submitted_at")


def troubled_emails() -> QuerySet[Notification]:
    return Notification.objects.filter(
        Q(status=NotificationStatus.FAILED) | Q(status=NotificationStatus.PENDING, attempts__gt=0)
    ).order_by("created_at")


def unprocessed_events(now=None) -> QuerySet[StripeEvent]:
    waiting = StripeEvent.Status.RECEIVED
    return StripeEvent.objects.filter(
        Q(status=StripeEvent.Status.FAILED)
        | Q(status=waiting, attempts__gt=0)
        | Q(status=waiting, received_at__lt=(now or timezone.now()) - STALLED_AFTER)
    ).order_by("received_at")


def mismatched_payments() -> QuerySet[Donation]:
    return Donation.objects.needing_attention().order_by("created_at")


def _submission_item(links: _Links, submission: Submission, detail: str) -> Item:
    return Item(submission.reference, detail, links.submission(submission))


def _received_items(links: _Links, submissions) -> list[Item]:
    """The first submissions of a check, each with the day it was received."""
    return [
        _submission_item(links, item, _("Received %(when)s") % {"when": _when(item.submitted_at)})
        for item in submissions[:SHOWN]
    ]


def _tries(count: int) -> str:
    return ngettext("tried once", "tried %(count)d times", count) % {"count": count}


def checks(user) -> list[Check]:
    """Every check, its count and its first items; about a dozen queries in all."""
    links = _Links(user)
    minutes = max(1, get_setting("REQUEUE_AFTER") // 60)
    stalled = stalled_submissions().select_related("review")
    failed = failed_submissions().select_related("review")
    emails = troubled_emails().select_related("submission__review")
    events = unprocessed_events()
    gifts = mismatched_payments().select_related("submission")
    # The donations listing and its gifts' pages, for whoever may read them.
    donations = user.has_perm("membership_forms.view_donation")
    return [
        Check(
            "stalled",
            _("Submissions not screened"),
            ngettext(
                "Received more than %(minutes)d minute ago and still not screened.",
                "Received more than %(minutes)d minutes ago and still not screened.",
                minutes,
            )
            % {"minutes": minutes},
            stalled.count(),
            _received_items(links, stalled),
        ),
        Check(
            "failed",
            _("Submissions the workers gave up on"),
            _("Screening failed after every retry; retry it from the submission's page."),
            failed.count(),
            _received_items(links, failed),
        ),
        Check(
            "emails",
            _("Emails not sent"),
            _(
                "Failed after every retry, or still waiting after a failed attempt; "
                "retry a failed one from its submission's page."
            ),
            emails.count(),
            [_email_item(links, item) for item in emails[:SHOWN]],
        ),
        Check(
            "events",
            _("Payment events not processed"),
            _(
                "Messages from Stripe that failed, were retried or still wait; they are "
                "processed again with the replay_stripe_events command."
            ),
            events.count(),
            [_event_item(item) for item in events[:SHOWN]],
        ),
        Check(
            "payments",
            _("Payments needing attention"),
            _("Stripe and our record of the gift disagree, or the payment page could not be made."),
            gifts.count(),
            [
                Item(
                    item.submission.reference,
                    item.attention,
                    reverse("membership_forms_donations:inspect", args=[item.pk])
                    if donations
                    else "",
                )
                for item in gifts[:SHOWN]
            ],
            f"{reverse('membership_forms_donations:index')}?needs_attention=true"
            if donations
            else "",
        ),
    ]


def _email_item(links: _Links, email: Notification) -> Item:
    kind = str(email.get_kind_display())
    if email.status == NotificationStatus.FAILED:
        state = _("failed, %(tries)s") % {"tries": _tries(email.attempts)}
    else:
        state = _("still waiting, %(tries)s") % {"tries": _tries(email.attempts)}
    title = email.submission.reference if email.submission else kind
    detail = _("%(kind)s email queued %(when)s: %(state)s") % {
        "kind": kind,
        "when": _when(email.created_at),
        "state": state,
    }
    return Item(title, detail, links.submission(email.submission))


def _event_item(event: StripeEvent) -> Item:
    words = EVENT_WORDS.get(event.type.split(".")[0])
    if event.status == StripeEvent.Status.FAILED:
        state = _("failed, %(tries)s") % {"tries": _tries(event.attempts)}
    elif event.attempts:
        state = _("still waiting, %(tries)s") % {"tries": _tries(event.attempts)}
    else:
        state = _("never processed")
    detail = _("Received %(when)s: %(state)s") % {"when": _when(event.received_at), "state": state}
    return Item(str(words) if words else event.type, detail)
