"""The internship rules: the term's deadline, the documents, qualifications and dates."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from ..terms import add_months, next_open_term, parse_term, term_deadline
from .core import Code, Reason, rule_paths

REQUIRED_DOCUMENTS = ("cover_letter", "resume", "writing_sample")


@dataclass(frozen=True)
class DocumentCheck:
    """What the worker saw on opening one uploaded file."""

    name: str
    present: bool
    valid: bool
    pages: int | None = None


@dataclass(frozen=True)
class InternshipApplication:
    term: str
    start_date: date | None
    end_date: date | None
    study_level: str
    english_proficiency: str
    documents: tuple[DocumentCheck, ...] = ()

    def __post_init__(self) -> None:
        # A malformed term is the caller's error, not the applicant's: refuse it here.
        parse_term(self.term)


class TermDeadlineRule:
    """The form hides closed terms, but the worker may run after a deadline has passed."""

    def check(self, application: InternshipApplication, received_on: date) -> Iterator[Reason]:
        deadline = term_deadline(application.term)
        if received_on > deadline:
            yield Reason.of(
                Code.LATE_APPLICATION,
                term=application.term,
                deadline=deadline.isoformat(),
                next_term=next_open_term(received_on),
            )


class DocumentsRule:
    """Only the worker can open the files: unusable ones bar; a sample of odd length is reviewed."""

    min_pages, max_pages = 3, 5

    def check(self, application: InternshipApplication, received_on: date) -> Iterator[Reason]:
        usable = {doc.name: doc for doc in application.documents if doc.present and doc.valid}
        if missing := [name for name in REQUIRED_DOCUMENTS if name not in usable]:
            yield Reason.of(Code.MISSING_DOCUMENT, documents=", ".join(missing))
        sample = usable.get("writing_sample")
        pages = None if sample is None else sample.pages
        limits = {"min_pages": str(self.min_pages), "max_pages": str(self.max_pages)}
        if pages is not None and pages > self.max_pages:
            yield Reason.of(Code.WRITING_SAMPLE_TOO_LONG, pages=str(pages), **limits)
        elif pages is not None and pages < self.min_pages:
            yield Reason.of(Code.WRITING_SAMPLE_TOO_SHORT, pages=str(pages), **limits)


class QualificationsRule:
    """The posting asks for advanced students (reviewed) and for English (required)."""

    def check(self, application: InternshipApplication, received_on: date) -> Iterator[Reason]:
        if application.study_level == "other":
            yield Reason.of(Code.NOT_ADVANCED_STUDENT)
        if application.english_proficiency in {"limited", "none"}:
            yield Reason.of(Code.NO_ENGLISH)


class InternshipDatesRule:
    """Dates must make sense and fit the flexible period of 3 to 4 calendar months.

    The end date is the internship's last day: 1 June to 31 August is three months.
    """

    min_months, max_months = 3, 4

    def check(self, application: InternshipApplication, received_on: date) -> Iterator[Reason]:
        start, end = application.start_date, application.end_date
        if start is None or end is None or start < received_on or end <= start:
            yield Reason.of(Code.DATES_INVALID)
        if start is None or end is None or end <= start:
            return
        day_after = end + timedelta(days=1)
        if (
            not add_months(start, self.min_months)
            <= day_after
            <= add_months(start, self.max_months)
        ):
            yield Reason.of(
                Code.DURATION_OUT_OF_RANGE,
                start_date=start.isoformat(),
                end_date=end.isoformat(),
                min_months=str(self.min_months),
                max_months=str(self.max_months),
            )


INTERNSHIP_RULES = rule_paths(
    TermDeadlineRule, DocumentsRule, QualificationsRule, InternshipDatesRule
)
