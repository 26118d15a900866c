"""The review detail in words: the screening in the staff member's language, the
confirmation asked before a step that cannot be taken back, and the message once taken."""

from __future__ import annotations

import contextlib

from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import workflow
from .countries import country_name
from .eligibility.core import MESSAGES
from .models import DeclineReason, Review, ScreeningOutcome

EFFECT_LABELS = {
    "ineligible": gettext_lazy("makes it ineligible"),
    "review": gettext_lazy("needs a person's review"),
    "info": gettext_lazy("for information"),
}


def answers_for_staff(submission) -> list[tuple[str, object]]:
    """(label, answer) in the form's order of keys: each answer in words (see answer_words)."""
    page = submission.page.specific if submission.page else None
    specs = {spec.key: spec for spec in page.get_field_specs()} if page else {}
    payload = dict(submission.payload or {})
    payload.pop("additional", None)
    return [
        (str(specs[key].label) if key in specs else key, answer_words(specs.get(key), value))
        for key, value in payload.items()
    ]


def language_name(code: str) -> str:
    """A language's name in the active language ("French" for fr), or the code."""
    try:
        return str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        return code


def screening_for_staff(screening: dict) -> dict:
    """The stored screening, the outcome and each reason's explanation and effect in the
    staff member's language."""
    reasons = []
    for reason in screening.get("reasons", []):
        text = MESSAGES.get(reason.get("code", ""))  # type: ignore[call-overload]
        message = reason.get("message", "")
        if text:
            with contextlib.suppress(KeyError, TypeError, ValueError):
                message = _(text) % dict(reason.get("params") or {})
        effect = EFFECT_LABELS.get(reason.get("effect", ""), reason.get("effect", ""))
        reasons.append({**reason, "message": message, "effect_label": str(effect)})
    outcome = ScreeningOutcome.label_of(str(screening.get("outcome", "")))
    return {**screening, "reasons": reasons, "outcome_label": outcome}


def done_message(review: Review, step: workflow.Step) -> str:
    """The success message from the workflow row: the step, whose application, which language."""
    submission = review.submission
    name = (submission.payload or {}).get("organisation_name") or submission.applicant_name
    language = language_name(submission.locale or "en")
    return workflow.done_message(step, str(name or review), language)


def confirm_page(request, review: Review, step: workflow.Step):
    """Asked before a step that cannot be taken back; posts the same inputs, confirmed."""
    inputs = [
        (key, value)
        for key, values in request.POST.lists()
        if key not in ("csrfmiddlewaretoken", "confirmed")
        for value in values
    ]
    submission = review.submission
    reason = None
    if step.inputs == "decline" and str(request.POST.get("reason", "")).isdigit():
        chosen = DeclineReason.objects.filter(pk=request.POST["reason"]).first()
        reason = chosen.localized if chosen else None  # in the reviewer's language
    return TemplateResponse(
        request,
        "membership_forms/admin/review_confirm.html",
        {
            "review": review,
            "step": step,
            "inputs": inputs,
            "header_title": isolated(str(review)),
            "applicant": submission.applicant_name,
            "organisation": (submission.payload or {}).get("organisation_name", ""),
            "reason": reason,
        },
    )


def answer_words(spec, value):
    """An answer as staff read it: a choice's label, a country's name (admin language)."""
    if spec is None:
        return value
    if spec.choices and isinstance(value, list):
        labels = dict(spec.choices)
        return ", ".join(str(labels.get(item, item)) for item in value)
    if not isinstance(value, str):
        return value
    if spec.choices:
        return str(dict(spec.choices).get(value, value))
    if spec.type == "country" and value:
        return country_name(value, translation.get_language() or "en")
    return value


def isolated(reference: str) -> str:
    """A reference kept left to right inside right-to-left text (Arabic): "MEM-0000012"
    must not come out as "0000012-MEM". Unicode isolates work in the page title too."""
    return f"\u2066{reference}\u2069"


def assigned_message(review: Review, user) -> str:
    """Said once an assignment changed: to whom, and that it may be undone for a while."""
    submission = review.submission
    name = str((submission.payload or {}).get("organisation_name") or submission.applicant_name)
    if review.assigned_to_id == user.pk:
        said = _("Assigned to you: %(name)s.") % {"name": name or review}
    else:
        said = _("Unassigned: %(name)s.") % {"name": name or review}
    return " ".join([said, _("You may undo this on the page for ten minutes.")])


def vote_message(vote) -> str:
    """Said once a member voted: their vote, then what it did to the ballot."""
    said = _("Vote recorded: %(choice)s.") % {"choice": vote.get_choice_display()}
    ballot = vote.ballot
    ballot.refresh_from_db(fields=["closed_at", "result"])
    if ballot.closed_at:
        return " ".join(
            [said, _("The vote is closed: %(result)s.") % {"result": ballot.get_result_display()}]
        )
    cast = ballot.votes.count()
    needed = ngettext(
        "%(cast)d vote of the %(quorum)d the quorum needs has been cast.",
        "%(cast)d votes of the %(quorum)d the quorum needs have been cast.",
        cast,
    ) % {"cast": cast, "quorum": ballot.quorum}
    return " ".join([said, needed])
