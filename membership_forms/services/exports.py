"""Queue exports (CSV, XLSX), built by a worker into private storage for their requester.

Cells an application could have written are made inert for spreadsheets (see
`spreadsheets.inert`), so a formula typed into a form is shown, never run; amounts are
written as numbers.
"""

from __future__ import annotations

import csv
import io
import secrets
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from wagtail.log_actions import log

from .. import kinds, signals
from ..models import Export, ExportFormat, ExportStatus, Review
from ..spreadsheets import inert
from .reviews import can_see_queue
from .submissions import private_storage

COLUMNS = [
    "reference",
    "status",
    "outcome",
    "reason_codes",
    "country",
    "region",
    "term",
    "submitted_at",
    "decided_at",
]


def answer_columns(queue: str) -> list[str]:
    """Answers exported too, as the queue's kind declares them (KindSpec.export_columns)."""
    spec = kinds.for_queue(queue)
    return list(spec.export_columns) if spec else []


# Answers that are numbers (decimal strings in the payload): exported as numbers.
NUMERIC_COLUMNS = {"amount"}


def safe_cell(value):
    """The value for a cell: numbers as numbers, the rest as text made inert."""
    if value is None:
        return ""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return value
    if isinstance(value, list | tuple):
        value = ", ".join(str(item) for item in value)
    return inert(str(value))


def _number(value):
    """A payload's decimal string as a number; anything else is left as it is (as text)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    return number if number.is_finite() else value


def request_export(user, queue: str, fmt: str) -> Export:
    if not can_see_queue(user, queue):
        raise PermissionDenied
    with transaction.atomic():
        export = Export.objects.create(requested_by=user, queue=queue, format=ExportFormat(fmt))
        export_id = export.pk
        transaction.on_commit(
            lambda: signals.export_requested.send(sender=Export, export_id=export_id)
        )
    return export


def export_rows(queue: str):
    columns = answer_columns(queue)
    yield COLUMNS + columns
    reviews = Review.objects.filter(queue=queue).select_related("submission").order_by("pk")
    for review in reviews.iterator(chunk_size=500):
        payload = review.submission.payload or {}
        row = [
            review.submission.reference,
            review.status,
            review.outcome,
            review.reason_codes,
            review.country,
            review.region,
            review.term,
            review.submitted_at.isoformat(),
            review.decided_at.isoformat() if review.decided_at else "",
        ]
        answers = [
            _number(payload.get(key)) if key in NUMERIC_COLUMNS else payload.get(key)
            for key in columns
        ]
        yield [safe_cell(value) for value in row + answers]


def _render(export: Export) -> tuple[bytes, int]:
    rows = list(export_rows(export.queue))
    if export.format == ExportFormat.CSV:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        return buffer.getvalue().encode("utf-8-sig"), len(rows) - 1
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(export.queue)
    for row in rows:
        sheet.append(row)
    binary = io.BytesIO()
    workbook.save(binary)
    return binary.getvalue(), len(rows) - 1


def build_export(export_id: int) -> Export | None:
    """Write the file once; a rerun of a finished export does nothing."""
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status != ExportStatus.PENDING:
            return export
        content, count = _render(export)
        name = f"exports/{export.queue}-{export.pk}-{secrets.token_hex(8)}.{export.format}"
        export.stored_name = private_storage().save(name, ContentFile(content))
        export.rows = count
        export.status = ExportStatus.READY
        export.finished_at = timezone.now()
        export.save(update_fields=["stored_name", "rows", "status", "finished_at"])
    return export


def open_export(export: Export, user):
    """The file of a ready export, for its requester only (logged as an export)."""
    if export.requested_by_id != user.pk or export.status != ExportStatus.READY:
        raise PermissionDenied
    if not can_see_queue(user, export.queue):
        raise PermissionDenied
    if not export.stored_name:  # removed after EXPORT_RETENTION_DAYS
        raise Http404
    log(
        instance=export,
        action="membership_forms.review.export",
        user=user,
        data={"export": export.pk, "queue": export.queue, "rows": export.rows},
    )
    return private_storage().open(export.stored_name, "rb")
