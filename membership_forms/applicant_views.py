"""The applicant's own page ("My applications"): what they sent, with the address they
signed in with, and nothing of anyone else's.

The plugin asks Django's auth only: `login_required` sends a visitor to the site's
LOGIN_URL, and `request.user.email` is the address the site verified (docs/members.md).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail.log_actions import log

from . import kinds
from .applicants import progress_of, submissions_of
from .conf import get_setting
from .models import Donation, NotificationKind, SubmissionFile
from .models.submissions import SubmissionStatus
from .review_detail_words import answers_for_staff
from .services import newsletter, organisations
from .services.notifications import queue_notification
from .services.submissions import private_storage

DONATION, NEWSLETTER = "donation", "newsletter"
SUBSCRIBED = {SubmissionStatus.PENDING_CONFIRMATION, SubmissionStatus.CONFIRMED}


def _answers(submission) -> list[tuple[str, object]]:
    """(label, answer) as the form asked them, in the visitor's language; unanswered
    questions left out (an empty answer stays empty in words)."""
    return [
        (label, answer)
        for label, answer in answers_for_staff(submission)
        if answer not in ("", None, [])
    ]


@never_cache
@login_required
def my_applications(request):
    """Every submission of the signed-in address: applications (the kinds someone decides
    on) with where they stand, gifts with their receipts, newsletter sign-ups with a way
    to leave. Contact messages are not listed."""
    mine = (
        submissions_of(request.user.email)
        .select_related("review", "page")
        .prefetch_related("files")
    )
    applications, subscriptions = [], []
    for submission in mine:
        if submission.kind == NEWSLETTER:
            subscriptions.append(submission)
        elif submission.kind != DONATION and kinds.get(submission.kind).queue:
            applications.append(
                {
                    "submission": submission,
                    "kind": kinds.get(submission.kind).label,
                    "progress": progress_of(submission),
                    "answers": _answers(submission),
                    "files": list(submission.files.all()),
                }
            )
    donations = (
        Donation.objects.filter(submission__in=mine.filter(kind=DONATION))
        .select_related("receipt", "submission")
        .order_by("-created_at")
    )
    return TemplateResponse(
        request,
        "membership_forms/my_applications.html",
        {
            "applications": applications,
            "donations": donations,
            "subscriptions": subscriptions,
            "subscribed": SUBSCRIBED,
            "retention_days": get_setting("RETENTION_DAYS"),
            "organisations": organisations.contacts_of(request.user),
        },
    )


@never_cache
@login_required
def my_file(request, pk: int):
    """One of my own files; anyone else's is not found (404, not 403: nothing to learn)."""
    mine = submissions_of(request.user.email)
    stored = SubmissionFile.objects.filter(pk=pk, submission__in=mine).first()
    if stored is None:
        raise Http404
    log(
        instance=stored.submission,
        action="membership_forms.submission.applicant_download",
        user=request.user,
        data={"file": stored.pk, "field": stored.field_key, "sha256": stored.sha256},
    )
    response = FileResponse(
        private_storage().open(stored.stored_name, "rb"),
        as_attachment=True,
        filename=stored.original_name or stored.field_key,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def my_unsubscribe(request, pk: int):
    """Leave the newsletter in one click, from my page."""
    mine = submissions_of(request.user.email).filter(kind=NEWSLETTER, pk=pk)
    submission = mine.first()
    if submission is None:
        raise Http404
    if newsletter.unsubscribe(submission.pk):
        messages.success(request, _("You are unsubscribed: we will send you no more newsletters."))
    return redirect("membership_forms_applicant:my_applications")


@require_POST
@login_required
def my_erasure_request(request):
    """Ask for my personal data to be erased: recorded in the history of each of my
    submissions and emailed, by the workers, to the Secretariat (ERASURE_REQUESTS_TO),
    once a day at most."""
    mine = list(submissions_of(request.user.email).order_by("submitted_at"))
    with transaction.atomic():
        for submission in mine:
            log(
                instance=submission,
                action="membership_forms.submission.erasure_request",
                user=request.user,
            )
        queue_notification(
            None,
            NotificationKind.ERASURE_REQUEST,
            recipient=get_setting("ERASURE_REQUESTS_TO"),
            discriminator=f"user-{request.user.pk}-{timezone.localdate().isoformat()}",
            context={
                "email": request.user.email,
                "references": ", ".join(s.reference for s in mine) or "-",
            },
            language=settings.LANGUAGE_CODE,
        )
    messages.success(
        request,
        _(
            "Your request is recorded. The Secretariat will erase your personal data, or "
            "tell you what must be kept and why, within one month, and will write to you "
            "at %(email)s."
        )
        % {"email": request.user.email},
    )
    return redirect("membership_forms_applicant:my_applications")
