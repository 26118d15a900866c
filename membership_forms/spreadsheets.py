"""Spreadsheet cells that cannot run what a visitor typed (CSV or formula injection).

Text a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage
return: OWASP's list) is prefixed with a quote, so it is shown, never run. Numbers, dates
and empty cells keep their type: an amount of -5 stays the number -5, which no
spreadsheet runs. Every export of the plugin goes through `inert`: the review queues'
files (services.exports) and the admin listings' CSV and XLSX (the mixin below).
"""

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """The value, with text a spreadsheet would read as a formula quoted."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


class InertSpreadsheetExportMixin:
    """For Wagtail's listing views: every exported cell goes through `inert`.

    Wagtail's SpreadsheetExportMixin only keeps XLSX cells starting with "=" from being
    stored as formulas and writes CSV as it is (its security docs leave CSV injection to
    the spreadsheet), so its per-value hook, `preprocess_field_value`, is extended here.
    """

    def preprocess_field_value(self, field, value, export_format):
        return inert(super().preprocess_field_value(field, value, export_format))
