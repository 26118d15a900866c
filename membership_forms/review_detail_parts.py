"""What the review detail shows beside the application: its neighbours in the queue, the
possible duplicates the reviewer may open, the files a browser may show, and the
assignment the reviewer may still undo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, pgettext

from .admin_views import is_verified_pdf
from .countries import country_name
from .models import OPEN_STATUSES, Review, Submission
from .services.reviews import can_see_queue, can_see_submission

UNDO_MINUTES = 10
UNDO_KEY = "membership_forms_undo_assignment"

# Why the screening thinks two submissions may be the same (services/screening.duplicate_keys).
MATCH_WORDS = {
    "email": gettext_lazy("the same email address"),
    "organisation": gettext_lazy("the same organisation name"),
    "domain": gettext_lazy("the same email domain"),
    "website": gettext_lazy("the same website"),
}


# --- Neighbours in the queue --------------------------------------------------------------


def _neighbour(review: Review, after: bool) -> tuple[int, str] | None:
    """The next (or previous) item of the queue's listing in its default order (oldest
    first, the open items): one query, on the queue and the received date."""
    t, pk = review.submitted_at, review.pk
    if after:
        beyond = Q(submitted_at__gt=t) | Q(submitted_at=t, pk__gt=pk)
        order = ("submitted_at", "pk")
    else:
        beyond = Q(submitted_at__lt=t) | Q(submitted_at=t, pk__lt=pk)
        order = ("-submitted_at", "-pk")
    row = (
        Review.objects.filter(beyond, queue=review.queue, status__in=OPEN_STATUSES)
        .order_by(*order)
        .values_list("pk", "submission__reference")
        .first()
    )
    return (row[0], row[1]) if row else None


def neighbours(review: Review) -> dict[str, tuple[int, str] | None]:
    return {"previous": _neighbour(review, after=False), "next": _neighbour(review, after=True)}


# --- Possible duplicates ------------------------------------------------------------------


@dataclass
class Side:
    """One application's key fields, in words."""

    reference: str
    url: str
    name: str
    organisation: str
    email: str
    country: str
    date: datetime | None
    status: str


def side_of(submission: Submission, review: Review | None, url: str = "") -> Side:
    payload = submission.payload or {}
    code = review.country if review else str(payload.get("headquarters_country") or "")
    language = translation.get_language() or "en"
    return Side(
        reference=submission.reference,
        url=url,
        name=submission.applicant_name,
        organisation=str(payload.get("organisation_name") or ""),
        email=submission.applicant_email,
        country=country_name(code, language) if code else "",
        date=submission.submitted_at,
        status=review.get_status_display() if review else submission.get_status_display(),
    )


def duplicates(user, submission: Submission, review: Review) -> dict:
    """The screening's possible duplicates this user may open, each beside this one; how
    many others there are in queues the user may not open (a count, nothing else)."""
    found = (submission.screening or {}).get("duplicates") or []
    on = {row.get("id"): row.get("on") or [] for row in found if isinstance(row, dict)}
    others = Submission.objects.filter(pk__in=[pk for pk in on if pk]).select_related("review")
    pairs, hidden = [], 0
    for other in sorted(others, key=lambda other: other.submitted_at):
        other_review = getattr(other, "review", None)
        if other_review is not None and can_see_queue(user, other_review.queue):
            url = reverse("membership_forms_review", args=[other_review.pk])
        elif other_review is None and can_see_submission(user, other):
            url = (
                reverse("membership_forms_submission", args=[other.pk])
                if user.has_perm("membership_forms.view_submission")
                else ""
            )
        else:
            hidden += 1
            continue
        pairs.append(
            {
                "other": side_of(other, other_review, url),
                "because": pgettext("list separator", ", ").join(
                    str(MATCH_WORDS.get(key, key)) for key in on.get(other.pk, [])
                ),
            }
        )
    hidden += len([pk for pk in on if pk]) - len(others)  # removed since: not shown either
    return {"this": side_of(submission, review), "pairs": pairs, "hidden": max(hidden, 0)}


# --- Files ------------------------------------------------------------------------------


def files_for(submission: Submission, labels: dict) -> list[dict]:
    """Each file with its question's label and whether the browser may show it inline
    (a PDF the screening verified)."""
    return [
        {
            "file": stored,
            "label": str(labels.get(stored.field_key, stored.field_key)),
            "inline": is_verified_pdf(stored),
        }
        for stored in submission.files.all()
    ]


# --- Undoing an assignment ------------------------------------------------------------------


def remember_assignment(request, review: Review, previous_id: int | None) -> None:
    """Kept in the reviewer's session, so only they may undo it, for UNDO_MINUTES."""
    request.session[UNDO_KEY] = {
        "review": review.pk,
        "previous": previous_id,
        "assigned": review.assigned_to_id,
        "at": timezone.now().isoformat(),
    }


def undoable_assignment(request, review: Review) -> dict | None:
    """The assignment this reviewer made on this review and may still undo, or None."""
    entry = request.session.get(UNDO_KEY)
    if not isinstance(entry, dict) or entry.get("review") != review.pk:
        return None
    try:
        made = datetime.fromisoformat(entry["at"])
    except (KeyError, TypeError, ValueError):
        return None
    if timezone.now() - made > timedelta(minutes=UNDO_MINUTES):
        return None
    if review.assigned_to_id != entry.get("assigned"):
        return None
    return entry
