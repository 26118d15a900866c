"""Eligibility rules for applications, in pure Python.

Shaped like Django's password validators: rules are configured by dotted path, every rule
runs, and each finding carries a stable code. This module holds the codes, their effects
and messages, and how rules run; the rules live beside the application they read
(`organisation`, `internship`, `donation`), and each form kind names its own
(`kinds/<kind>.py`). No Django import here, so the rules can be
tested without a database and reused by any caller; translation and settings live in the
Django layer.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Protocol, TypeVar


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


# --- Configuration ----------------------------------------------------------------------


def rule_paths(*rules: type) -> tuple[str, ...]:
    """The dotted paths of rule classes, as a kind declares its rules and settings list them."""
    return tuple(f"{rule.__module__}.{rule.__qualname__}" for rule in rules)


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
