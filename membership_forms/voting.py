"""Committee vote counting: pure Python, no Django, so the rule is testable alone.

A decision is taken as soon as it can no longer change (whatever the members who have
not voted yet would vote), or when voting closes (deadline, or every member voted).
Abstentions count towards the quorum, not towards the majority.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction


class Majority(StrEnum):
    SIMPLE = "simple"  # more than half of the votes for and against
    TWO_THIRDS = "two_thirds"  # at least two thirds of them


class Result(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    NO_QUORUM = "no_quorum"


@dataclass(frozen=True)
class Tally:
    approve: int
    decline: int
    abstain: int
    electorate: int  # members entitled to vote, fixed when the vote opened

    @property
    def cast(self) -> int:
        return self.approve + self.decline + self.abstain

    @property
    def remaining(self) -> int:
        return max(self.electorate - self.cast, 0)


def passes(approve: int, decline: int, majority: Majority) -> bool:
    if approve + decline == 0:
        return False
    share = Fraction(approve, approve + decline)
    if majority == Majority.SIMPLE:
        return share > Fraction(1, 2)
    return share >= Fraction(2, 3)


def decide(tally: Tally, quorum: int, majority: Majority, closing: bool = False) -> Result | None:
    """The result, or None while the vote is still open and undecided."""
    closing = closing or tally.remaining == 0
    if tally.cast < quorum:
        return Result.NO_QUORUM if closing else None
    if closing:
        return (
            Result.APPROVED if passes(tally.approve, tally.decline, majority) else Result.DECLINED
        )
    if passes(tally.approve, tally.decline + tally.remaining, majority):
        return Result.APPROVED  # approved even if everyone left votes against
    if not passes(tally.approve + tally.remaining, tally.decline, majority):
        return Result.DECLINED  # cannot pass even if everyone left votes for
    return None
