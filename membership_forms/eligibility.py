"""Eligibility rules for applications, in pure Python.

Shaped like Django's password validators: rules are configured by dotted path, every rule
runs, and each finding carries a stable code. No Django import here, so the rules can be
tested without a database and reused by any caller; translation and settings live in the
Django layer.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from .terms import add_months, next_open_term, parse_term, term_deadline


def gettext_noop(s: str) -> str:
    """Mark a message for extraction by makemessages; the Django layer translates it."""
    return s


class Effect(StrEnum):
    INELIGIBLE = "ineligible"
    REVIEW = "review"
    INFO = "info"


class Outcome(StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    NEEDS_REVIEW = "needs_review"


class Code(StrEnum):
    """Reason codes: part of the public contract (the staff API shows them)."""

    GOVERNMENT_CONTROLLED = "GOVERNMENT_CONTROLLED"
    NOT_INDEPENDENT = "NOT_INDEPENDENT"
    INDIVIDUAL_APPLICANT = "INDIVIDUAL_APPLICANT"
    FOR_PROFIT = "FOR_PROFIT"
    NO_ENDORSEMENT = "NO_ENDORSEMENT"
    NOT_REGISTERED = "NOT_REGISTERED"
    NO_RTOP_PROGRAMME = "NO_RTOP_PROGRAMME"
    NETWORK_AFFILIATION = "NETWORK_AFFILIATION"
    SUGGEST_MEMBERSHIP = "SUGGEST_MEMBERSHIP"
    LATE_APPLICATION = "LATE_APPLICATION"
    MISSING_DOCUMENT = "MISSING_DOCUMENT"
    WRITING_SAMPLE_TOO_LONG = "WRITING_SAMPLE_TOO_LONG"
    WRITING_SAMPLE_TOO_SHORT = "WRITING_SAMPLE_TOO_SHORT"
    NOT_ADVANCED_STUDENT = "NOT_ADVANCED_STUDENT"
    NO_ENGLISH = "NO_ENGLISH"
    DURATION_OUT_OF_RANGE = "DURATION_OUT_OF_RANGE"
    DATES_INVALID = "DATES_INVALID"
    AMOUNT_REVIEW = "AMOUNT_REVIEW"


# The contract of ELIGIBILITY.md: each code's effect on the outcome.
EFFECTS: dict[Code, Effect] = {
    Code.GOVERNMENT_CONTROLLED: Effect.INELIGIBLE,
    Code.NOT_INDEPENDENT: Effect.INELIGIBLE,
    Code.INDIVIDUAL_APPLICANT: Effect.INELIGIBLE,
    Code.FOR_PROFIT: Effect.INELIGIBLE,
    Code.NO_ENDORSEMENT: Effect.INELIGIBLE,
    Code.NOT_REGISTERED: Effect.REVIEW,
    Code.NO_RTOP_PROGRAMME: Effect.INELIGIBLE,
    Code.NETWORK_AFFILIATION: Effect.REVIEW,
    Code.SUGGEST_MEMBERSHIP: Effect.INFO,
    Code.LATE_APPLICATION: Effect.INELIGIBLE,
    Code.MISSING_DOCUMENT: Effect.INELIGIBLE,
    Code.WRITING_SAMPLE_TOO_LONG: Effect.REVIEW,
    Code.WRITING_SAMPLE_TOO_SHORT: Effect.REVIEW,
    Code.NOT_ADVANCED_STUDENT: Effect.REVIEW,
    Code.NO_ENGLISH: Effect.INELIGIBLE,
    Code.DURATION_OUT_OF_RANGE: Effect.REVIEW,
    Code.DATES_INVALID: Effect.INELIGIBLE,
    Code.AMOUNT_REVIEW: Effect.REVIEW,
}

# Each code's message for the applicant, translated by the Django layer.
MESSAGES: dict[Code, str] = {
    Code.GOVERNMENT_CONTROLLED: gettext_noop(
        "The Coalition is open only to non-governmental organisations. Organisations "
        "operated or controlled by a government are not eligible."
    ),
    Code.NOT_INDEPENDENT: gettext_noop(
        "Members and NGO Supporters must operate independently, with neutrality and "
        "impartiality, free of government influence."
    ),
    Code.INDIVIDUAL_APPLICANT: gettext_noop(
        "Membership is open to organisations, not to individuals. You are welcome to support "
        "the Responsibility to Protect in other ways, for example through our newsletter."
    ),
    Code.FOR_PROFIT: gettext_noop(
        "A private company cannot join as a whole; only its not-for-profit component may apply."
    ),
    Code.NO_ENDORSEMENT: gettext_noop(
        "Members and NGO Supporters must endorse the common understanding of the "
        "Responsibility to Protect and the founding purpose of the Coalition."
    ),
    Code.NOT_REGISTERED: gettext_noop(
        "Your organisation is not legally registered or formally recognised where it is "
        "based. Our team will review your application."
    ),
    Code.NO_RTOP_PROGRAMME: gettext_noop(
        "Full membership asks for an active programme related to the Responsibility to "
        "Protect and a commitment to work with the Coalition. We recommend applying as an "
        "NGO Supporter instead."
    ),
    Code.NETWORK_AFFILIATION: gettext_noop(
        "National and regional networks need the Secretariat's prior approval to be "
        "affiliated in name with the Coalition. The Secretariat will review your application "
        "before the Steering Committee decides."
    ),
    Code.SUGGEST_MEMBERSHIP: gettext_noop(
        "Your organisation runs a programme related to the Responsibility to Protect and is "
        "willing to commit to the Coalition: you may wish to apply for full membership."
    ),
    Code.LATE_APPLICATION: gettext_noop(
        "Applications for the %(term)s internship closed on %(deadline)s. The next open "
        "term is %(next_term)s."
    ),
    Code.MISSING_DOCUMENT: gettext_noop(
        "We could not read these documents: %(documents)s. Please send each one again as a "
        "PDF or DOCX file."
    ),
    Code.WRITING_SAMPLE_TOO_LONG: gettext_noop(
        "Your writing sample has %(pages)s pages, more than the %(max_pages)s we ask for. Our "
        "team will review it."
    ),
    Code.WRITING_SAMPLE_TOO_SHORT: gettext_noop(
        "Your writing sample has %(pages)s pages, fewer than the %(min_pages)s we ask for. Our "
        "team will review it."
    ),
    Code.NOT_ADVANCED_STUDENT: gettext_noop(
        "The internship is meant for advanced undergraduate and graduate students. Our team "
        "will review your application."
    ),
    Code.NO_ENGLISH: gettext_noop("The internship requires proficiency in English."),
    Code.DURATION_OUT_OF_RANGE: gettext_noop(
        "Internships last %(min_months)s to %(max_months)s months; the dates you gave "
        "(%(start_date)s to %(end_date)s) fall outside that range. Our team will review them."
    ),
    Code.DATES_INVALID: gettext_noop(
        "Please check the internship dates: the start date cannot be in the past, and the end "
        "date must come after it."
    ),
    Code.AMOUNT_REVIEW: gettext_noop(
        "Thank you for your generous gift. Donations of this size are confirmed by our team "
        "before they are processed."
    ),
}


class Kind(StrEnum):
    MEMBERSHIP = "membership"
    SUPPORTER = "supporter"
    INTERNSHIP = "internship"
    DONATION = "donation"
    NEWSLETTER = "newsletter"


# --- Inputs: built by the worker from the stored submission -----------------------------


@dataclass(frozen=True)
class OrganisationApplication:
    kind: str  # Kind.MEMBERSHIP or Kind.SUPPORTER
    organisation_type: str
    legally_registered: bool
    government_controlled: bool
    independent: bool
    endorses_common_understanding: bool
    has_rtop_programme: bool
    willing_to_commit: bool
    network_scope: str | None = None


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


@dataclass(frozen=True)
class DonationApplication:
    amount: Decimal
    frequency: str  # "one_time" or "monthly"
    review_threshold: Decimal | None = None


# --- Outputs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """One finding: a stable code, its effect, and a message for the applicant."""

    code: Code
    effect: Effect
    message: str
    params: Mapping[str, str] = field(default_factory=dict, hash=False)

    @classmethod
    def of(cls, code: Code, **params: str) -> Reason:
        """A reason with the effect and message that EFFECTS and MESSAGES fix for its code."""
        return cls(code, EFFECTS[code], MESSAGES[code], params)

    @property
    def text(self) -> str:
        """The untranslated message with its placeholders filled in."""
        return self.message % dict(self.params)


@dataclass(frozen=True)
class Result:
    """Every reason the rules gave; the outcome is derived, so it cannot disagree with them."""

    reasons: tuple[Reason, ...] = ()

    @property
    def outcome(self) -> Outcome:
        """Any ineligible reason wins; review reasons come next; INFO never counts."""
        effects = {reason.effect for reason in self.reasons}
        if Effect.INELIGIBLE in effects:
            return Outcome.INELIGIBLE
        if Effect.REVIEW in effects:
            return Outcome.NEEDS_REVIEW
        return Outcome.ELIGIBLE

    @property
    def codes(self) -> tuple[Code, ...]:
        """Each code once, in the order the rules reported it."""
        return tuple(dict.fromkeys(reason.code for reason in self.reasons))


A = TypeVar("A")
A_contra = TypeVar("A_contra", contravariant=True)


class Rule(Protocol[A_contra]):
    """Anything with this method is a rule, as any class with validate() is a validator."""

    def check(self, application: A_contra, received_on: date) -> Iterable[Reason]: ...


def evaluate(application: A, rules: Iterable[Rule[A]], received_on: date) -> Result:
    """Run every rule and keep every reason, so the applicant learns everything at once."""
    return Result(tuple(r for rule in rules for r in rule.check(application, received_on)))


# --- Organisation rules (Member and NGO Supporter) --------------------------------------


class GovernmentControlledRule:
    """Only non-governmental organisations, independent of government influence, may join."""

    def check(self, application: OrganisationApplication, received_on: date) -> Iterator[Reason]:
        if application.government_controlled:
            yield Reason.of(Code.GOVERNMENT_CONTROLLED)
        if not application.independent:
            yield Reason.of(Code.NOT_INDEPENDENT)


class OrganisationTypeRule:
    """Individuals and whole companies cannot join; a company's not-for-profit arm can."""

    def check(self, application: OrganisationApplication, received_on: date) -> Iterator[Reason]:
        if application.organisation_type == "individual":
            yield Reason.of(Code.INDIVIDUAL_APPLICANT)
        elif application.organisation_type == "private_company":
            yield Reason.of(Code.FOR_PROFIT)


class EndorsementRule:
    """Every Member and Supporter endorses the common understanding of RtoP."""

    def check(self, application: OrganisationApplication, received_on: date) -> Iterator[Reason]:
        if not application.endorses_common_understanding:
            yield Reason.of(Code.NO_ENDORSEMENT)


class RegistrationRule:
    """Registration is asked, not a stated bar, so a person looks at it."""

    def check(self, application: OrganisationApplication, received_on: date) -> Iterator[Reason]:
        if not application.legally_registered:
            yield Reason.of(Code.NOT_REGISTERED)


class MembershipCategoryRule:
    """Full Members run RtoP work and commit to the Coalition; Supporters who do may upgrade."""

    def check(self, application: OrganisationApplication, received_on: date) -> Iterator[Reason]:
        committed = application.has_rtop_programme and application.willing_to_commit
        if application.kind == Kind.MEMBERSHIP and not committed:
            yield Reason.of(Code.NO_RTOP_PROGRAMME)
        elif application.kind == Kind.SUPPORTER and committed:
            yield Reason.of(Code.SUGGEST_MEMBERSHIP)


class NetworkAffiliationRule:
    """Networks need the Secretariat's prior approval to carry the Coalition's name."""

    def check(self, application: OrganisationApplication, received_on: date) -> Iterator[Reason]:
        is_network = application.organisation_type == "network" or bool(application.network_scope)
        if application.kind == Kind.MEMBERSHIP and is_network:
            yield Reason.of(Code.NETWORK_AFFILIATION)


# --- Internship rules -------------------------------------------------------------------

REQUIRED_DOCUMENTS = ("cover_letter", "resume", "writing_sample")


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


# --- Donation rules ---------------------------------------------------------------------


class DonationAmountRule:
    """A large single gift is confirmed by a person before it is processed."""

    def check(self, application: DonationApplication, received_on: date) -> Iterator[Reason]:
        threshold = application.review_threshold
        one_time = application.frequency == "one_time"
        if one_time and threshold is not None and application.amount > threshold:
            yield Reason.of(Code.AMOUNT_REVIEW, amount=str(application.amount))


# --- Configuration ----------------------------------------------------------------------


def _paths(*rules: type) -> list[str]:
    return [f"{rule.__module__}.{rule.__qualname__}" for rule in rules]


_ORGANISATION = (GovernmentControlledRule, OrganisationTypeRule, EndorsementRule, RegistrationRule)

# Kind -> dotted paths of rule classes, so a settings dict can replace any list.
DEFAULT_RULES: dict[str, list[str]] = {
    Kind.MEMBERSHIP.value: _paths(*_ORGANISATION, MembershipCategoryRule, NetworkAffiliationRule),
    Kind.SUPPORTER.value: _paths(*_ORGANISATION, MembershipCategoryRule),
    Kind.INTERNSHIP.value: _paths(
        TermDeadlineRule, DocumentsRule, QualificationsRule, InternshipDatesRule
    ),
    Kind.DONATION.value: _paths(DonationAmountRule),
    Kind.NEWSLETTER.value: [],
}


def import_rules(paths: Iterable[str]) -> list[Rule[Any]]:
    """Instantiate the rule classes named by dotted paths, as settings list them."""
    rules: list[Rule[Any]] = []
    for path in paths:
        module_path, _, class_name = path.rpartition(".")
        try:
            rule_class = getattr(importlib.import_module(module_path), class_name)
        except (ValueError, AttributeError) as error:
            raise ImportError(f"No eligibility rule at {path!r}") from error
        rules.append(rule_class())
    return rules
