"""Recording submissions (the outbox) and moving them along."""

from __future__ import annotations

import functools
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import psycopg
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Field, Q
from django.utils import timezone

from .. import kinds
from ..conf import get_setting
from ..files import EXTENSIONS
from ..models import ReferenceCounter, Submission, SubmissionFile, SubmissionStatus
from ..signals import announce, submission_received

logger = logging.getLogger(__name__)


class IdempotencyConflict(Exception):
    """The key was used before with a different body."""


@dataclass(frozen=True)
class Recorded:
    submission: Submission
    replayed: bool = False


def private_storage():
    return storages["private"]


def allocate_reference(kind: str, year: int) -> str:
    """The next reference for (kind, year); call inside a transaction.

    The UPDATE takes the counter row's lock until commit, so concurrent submissions
    queue on it for a moment and never share a number. RETURNING (PostgreSQL, SQLite
    3.35+) saves a second round trip.
    """
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    sql = f"UPDATE {table} SET value = value + 1 WHERE kind = %s AND year = %s RETURNING value"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, year])
        row = cursor.fetchone()
    if row is None:
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(kind=kind, year=year, value=1)
            value = 1
        except IntegrityError:  # another request created it first
            return allocate_reference(kind, year)
    else:
        value = row[0]
    return f"{kinds.get(kind).reference_prefix}-{year}-{value:05d}"


@functools.cache
def _one_statement_insert(alias: str) -> tuple[list[Field], str]:
    """The fields `_insert_in_one_statement` sends, in order, and its SQL: the same for
    every submission, so built once per process and database."""
    db = connections[alias]
    fields = [f for f in Submission._meta.concrete_fields if f.name not in ("id", "reference")]
    quote = db.ops.quote_name
    columns = ", ".join(quote(cast(str, f.column)) for f in fields)  # concrete: has a column
    # Typed placeholders: the values reach their columns through a SELECT.
    placeholders = ", ".join(f"%s::{f.db_type(db)}" for f in fields)
    sql = (
        f"WITH counter AS (UPDATE {quote(ReferenceCounter._meta.db_table)}"  # noqa: S608
        " SET value = value + 1 WHERE kind = %s AND year = %s RETURNING value)"
        f" INSERT INTO {quote(Submission._meta.db_table)} ({columns}, {quote('reference')})"
        f" SELECT {placeholders}, %s || LPAD(value::text, GREATEST(5, LENGTH(value::text)), '0')"
        f" FROM counter RETURNING {quote('id')}, {quote('reference')}"
    )
    return fields, sql


def _insert_in_one_statement(submission: Submission, year: int) -> bool:
    """PostgreSQL: take the next reference and insert the row in one statement (a
    data-modifying WITH). In autocommit, as the API runs it, a submission without files
    then costs one round trip and one commit, and a failed insert gives its number back.
    False, with nothing stored, on another database or when there is no counter row yet
    for this kind and year (the first submission of the year).
    """
    alias = DEFAULT_DB_ALIAS  # the database record_submission's transactions use
    db = connections[alias]  # once: each `connection.x` is a lookup in a context-local
    if db.vendor != "postgresql":
        return False
    fields, sql = _one_statement_insert(alias)
    values = [f.get_db_prep_save(f.pre_save(submission, True), db) for f in fields]
    prefix = f"{kinds.get(submission.kind).reference_prefix}-{year}-"
    params = [submission.kind, year, *values, prefix]
    # Django's cursor checks and opens the connection; the statement itself goes through
    # a psycopg cursor that binds on the server, prepared once per connection: PostgreSQL
    # then parses and plans it once, not on every submission.
    with (
        db.cursor() as cursor,
        db.wrap_database_errors,
        psycopg.Cursor(cursor.connection) as prepared,
    ):
        row = prepared.execute(sql, params, prepare=True).fetchone()
    if row is None:
        return False
    submission.pk, submission.reference = row
    submission._state.adding = False
    submission._state.db = alias
    return True


def find_by_idempotency_key(form_key, key: str, request_hash: str) -> Submission | None:
    existing = Submission.objects.filter(form_key=form_key, idempotency_key=key).first()
    if existing and existing.request_hash != request_hash:
        raise IdempotencyConflict
    return existing


def _announce(submission_id: int) -> None:
    announce(submission_received, Submission, submission_id=submission_id)


def record_submission(
    *,
    page,
    payload: dict,
    uploads: dict,
    locale: str,
    client_hash: str = "",
    idempotency_key: str | None = None,
    request_hash: str = "",
) -> Recorded:
    """Store the submission and its files in one transaction; announce it after commit.

    The files are written first, under random names, and removed again if the
    transaction fails, so a refused or failed submission leaves nothing behind.
    """
    storage = private_storage()
    spec = kinds.get(page.kind)
    now = timezone.now()
    saved: list[tuple[str, tuple[str, Any]]] = []
    try:
        for key, upload in uploads.items():
            extension = EXTENSIONS[upload.info.content_type]
            name = f"submissions/{now:%Y/%m}/{uuid.uuid4().hex}.{extension}"
            stored = storage.save(name, upload)
            saved.append((key, (stored, upload)))
        submission = Submission(
            kind=page.kind,
            form_key=page.translation_key,
            page=page,
            locale=locale,
            payload=payload,
            idempotency_key=idempotency_key,
            request_hash=request_hash,
            client_hash=client_hash,
        )
        if not saved and not spec.record_rows and _insert_in_one_statement(submission, now.year):
            # In autocommit the statement was the transaction: this runs at once.
            transaction.on_commit(lambda: _announce(submission.pk), robust=True)
        else:
            with transaction.atomic():
                submission.reference = allocate_reference(page.kind, now.year)
                submission.save(force_insert=True)
                SubmissionFile.objects.bulk_create(
                    SubmissionFile(
                        submission=submission,
                        field_key=key,
                        original_name=(upload.name or "")[-255:],
                        stored_name=stored,
                        content_type=upload.info.content_type,
                        size=upload.info.size,
                        sha256=upload.info.sha256,
                    )
                    for key, (stored, upload) in saved
                )
                if record_rows := spec.hook("record_rows"):
                    record_rows(page, submission)
                transaction.on_commit(lambda: _announce(submission.pk), robust=True)
    except IntegrityError:
        _remove(storage, saved)
        if idempotency_key:
            # The same key arrived twice at once: the first one won; answer as it did.
            existing = find_by_idempotency_key(page.translation_key, idempotency_key, request_hash)
            if existing:
                return Recorded(existing, replayed=True)
        raise
    except BaseException:
        _remove(storage, saved)
        raise
    return Recorded(submission)


def _remove(storage, saved) -> None:
    for _key, (stored, _upload) in saved:
        try:
            storage.delete(stored)
        except OSError:
            logger.exception("Could not remove %s after a failed submission", stored)


def stalled_submission_ids(limit: int | None = None) -> list[int]:
    """Rows still `received` after the grace period, oldest first, marked as queued now.

    Marking them keeps two sweeps a minute apart from queueing a slow row twice in a row.
    """
    limit = limit or get_setting("REQUEUE_BATCH")
    now = timezone.now()
    cutoff = now - timedelta(seconds=get_setting("REQUEUE_AFTER"))
    with transaction.atomic():
        ids = list(
            Submission.objects.filter(status=SubmissionStatus.RECEIVED, submitted_at__lte=cutoff)
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lte=cutoff))
            .order_by("submitted_at")
            .values_list("pk", flat=True)[:limit]
        )
        Submission.objects.filter(pk__in=ids).update(queued_at=now)
    return ids


def stalled_rescreen_ids(limit: int | None = None) -> list[int]:
    """Corrected submissions still waiting for their new screening after the grace period
    (the broker lost the task), marked as queued now."""
    limit = limit or get_setting("REQUEUE_BATCH")
    now = timezone.now()
    cutoff = now - timedelta(seconds=get_setting("REQUEUE_AFTER"))
    with transaction.atomic():
        ids = list(
            Submission.objects.filter(rescreen_requested_at__lte=cutoff, queued_at__lte=cutoff)
            .order_by("rescreen_requested_at")
            .values_list("pk", flat=True)[:limit]
        )
        Submission.objects.filter(pk__in=ids).update(queued_at=now)
    return ids
