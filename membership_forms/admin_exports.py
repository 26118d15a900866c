"""The admin listings' CSV and XLSX exports: inert cells, answers in words, and every
row audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.functional import cached_property

from .models import Submission
from .review_detail_words import answer_words
from .services.export_audit import record_exports
from .spreadsheets import InertSpreadsheetExportMixin


class AuditedExportMixin(InertSpreadsheetExportMixin):
    """For Wagtail's listing views of submissions (or of rows that belong to one).

    A listing of one kind's items (a review queue) names the kind as `spec`: the answers
    to its questions with choices are exported by their labels, as the admin shows them
    ("Full time"), never by their stored codes ("full_time").
    """

    @cached_property
    def exported_answer_fields(self) -> dict:
        spec = getattr(self, "spec", None)
        return spec.core() if spec is not None else {}

    def preprocess_field_value(self, field, value, export_format):
        if field in self.exported_answer_fields:
            value = answer_words(self.exported_answer_fields[field], value)
        return super().preprocess_field_value(field, value, export_format)

    def exported_submissions(self, queryset) -> Iterable[tuple[Submission, dict]]:
        """(submission, extra audit data) for each exported row; rows are submissions."""
        return ((submission, {}) for submission in queryset.select_related("review").order_by())

    def write_xlsx_response(self, queryset):
        record_exports(self.exported_submissions(queryset), self.request.user, "xlsx")
        return super().write_xlsx_response(queryset)

    def write_csv_response(self, queryset):
        record_exports(self.exported_submissions(queryset), self.request.user, "csv")
        return super().write_csv_response(queryset)
