"""Periodic work on the review queues: reminders of reviews waiting too long, and
internship reviews still open after their term closed."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..limits import digest
from ..models.reviews import (
    OPEN_STATUSES,
    QUEUE_PERMISSIONS,
    Review,
)
from .notifications import queue_notification

if TYPE_CHECKING:
    pass

from .review_steps import S, _form_page, _lock, _log


def queue_reviewers(queue: str):
    """Active users holding the queue's review permission through a group or directly."""
    codename = QUEUE_PERMISSIONS[queue]
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__permissions__codename=codename) | Q(user_permissions__codename=codename))
        .distinct()
    )


def _language_of(user) -> str:
    """The user's preferred language (Wagtail's account settings) when the site has it."""
    profile = getattr(user, "wagtail_userprofile", None)
    language = getattr(profile, "preferred_language", "") or ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def reminder_recipients(review: Review) -> list[tuple[str, str]]:
    """(address, language) for each person a waiting review reminds, each address once:
    the assignee; unassigned, every reviewer of the queue and the form page's staff
    recipients (in the language of the user with that address, if there is one)."""
    from ..models.pages import split_recipients

    User = get_user_model()
    assignee = review.assigned_to
    if assignee is not None and assignee.is_active and assignee.email:
        users, addresses = [assignee], []
    else:
        page = _form_page(review.submission)
        addresses = split_recipients(page.staff_recipients) if page is not None else []
        users = list(queue_reviewers(review.queue))
        known = {user.email.casefold() for user in users}
        users += [
            user
            for user in User.objects.filter(is_active=True, email__in=addresses)
            if user.email.casefold() not in known
        ]
    recipients: dict[str, tuple[str, str]] = {}
    for user in User.objects.filter(pk__in=[u.pk for u in users]).select_related(
        "wagtail_userprofile"
    ):
        if user.email:
            recipients.setdefault(user.email.casefold(), (user.email, _language_of(user)))
    for address in addresses:
        recipients.setdefault(address.casefold(), (address, settings.LANGUAGE_CODE))
    return sorted(recipients.values())


def send_review_reminders(today=None, batch: int = 500) -> int:
    """One reminder a day for each review waiting in its state longer than REVIEW_SLA_DAYS.

    Reviews waiting on the applicant (`info_requested`) are left alone. Each person
    `reminder_recipients` names gets their own email, recorded under its own key (the day
    and a hash of the address), so a rerun sends nobody a second one.
    """
    from ..conf import get_setting

    today = today or timezone.localdate()
    cutoff = timezone.now() - timedelta(days=get_setting("REVIEW_SLA_DAYS"))
    waiting = (
        Review.objects.filter(status__in=OPEN_STATUSES, status_changed_at__lt=cutoff)
        .exclude(status=S.INFO_REQUESTED)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .values_list("pk", flat=True)[:batch]
    )
    sent = 0
    for review_id in list(waiting):
        with transaction.atomic():
            review = _lock(review_id)
            if review.reminded_on == today or review.status not in OPEN_STATUSES:
                continue
            review.reminded_on = today
            review.save(update_fields=["reminded_on"])
            recipients = reminder_recipients(review)
            _log(review, "reminder", status=review.status, date=today.isoformat())
            for address, language in recipients:
                queue_notification(
                    review.submission,
                    "reminder",
                    recipient=address,
                    language=language,
                    discriminator=f"{today.isoformat()}:{digest(address.casefold())}",
                    context={
                        "status": review.status,
                        "since": review.status_changed_at.isoformat(),
                    },
                )
            sent += 1
    return sent


def flag_closed_terms(today=None) -> int:
    """Flag internship reviews still open after their term's deadline (TERM_CLOSE_OUT)."""
    from ..terms import term_deadline

    today = today or timezone.localdate()
    flagged = 0
    # Only the kinds with terms (internships) give reviews a term.
    open_reviews = Review.objects.filter(status__in=OPEN_STATUSES, flagged=False).exclude(term="")
    for review_id, term in list(open_reviews.values_list("pk", "term")):
        try:
            closed = term_deadline(term) < today
        except ValueError:
            continue
        if not closed:
            continue
        with transaction.atomic():
            review = _lock(review_id)
            if review.flagged or review.status not in OPEN_STATUSES:
                continue
            review.flagged = True
            review.save(update_fields=["flagged"])
            _log(review, "flag", term=term)
            flagged += 1
    return flagged
