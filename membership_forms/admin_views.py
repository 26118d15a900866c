"""The submissions inbox in the Wagtail admin: detail, retries and logged file downloads
(the listing is inbox_admin.py).

`view_submission` opens the inbox; what it shows follows the review queues
(`services.reviews.visible_kinds`). A submission outside them is refused like anything
else in Wagtail's admin (PermissionDenied: a redirect to the dashboard with a message);
one that does not exist answers 404. Every view of an applicant's answers or files is
logged.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .conf import get_setting
from .files import PDF
from .models import Notification, Submission, SubmissionFile
from .review_detail_words import answers_for_staff, language_name, screening_for_staff
from .services.notifications import retry_notification
from .services.reviews import can_see_submission, record_submission_access
from .services.screening import retry_failed
from .services.submissions import private_storage

VIEW = "membership_forms.view_submission"
DOWNLOAD = "membership_forms.download_submissionfile"
RETRY = "membership_forms.change_submission"


def _submission_for(request, pk: int | None) -> Submission:
    submission = get_object_or_404(Submission.objects.select_related("page"), pk=pk)
    if not can_see_submission(request.user, submission):
        raise PermissionDenied
    return submission


@permission_required(VIEW, raise_exception=True)
def submission_detail(request, pk: int):
    submission = _submission_for(request, pk)
    record_submission_access(submission, request.user, "view")
    answers = answers_for_staff(submission)
    return TemplateResponse(
        request,
        "membership_forms/admin/submission_detail.html",
        {
            "submission": submission,
            "answers": answers,
            "files": submission.files.all(),
            "can_download": request.user.has_perm(DOWNLOAD),
            "header_title": submission.reference,
            "screening": screening_for_staff(submission.screening or {}),
            "language": language_name(submission.locale),
            "notifications": submission.notifications.all(),
            "can_retry": request.user.has_perm(RETRY),
        },
    )


@require_POST
@permission_required(RETRY, raise_exception=True)
def retry_submission(request, pk: int):
    """Staff's retry of a submission the workers gave up on: screened again from the start."""
    _submission_for(request, pk)
    if retry_failed(pk, request.user):
        messages.success(request, _("The submission was queued again."))
    return redirect("membership_forms_submission", pk)


@require_POST
@permission_required(RETRY, raise_exception=True)
def retry_email(request, pk: int):
    """Staff's retry of an email that failed after all its attempts."""
    notification = get_object_or_404(Notification, pk=pk)
    _submission_for(request, notification.submission_id)
    if retry_notification(pk):
        messages.success(request, _("The email was queued again."))
    return redirect("membership_forms_submission", notification.submission_id)


# The inline preview's own policy: a sandboxed document that loads nothing and runs
# nothing, which only this site may frame (the browser's PDF viewer still shows it).
INLINE_CSP = "sandbox; default-src 'none'; object-src 'self'; frame-ancestors 'self'"


def _file_for(request, pk: int) -> SubmissionFile:
    """A submitted file the user may read: the download permission and the file's queue."""
    if not request.user.has_perm(DOWNLOAD):
        raise PermissionDenied
    stored = get_object_or_404(SubmissionFile.objects.select_related("submission"), pk=pk)
    if not can_see_submission(request.user, stored.submission):
        raise PermissionDenied
    if not private_storage().exists(stored.stored_name):
        raise Http404
    return stored


def is_verified_pdf(stored: SubmissionFile) -> bool:
    """Whether the screening opened this file and found a readable, clean PDF."""
    if stored.content_type != PDF:
        return False
    reports = (stored.submission.screening or {}).get("files") or []
    return any(
        report.get("field") == stored.field_key
        and report.get("name") == stored.original_name
        and report.get("content_type") == PDF
        and report.get("valid")
        and not report.get("infected")
        for report in reports
    )


def _record(request, stored: SubmissionFile, action: str) -> None:
    record_submission_access(
        stored.submission,
        request.user,
        action,
        file=stored.pk,
        field=stored.field_key,
        sha256=stored.sha256,
    )


def _filename(stored: SubmissionFile) -> str:
    return stored.original_name or stored.field_key


def _serve(request, stored: SubmissionFile, action: str, **kwargs) -> FileResponse:
    _record(request, stored, action)
    response = FileResponse(
        private_storage().open(stored.stored_name, "rb"),
        filename=_filename(stored),
        **kwargs,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _signed_link(request, stored: SubmissionFile, seconds: int) -> HttpResponseRedirect:
    """A redirect to the file in the bucket, by a link signed for `seconds`: the store
    serves it as an attachment of its own type and name, and refuses it once expired."""
    _record(request, stored, "download")
    url = private_storage().url(
        stored.stored_name,
        expire=seconds,
        parameters={
            "ResponseContentType": stored.content_type,
            "ResponseContentDisposition": content_disposition_header(True, _filename(stored)),
            "ResponseCacheControl": "private, no-store",
        },
    )
    response = HttpResponseRedirect(url)
    # The link is a secret that expires: kept by no cache, sent to no other site.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def download_file(request, pk: int):
    """The only way to a submitted file: permission and queue checked, every download logged.

    When the files lie in a bucket (PRIVATE_FILE_URL_SECONDS), the answer is a redirect to
    a short-lived signed link, given only after the checks and the log entry; on the local
    disk the site streams the file.
    """
    stored = _file_for(request, pk)
    seconds = get_setting("PRIVATE_FILE_URL_SECONDS")
    if seconds:
        return _signed_link(request, stored, seconds)
    return _serve(request, stored, "download", as_attachment=True, content_type=stored.content_type)


def view_file(request, pk: int):
    """A PDF the screening verified, shown in the browser (inline), logged as a view of the
    file; anything else is only ever downloaded (404 here).

    Streamed by the site even when the files lie in a bucket: the sandbox policy below is
    a header of this response, which a signed link cannot make the store send, and the
    admin frames only its own origin."""
    stored = _file_for(request, pk)
    if not is_verified_pdf(stored):
        raise Http404
    response = _serve(request, stored, "view_file", as_attachment=False, content_type=PDF)
    response["Content-Security-Policy"] = INLINE_CSP
    response["Cache-Control"] = "private, no-store"
    return response
