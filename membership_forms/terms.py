"""Internship terms: the seasons, their deadlines and which terms are open, in pure Python.

A term is a slug such as "summer-2027". No Django import: the eligibility rules, the form
pages and the tests read these helpers alike.
"""

from __future__ import annotations

import calendar
import itertools
import re
from datetime import date
from typing import NamedTuple


class _Season(NamedTuple):
    start_month: int
    deadline_month: int
    deadline_year_offset: int  # Spring's deadline falls in the year before the term.


SEASONS: dict[str, _Season] = {
    "spring": _Season(start_month=1, deadline_month=12, deadline_year_offset=-1),
    "summer": _Season(start_month=6, deadline_month=4, deadline_year_offset=0),
    "fall": _Season(start_month=9, deadline_month=8, deadline_year_offset=0),
}
_SEASON_ORDER = sorted(SEASONS, key=lambda season: SEASONS[season].start_month)
_TERM_RE = re.compile(r"(spring|summer|fall)-([1-9][0-9]{3})")


def parse_term(term: str) -> tuple[str, int]:
    """Split a term slug such as "summer-2027"; anything else is a ValueError."""
    match = _TERM_RE.fullmatch(term) if isinstance(term, str) else None
    if match is None:
        raise ValueError(f"Not an internship term: {term!r}")
    return match[1], int(match[2])


def term_deadline(term: str) -> date:
    """The last day applications for the term are accepted (all deadlines are the 1st)."""
    season, year = parse_term(term)
    rule = SEASONS[season]
    return date(year + rule.deadline_year_offset, rule.deadline_month, 1)


def open_terms(today: date, count: int = 3) -> list[str]:
    """The next `count` terms still open on `today`, earliest first.

    Deadlines follow the terms' own order, so the open terms are a run from the first one.
    """
    years = itertools.count(today.year)
    terms = (f"{season}-{year}" for year in years for season in _SEASON_ORDER)
    return list(itertools.islice((term for term in terms if term_deadline(term) >= today), count))


def next_open_term(today: date) -> str:
    """The term to suggest to someone who missed a deadline."""
    return open_terms(today, count=1)[0]


def add_months(day: date, months: int) -> date:
    """Calendar months, clamping to the month's end: 30 November + 3 months is 28/29 February."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
