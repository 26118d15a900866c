"""The donation rule: a large single gift is confirmed by a person first."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .core import Code, Reason, rule_paths


@dataclass(frozen=True)
class DonationApplication:
    amount: Decimal
    frequency: str  # "one_time" or "monthly"
    review_threshold: Decimal | None = None


class DonationAmountRule:
    """A large single gift is confirmed by a person before it is processed."""

    def check(self, application: DonationApplication, received_on: date) -> Iterator[Reason]:
        threshold = application.review_threshold
        one_time = application.frequency == "one_time"
        if one_time and threshold is not None and application.amount > threshold:
            yield Reason.of(Code.AMOUNT_REVIEW, amount=str(application.amount))


DONATION_RULES = rule_paths(DonationAmountRule)
