"""Exported cells never run what a visitor typed; everything else keeps its value and type."""

import datetime
from decimal import Decimal

import pytest

from membership_forms.spreadsheets import inert


@pytest.mark.parametrize(
    "typed",
    [
        '=HYPERLINK("http://evil.example","click")',
        "=1+1",
        "+33 1 23 45 67 89",  # a phone number a spreadsheet would compute
        "-2+3",
        "-5",  # text, not a number: still a formula to a spreadsheet
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_text_a_spreadsheet_would_compute_is_quoted(typed):
    assert inert(typed) == "'" + typed


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "Lucía Pérez",
        "منظمة السلام",  # Arabic, right to left
        "a=b",  # an equals sign inside the text is no formula
        "'already quoted",
    ],
)
def test_other_text_is_kept_as_typed(typed):
    assert inert(typed) == typed


@pytest.mark.parametrize(
    "value",
    [None, -5, -5.5, Decimal("-12.50"), 0, True, datetime.date(2027, 6, 1)],
)
def test_values_that_are_not_text_keep_their_type(value):
    """A negative amount stays the number it is: no spreadsheet runs a number."""
    assert inert(value) is value
