"""The admin listings' CSV and XLSX exports: inert cells, and every row audited."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Submission
from .services.export_audit import record_exports
from .spreadsheets import InertSpreadsheetExportMixin


class AuditedExportMixin(InertSpreadsheetExportMixin):
    """For Wagtail's listing views of submissions (or of rows that belong to one)."""

    def exported_submissions(self, queryset) -> Iterable[tuple[Submission, dict]]:
        """(submission, extra audit data) for each exported row; rows are submissions."""
        return ((submission, {}) for submission in queryset.select_related("review").order_by())

    def write_xlsx_response(self, queryset):
        record_exports(self.exported_submissions(queryset), self.request.user, "xlsx")
        return super().write_xlsx_response(queryset)

    def write_csv_response(self, queryset):
        record_exports(self.exported_submissions(queryset), self.request.user, "csv")
        return super().write_csv_response(queryset)
