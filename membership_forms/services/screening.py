"""Screening: file checks, duplicates and eligibility, then the review queue and the emails.

The slow part (reading and parsing files, running the rules) happens before any lock is
taken; the result is then written in one short transaction that locks the row, checks it
is still `received`, stores the result, opens the review and queues the emails. A rerun
finds the row no longer `received` and does nothing.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from contextlib import nullcontext
from typing import Any
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from .. import eligibility, kinds
from ..conf import get_setting, load_rules
from ..inspection import FileReport, inspect_file
from ..limits import allow_confirmations
from ..models import NotificationKind, Submission, SubmissionStatus
from ..signals import submission_received
from .notifications import announce_after_commit, record_notifications
from .reviews import open_review, record_rescreening
from .submissions import private_storage

logger = logging.getLogger(__name__)

# Words that say what an organisation is, not which one it is.
_COMMON_WORDS = {
    "the", "ngo", "inc", "ltd", "llc", "foundation", "fondation", "fundacion", "association",
    "asociacion", "organisation", "organization", "network", "reseau", "red", "centre",
    "center", "centro", "for", "of", "de", "la", "le", "les", "des", "del", "and", "et", "y",
}  # fmt: skip


def normalise_name(name: str) -> str:
    """Casefolded, without accents, punctuation or common words: "La Fondation Paix!" -> "paix"."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    words = re.sub(r"<[^>]*>|[^\w\s]", " ", text).split()
    kept = [word for word in words if word not in _COMMON_WORDS]
    return " ".join(kept or words)


def _host(url: str) -> str:
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def duplicate_keys(submission: Submission) -> dict[str, str]:
    """What makes two submissions the same organisation or person."""
    payload = submission.payload or {}
    keys: dict[str, str] = {}
    email = submission.applicant_email.casefold()
    if email:
        keys["email"] = email
    if kinds.get(submission.kind).organisation_keys:
        if name := normalise_name(str(payload.get("organisation_name", ""))):
            keys["organisation"] = name
        domain = email.rpartition("@")[2]
        if domain and domain not in get_setting("FREE_MAIL_DOMAINS"):
            keys["domain"] = domain
        if host := _host(str(payload.get("website") or "")):
            keys["website"] = host
    return keys


def find_duplicates(submission: Submission, keys: dict[str, str]) -> list[dict[str, Any]]:
    """Earlier screened submissions of the same family sharing a key: linked, never dropped."""
    family_name = kinds.get(submission.kind).duplicate_family
    if not keys or not family_name:
        return []
    family = [spec.key for spec in kinds.all() if spec.duplicate_family == family_name]
    query = Q()
    for name, value in keys.items():
        if connection.vendor == "postgresql":  # containment uses mf_submission_duplicate_keys
            query |= Q(screening__keys__contains={name: value})
        else:
            query |= Q(**{f"screening__keys__{name}": value})
    matches = (
        Submission.objects.filter(query, kind__in=family)
        .exclude(pk=submission.pk)
        .order_by("submitted_at")
        .values("pk", "reference", "screening")[:20]
    )
    found = []
    for row in matches:
        theirs = (row["screening"] or {}).get("keys", {})
        on = sorted(name for name, value in keys.items() if theirs.get(name) == value)
        found.append({"id": row["pk"], "reference": row["reference"], "on": on})
    return found


def build_application(submission: Submission, files: list[FileReport]):
    """The rules' input for this submission (its kind builds it), or None."""
    build = kinds.get(submission.kind).application
    return build(submission, files) if build is not None else None


def translate_reasons(result: eligibility.Result, language: str) -> list[dict[str, Any]]:
    """Reasons as stored: code, effect, params, and the message in the applicant's language."""
    with translation.override(language):
        return [
            {
                "code": str(reason.code),
                "effect": str(reason.effect),
                "message": gettext(reason.message) % dict(reason.params),
                "params": dict(reason.params),
            }
            for reason in result.reasons
        ]


def inspect_files(submission: Submission) -> list[FileReport]:
    storage = private_storage()
    reports = []
    for stored in submission.files.all():
        try:
            with storage.open(stored.stored_name, "rb") as handle:
                data = handle.read(get_setting("MAX_FILE_BYTES") + 1)
        except OSError:
            data = None
        reports.append(inspect_file(stored.field_key, stored.original_name, data))
    return reports


def screen(submission: Submission) -> dict[str, Any]:
    """The screening result, computed without writing anything."""
    files = inspect_files(submission)
    keys = duplicate_keys(submission)
    application = build_application(submission, files)
    received_on = timezone.localdate(submission.submitted_at)
    if application is None:
        result = eligibility.Result()
    else:
        result = eligibility.evaluate(application, load_rules(submission.kind), received_on)
    infected = [report.field for report in files if report.infected]
    return {
        "outcome": str(result.outcome),
        "reasons": translate_reasons(result, submission.locale or "en"),
        "files": [report.as_dict() for report in files],
        "duplicates": find_duplicates(submission, keys),
        "keys": keys,
        "infected": infected,
    }


def screen_waiting(submission_id: int, limit: int | None = None) -> bool:
    """Screen this submission, then up to `limit` others still waiting; send their emails
    together (one task, one SMTP connection). False when this one needed nothing.

    This is the task the sweep and staff's retry queue, one per submission: the first to
    run also takes on what else waits, and the tasks of the submissions it took then find
    nothing to do. A failure among the others leaves that submission `received` for its
    own task, with its retries, and costs the rest nothing.
    """
    limit = get_setting("SCREENING_BATCH") if limit is None else limit
    own = _screen_one(submission_id)
    queued = list(own or [])
    others = _waiting_ids(submission_id, limit)
    if others:
        try:
            screened, _failed = _screen_batch(others)
            queued += screened
        except Exception:
            logger.warning("Screening the waiting submissions failed", exc_info=True)
    announce_after_commit(queued)
    return own is not None


def screen_submissions(submission_ids: list[int]) -> list[int]:
    """Screen a batch the web processes queued together; send their emails together.

    Returns the ids that failed, which the caller hands to their own tasks (with
    retries). Ids already screened, or locked by another worker, are skipped. An error
    outside any one submission (the database gone) propagates, so the task retries the
    batch.
    """
    queued, failed = _screen_batch(list(dict.fromkeys(submission_ids)))
    announce_after_commit(queued)
    return failed


def _screen_batch(submission_ids: list[int]) -> tuple[list[int], list[int]]:
    """Screen the waiting rows among `submission_ids` in one transaction; the email ids to
    send and the ids that failed.

    The usual batch, where nothing fails, runs without a savepoint per submission (two
    round trips each). If one submission fails, the whole transaction is rolled back and
    the batch screened again with a savepoint around each, so that one failure costs the
    others nothing.
    """
    try:
        return _screen_locked(submission_ids, isolate=False)
    except (DatabaseError, SoftTimeLimitExceeded):
        raise  # the batch's own trouble, not one submission's: the task retries it
    except Exception:
        logger.info("A batch of %d failed; screening each apart", len(submission_ids))
        return _screen_locked(submission_ids, isolate=True)


def _screen_locked(submission_ids: list[int], isolate: bool) -> tuple[list[int], list[int]]:
    """One transaction that locks the waiting rows among `submission_ids` in one query
    (SKIP LOCKED, so workers never wait on each other) and screens each; with `isolate`,
    each under its own savepoint (a failure is recorded, not raised)."""
    pages: dict[int, Any] = {}
    failed: list[int] = []
    with transaction.atomic():
        waiting = list(
            Submission.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("page")
            .filter(pk__in=submission_ids, status=SubmissionStatus.RECEIVED)
            .order_by("pk")
        )
        allowed = _confirmations_allowed(waiting)
        emails: list[tuple[Submission, list[str]]] = []  # recorded together, below
        for submission in waiting:
            try:
                with transaction.atomic() if isolate else nullcontext():
                    _use_specific_page(submission, pages)
                    result = screen(submission)
                    emails.append(_record(submission, result, allowed[submission.pk]))
            except Exception:
                if not isolate:
                    raise
                logger.warning("Screening %s failed; its own task retries", submission.pk,
                               exc_info=True)  # fmt: skip
                failed.append(submission.pk)
        queued = record_notifications(emails)
    return queued, failed


def _use_specific_page(submission: Submission, pages: dict[int, Any]) -> None:
    """The submission's form page as its own class, read once per page for the batch."""
    if submission.page_id and submission.page:
        if submission.page_id not in pages:
            pages[submission.page_id] = submission.page.specific
        submission.page = pages[submission.page_id]


def _confirmations_allowed(submissions: list[Submission]) -> dict[int, bool]:
    """Whether each applicant may get one more confirmation email today (the per-address
    limit, counted here off the request's path, in one round trip for the batch, the
    same answer again if the batch is screened again after a crash)."""
    requests = []
    for submission in submissions:
        requests.append((submission.applicant_email, submission.pk))
    return dict(zip([s.pk for s in submissions], allow_confirmations(requests), strict=True))


def _waiting_ids(exclude: int, limit: int) -> list[int]:
    if limit <= 0:
        return []
    return list(
        Submission.objects.filter(status=SubmissionStatus.RECEIVED)
        .exclude(pk=exclude)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def _screen_one(submission_id: int) -> list[int] | None:
    """Screen and record one submission; the ids of the emails to send, None if not done.

    The work happens before the row is locked; a rerun of the same task waits for the
    lock, then finds the row moved on.
    """
    waiting = Submission.objects.filter(pk=submission_id, status=SubmissionStatus.RECEIVED)
    if not waiting.exists():  # the usual case under load: a batch took it already
        return None
    submission = Submission.objects.select_related("page").filter(pk=submission_id).first()
    if submission is None or submission.status != SubmissionStatus.RECEIVED:
        return None
    result = screen(submission)
    with transaction.atomic():
        locked = Submission.objects.select_for_update().filter(pk=submission_id).first()
        if locked is None or locked.status != SubmissionStatus.RECEIVED:
            return None
        locked.page = submission.page
        allowed = _confirmations_allowed([locked])[locked.pk]
        return record_notifications([_record(locked, result, allowed)])


def _record(
    submission: Submission, result: dict[str, Any], confirmation_allowed: bool
) -> tuple[Submission, list[str]]:
    """Inside the row's lock: store the result and open the review; the submission and
    the kinds of email it sends, for `record_notifications`."""
    submission.screening = result
    submission.processed_at = timezone.now()
    submission.confirmation_allowed = confirmation_allowed
    if not open_review(submission):  # open_review sets the status when it opens one
        submission.set_status(kinds.get(submission.kind).unreviewed_status, save=False)
    submission.save(update_fields=["screening", "processed_at", "confirmation_allowed", "status"])
    if result["infected"]:
        logger.warning("Submission %s has infected files: %s", submission.pk, result["infected"])
    return submission, _emails(submission)


def _emails(submission: Submission) -> list[str]:
    """The applicant's acknowledgement, and staff's alert unless they read a digest."""
    emails = [kinds.get(submission.kind).acknowledgement]
    page = submission.page.specific if submission.page else None
    if page is not None and page.staff_recipients.strip() and not page.staff_digest:
        emails.append(NotificationKind.STAFF_ALERT)
    return emails


def rescreen_submission(submission_id: int) -> bool:
    """Screen again a submission whose applicant corrected answers; False if none was asked.

    The same screening as the first time (files, duplicates, rules), computed before the
    lock; then the result replaces the old one, the review takes its outcome and reason
    codes, and the request is cleared, unless a newer correction arrived meanwhile (its
    own task screens that). No email: the applicant was told when they answered.
    """
    submission = Submission.objects.select_related("page").filter(pk=submission_id).first()
    if submission is None or submission.rescreen_requested_at is None:
        return False
    requested_at = submission.rescreen_requested_at
    result = screen(submission)
    with transaction.atomic():
        locked = Submission.objects.select_for_update().filter(pk=submission_id).first()
        if locked is None or locked.rescreen_requested_at != requested_at:
            return False
        locked.screening = result
        locked.rescreen_requested_at = None
        locked.save(update_fields=["screening", "rescreen_requested_at"])
        record_rescreening(locked)
    return True


RESCREEN_FAILED = "RESCREEN_FAILED"


def give_up_rescreening(submission_id: int, error: str) -> bool:
    """After the rescreening task's last retry: the applicant's correction stays, the
    request is cleared (the sweep stops queueing it) and the review waits for a person,
    `needs_review` with the RESCREEN_FAILED reason and the error. False if none waited."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().filter(pk=submission_id).first()
        if submission is None or submission.rescreen_requested_at is None:
            return False
        screening = dict(submission.screening or {})
        with translation.override(submission.locale or "en"):
            message = gettext(
                "The corrected answers could not be screened again: please check them."
            )
        reasons = [r for r in screening.get("reasons", []) if r.get("code") != RESCREEN_FAILED]
        reason = {"code": RESCREEN_FAILED, "effect": "review", "message": message, "params": {}}
        screening.update(
            outcome=str(eligibility.Outcome.NEEDS_REVIEW),
            reasons=[*reasons, reason],
            error=error[:2000],
        )
        submission.screening = screening
        submission.rescreen_requested_at = None
        submission.save(update_fields=["screening", "rescreen_requested_at"])
        record_rescreening(submission)
    logger.error("Gave up screening corrected submission %s again: %s", submission_id, error)
    return True


def mark_failed(submission_id: int, error: str) -> bool:
    """After the last retry: `failed`, with the error for staff; False if it moved on."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().filter(pk=submission_id).first()
        if submission is None or submission.status != SubmissionStatus.RECEIVED:
            return False
        submission.set_status(SubmissionStatus.FAILED, save=False)
        submission.screening = {**(submission.screening or {}), "error": error[:2000]}
        submission.save(update_fields=["status", "screening"])
    return True


def retry_failed(submission_id: int, user=None) -> bool:
    """Staff's retry: back to `received` and announced again after commit."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().filter(pk=submission_id).first()
        if submission is None or submission.status != SubmissionStatus.FAILED:
            return False
        submission.set_status(SubmissionStatus.RECEIVED, user=user, save=False)
        submission.queued_at = timezone.now()
        submission.save(update_fields=["status", "queued_at"])
        transaction.on_commit(
            lambda: submission_received.send_robust(sender=Submission, submission_id=submission_id)
        )
    return True
