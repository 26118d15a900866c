"""The review workflow as data: each step (a transition between review states) is one row.

A row says from which states the step applies, where it leads, who may take it, which
service takes it, what its button says (and asks before it acts), and how the audit log
names it. The services (`services/reviews.py`) check and apply the rows, the admin's
review page draws its buttons from them, the staff API lists the ones its caller may take,
and the log actions are registered from them (wagtail_hooks.py). A step that applies to
some queues only says so with `when`, a condition on the queue's kind (KindSpec).

Membership reaches `approved` only through a ballot: no row leads there from `screening`
for a kind with `committee_vote`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import kinds
from .kinds import KindSpec
from .models.reviews import OPEN_STATUSES
from .models.reviews import ReviewStatus as S


class Action(StrEnum):
    APPROVE_AFFILIATION = "approve_affiliation"
    APPROVE = "approve"
    BALLOT_APPROVED = "ballot_approved"
    BALLOT_DECLINED = "ballot_declined"
    BALLOT_NO_QUORUM = "ballot_no_quorum"
    REOPEN_VOTE = "reopen_vote"
    DECLINE = "decline"
    REQUEST_INFO = "request_info"
    INFO_RECEIVED = "info_received"
    WITHDRAW = "withdraw"


#: The target of INFO_RECEIVED: the state the information request remembered.
RESUME = "resume"


class Who(StrEnum):
    """Who may take a step."""

    REVIEWER = "reviewer"  # the queue's reviewers (review_<queue>)
    SYSTEM = "system"  # nobody presses it: a ballot's result, the applicant's answer


def _always(spec: KindSpec) -> bool:
    return True


def _affiliated(spec: KindSpec) -> bool:
    return bool(spec.affiliation_codes)


def _voted(spec: KindSpec) -> bool:
    return spec.committee_vote


def _decided(spec: KindSpec) -> bool:
    return not spec.committee_vote


@dataclass(frozen=True)
class Step:
    action: str
    sources: frozenset[str]
    target: str
    #: The button's words ("" for a step nobody presses).
    label: str | Promise
    #: The audit log's name for the step, and its sentence in the history.
    log_label: str | Promise
    log_message: str | Promise
    who: str = Who.REVIEWER
    #: The service in services/reviews.py that takes the step: f(review_id, user, **inputs).
    handler: str = ""
    #: Said beside the button: what the step does that cannot be taken back.
    confirm: str | Promise = ""
    #: The step's own inputs: a template under membership_forms/admin/steps/ ("" none).
    inputs: str = ""
    style: str = "button"
    #: The queues it applies to, as a condition on the queue's kind.
    when: Callable[[KindSpec], bool] = _always
    #: The audit log action when it is not the step's own name (a ballot's result).
    log_action: str = ""
    #: Whether taking the step emails the applicant (said in the success message).
    tells_applicant: bool = False

    @property
    def logged_as(self) -> str:
        return self.log_action or self.action

    @property
    def template(self) -> str:
        return f"membership_forms/admin/steps/{self.inputs}.html" if self.inputs else ""


_REQUESTABLE = frozenset({S.AFFILIATION, S.SCREENING, S.COMMITTEE_VOTE, S.NO_QUORUM})

STEPS: tuple[Step, ...] = (
    Step(
        Action.APPROVE_AFFILIATION,
        frozenset({S.AFFILIATION}),
        S.SCREENING,
        _("Approve network affiliation"),
        _("Affiliation approved"),
        _("Network affiliation approved"),
        handler="approve_affiliation",
        when=_affiliated,
    ),
    Step(
        Action.APPROVE,
        frozenset({S.SCREENING}),
        S.COMMITTEE_VOTE,
        _("Approve and send to the committee vote"),
        _("Approved"),
        _("Approved"),
        handler="approve_review",
        confirm=_("The Steering Committee is asked to vote."),
        when=_voted,
    ),
    Step(
        Action.APPROVE,
        frozenset({S.SCREENING}),
        S.APPROVED,
        _("Approve"),
        _("Approved"),
        _("Approved"),
        handler="approve_review",
        confirm=_("The applicant is told of the decision at once."),
        when=_decided,
        tells_applicant=True,
    ),
    # A closed ballot decides the review, one row per result (services/ballots.py).
    *(
        Step(
            action,
            frozenset({S.COMMITTEE_VOTE}),
            result,
            "",
            _("Vote closed"),
            _("Committee vote closed"),
            who=Who.SYSTEM,
            when=_voted,
            log_action="ballot_closed",
        )
        for action, result in (
            (Action.BALLOT_APPROVED, S.APPROVED),
            (Action.BALLOT_DECLINED, S.DECLINED),
            (Action.BALLOT_NO_QUORUM, S.NO_QUORUM),
        )
    ),
    Step(
        Action.REOPEN_VOTE,
        frozenset({S.NO_QUORUM}),
        S.COMMITTEE_VOTE,
        _("Open a new vote"),
        _("Vote reopened"),
        _("New committee vote opened"),
        handler="reopen_vote",
        when=_voted,
    ),
    Step(
        Action.DECLINE,
        frozenset({S.AFFILIATION, S.SCREENING}),
        S.DECLINED,
        _("Decline"),
        _("Declined"),
        _("Declined"),
        handler="decline_review",
        confirm=_("The applicant is told of the decision, with the reason, at once."),
        inputs="decline",
        style="button no",
        tells_applicant=True,
    ),
    Step(
        Action.REQUEST_INFO,
        _REQUESTABLE,
        S.INFO_REQUESTED,
        _("Send the request"),
        _("Information requested"),
        _("Information requested from the applicant"),
        handler="request_information",
        inputs="request_info",
        tells_applicant=True,
    ),
    Step(
        Action.INFO_RECEIVED,
        frozenset({S.INFO_REQUESTED}),
        RESUME,
        "",
        _("Information received"),
        _("The applicant answered"),
        who=Who.SYSTEM,
    ),
    Step(
        Action.WITHDRAW,
        frozenset(OPEN_STATUSES),
        S.WITHDRAWN,
        _("Withdraw at the applicant's request"),
        _("Withdrawn"),
        _("Withdrawn at the applicant's request"),
        handler="withdraw_review",
        confirm=_("The application is closed for good; the applicant is not emailed."),
        style="button button-secondary",
    ),
)

# What else the review log records: not steps, but part of a review's history.
OTHER_LOG_ACTIONS: tuple[tuple[str, str | Promise, str | Promise], ...] = (
    ("open", _("Placed in queue"), _("Placed in its review queue")),
    ("view", _("Viewed"), _("Application viewed")),
    ("download", _("Downloaded"), _("File downloaded")),
    ("view_file", _("File viewed"), _("File viewed in the browser")),
    ("api_read", _("Read through the API"), _("Application read through the API")),
    ("export", _("Exported"), _("Queue exported")),
    ("assign", _("Assigned"), _("Review assigned")),
    ("assign_undone", _("Assignment undone"), _("Assignment undone")),
    ("comment", _("Commented"), _("Comment added")),
    ("comment_deleted", _("Comment deleted"), _("Comment deleted")),
    ("rescreen", _("Screened again"), _("Screened again after the applicant's answers")),
    ("ballot_opened", _("Vote opened"), _("Committee vote opened")),
    ("vote", _("Voted"), _("Vote cast")),
    ("flag", _("Flagged"), _("Flagged: its term has closed")),
    ("purge", _("Personal data removed"), _("Personal data removed (retention)")),
    ("reminder", _("Reminder"), _("Reminder sent")),
)


def log_actions() -> list[tuple[str, str | Promise, str | Promise]]:
    """(action, label, message) for every review log action, each once."""
    seen: dict[str, tuple[str, str | Promise, str | Promise]] = {}
    for step in STEPS:
        seen.setdefault(step.logged_as, (step.logged_as, step.log_label, step.log_message))
    for action, label, message in OTHER_LOG_ACTIONS:
        seen.setdefault(action, (action, label, message))
    return list(seen.values())


def spec_of(queue: str) -> KindSpec:
    spec = kinds.for_queue(queue)
    if spec is None:
        raise LookupError(f"No kind has the queue {queue!r}")
    return spec


def step_for(status: str, action: str, queue: str) -> Step | None:
    """The row that `action` takes from `status` in `queue`, or None."""
    spec = spec_of(queue)
    for step in STEPS:
        if step.action == action and status in step.sources and step.when(spec):
            return step
    return None


def steps_from(status: str, queue: str, who: str = Who.REVIEWER) -> list[Step]:
    """The steps `who` may take from `status` in `queue`, in the table's order."""
    spec = spec_of(queue)
    return [
        step for step in STEPS if step.who == who and status in step.sources and step.when(spec)
    ]


def done_message(step: Step, name: str, language: str) -> str:
    """What the reviewer is told once `step` is taken on `name`'s application: the row's
    log label, the name, and (when the step emails the applicant) in which language."""
    if step.tells_applicant:
        return _("%(done)s: %(name)s; the applicant has been emailed in %(language)s.") % {
            "done": step.log_label,
            "name": name,
            "language": language,
        }
    return _("%(done)s: %(name)s.") % {"done": step.log_label, "name": name}


def actions() -> set[str]:
    return {step.action for step in STEPS}
