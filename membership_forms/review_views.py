"""The review queues in the Wagtail admin: a listing per queue, a detail page, actions.

Views check the queue permission, read, and hand every change to `services.reviews`.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.log_actions import registry as log_registry

from . import review_detail_parts as parts
from . import review_detail_words as detail_words
from . import workflow
from .countries import country_name
from .models import (
    DeclineReason,
    Export,
    ExportFormat,
    Review,
    ReviewComment,
    ReviewLogEntry,
    ReviewQueue,
    ReviewStatus,
    ScreeningOutcome,
    VoteChoice,
)
from .models.kind_pages import term_name
from .regions import REGIONS
from .services import exports
from .services import reviews as services
from .services.review_undo import CommentNotDeletable, comment_deletable, delete_comment
from .services.review_undo import undo_assignment as undo_assignment_service


def _queue_or_404(request, queue: str) -> str:
    if queue not in ReviewQueue.values:
        raise Http404
    if not services.can_see_queue(request.user, queue):
        raise PermissionDenied
    return queue


def _review_actions():
    return [
        (action, label)
        for action, label in log_registry.get_choices()
        if action.startswith("membership_forms.review.")
    ]


class HistoryFilterForm(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    reference = forms.CharField(label=gettext_lazy("Reference"), required=False, max_length=20)
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "---"), *_review_actions()]

    def filter(self, entries):
        if not self.is_valid():
            return entries
        data = self.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["reference"]:
            entries = entries.filter(label__iexact=data["reference"].strip())
        if data["date_from"]:
            entries = entries.filter(timestamp__date__gte=data["date_from"])
        if data["date_to"]:
            entries = entries.filter(timestamp__date__lte=data["date_to"])
        return entries


def queue_history(request, queue: str):
    """A queue's audit log: every view, download, export and decision, newest first."""
    queue = _queue_or_404(request, queue)
    entries = (
        ReviewLogEntry.objects.viewable_by_user(request.user)
        .filter(queue=queue)
        .select_related("user", "content_type")
    )
    form = HistoryFilterForm(request.GET or None)
    entries = form.filter(entries)
    page = Paginator(entries, 50).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    review_type = ContentType.objects.get_for_model(Review)
    return TemplateResponse(
        request,
        "membership_forms/admin/queue_history.html",
        {
            "entries": page,
            "form": form,
            "queue": queue,
            "query": query.urlencode(),
            "review_type_id": review_type.pk,
            "header_title": _("History: %(queue)s") % {"queue": ReviewQueue(queue).label},
        },
    )


def _review_for(request, pk: int) -> Review:
    review = get_object_or_404(
        Review.objects.select_related("submission__page", "assigned_to", "decline_reason"), pk=pk
    )
    if not services.can_see_queue(request.user, review.queue):
        raise PermissionDenied
    return review


def review_detail(request, pk: int):
    review = _review_for(request, pk)
    submission = review.submission
    page = submission.page.specific if submission.page else None
    labels = {spec.key: spec.label for spec in page.get_field_specs()} if page else {}
    additional = (submission.payload or {}).get("additional", {})
    answers = detail_words.answers_for_staff(submission)
    services.record_access(review, request.user, "view")
    ballot = review.ballots.order_by("-opened_at").first()
    user = request.user
    can_review = services.can_review(user, review.queue)
    user_vote = None
    if ballot is not None:
        user_vote = ballot.votes.filter(voter=user).first()
    steps = services.allowed_steps(review, user)
    comments = list(review.comments.select_related("author"))
    return TemplateResponse(
        request,
        "membership_forms/admin/review_detail.html",
        {
            "review": review,
            "submission": submission,
            "answers": answers,
            "additional": [
                (request_id, [(labels.get(k, k), v) for k, v in values.items()])
                for request_id, values in additional.items()
            ],
            "files": parts.files_for(submission, labels),
            "duplicates": parts.duplicates(user, submission, review),
            "neighbours": parts.neighbours(review),
            "undo": parts.undoable_assignment(request, review) if can_review else None,
            "can_download": user.has_perm("membership_forms.download_submissionfile"),
            "screening": detail_words.screening_for_staff(submission.screening or {}),
            "outcome_label": ScreeningOutcome.label_of(review.outcome) if review.outcome else "",
            "ballot": ballot,
            "votes": ballot.votes.select_related("voter") if ballot else [],
            "history": log_registry.get_logs_for_instance(review).select_related("user"),
            "comments": comments,
            # The comments this user wrote in the last ten minutes: a Delete button each.
            "deletable": {comment.pk for comment in comments if comment_deletable(comment, user)},
            "can_review": can_review,
            "can_vote": (
                ballot is not None
                and ballot.closed_at is None
                and services.can_vote(user)
                and ballot.electorate.filter(pk=user.pk).exists()
            ),
            "user_vote": user_vote,
            # The workflow rows this user may take now: one form and button each.
            "steps": steps,
            "vote_choices": VoteChoice.choices,
            "decline_reasons": services.decline_reasons_for(
                review.queue, translation.get_language() or "en"
            ),
            # Said beside (and disabling) a button that would open a committee vote.
            "vote_shortfall": (
                services.vote_shortfall()
                if any(step.target == ReviewStatus.COMMITTEE_VOTE for step in steps)
                else ""
            ),
            "country_name": country_name(review.country, translation.get_language() or "en"),
            "region_name": REGIONS.get(review.region, ""),
            "term_name": term_name(review.term) if review.term else "",
            "fields": [(spec.key, spec.label) for spec in page.get_field_specs()] if page else [],
            "header_title": detail_words.isolated(str(review)),
        },
    )


def _decline_inputs(data) -> dict:
    reason = get_object_or_404(DeclineReason, pk=data.get("reason") or 0)
    return {"reason_id": reason.pk}


def _request_info_inputs(data) -> dict:
    return {"message": data.get("message", ""), "fields": data.getlist("fields")}


# What each kind of step form posts (workflow.Step.inputs), as its handler takes it.
STEP_INPUTS = {
    "": lambda data: {},
    "decline": _decline_inputs,
    "request_info": _request_info_inputs,
}


def _step(review: Review, user, action: str) -> workflow.Step:
    """The workflow row `user` asks to take on `review` (404 for an unknown or system step)."""
    if action not in workflow.actions():
        raise Http404
    if not services.can_review(user, review.queue):
        raise PermissionDenied
    step = services.step_for(review, action)
    if not step.handler:  # a step nobody presses (a ballot's result)
        raise Http404
    return step


@require_POST
def review_action(request, pk: int, action: str):
    review = _review_for(request, pk)
    user, data = request.user, request.POST
    done = _("Done.")
    try:
        if action == "assign":
            previous = review.assigned_to_id
            review = services.assign_review(review.pk, user, user if data.get("me") else None)
            parts.remember_assignment(request, review, previous)
            done = detail_words.assigned_message(review, user)
        elif action == "comment":
            if not data.get("text", "").strip():
                messages.error(request, _("Write a comment first."))
                return redirect("membership_forms_review", review.pk)
            services.comment_on_review(review.pk, user, data["text"])
        elif action == "vote":
            vote = services.cast_vote(
                review.pk, user, data.get("choice", ""), data.get("comment", "")
            )
            done = detail_words.vote_message(vote)
        else:
            step = _step(review, user, action)
            if step.confirm and data.get("confirmed") != "1":
                return detail_words.confirm_page(request, review, step)
            inputs = STEP_INPUTS[step.inputs](data)
            getattr(services, step.handler)(review.pk, user, **inputs)
            review.refresh_from_db()
            done = detail_words.done_message(review, step)
    except (services.TransitionNotAllowed, ValueError) as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(reverse("membership_forms_review", args=[review.pk]))
    messages.success(request, done)
    return HttpResponseRedirect(reverse("membership_forms_review", args=[review.pk]))


@require_POST
def undo_assignment(request, pk: int):
    """Take back the assignment this reviewer just made (kept in their session for a few
    minutes), provided nobody changed it since."""
    review = _review_for(request, pk)
    if not services.can_review(request.user, review.queue):
        raise PermissionDenied
    entry = parts.undoable_assignment(request, review)
    if entry is None:
        messages.error(request, _("This assignment can no longer be undone."))
        return redirect("membership_forms_review", review.pk)
    try:
        undo_assignment_service(review.pk, request.user, entry["assigned"], entry["previous"])
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Assignment undone."))
    request.session.pop(parts.UNDO_KEY, None)
    return redirect("membership_forms_review", review.pk)


@require_POST
def delete_comment_view(request, pk: int):
    """Delete one's own comment within ten minutes of writing it; else a page saying why."""
    comment = get_object_or_404(ReviewComment.objects.select_related("review"), pk=pk)
    review = _review_for(request, comment.review_id)
    try:
        delete_comment(comment.pk, request.user)
    except CommentNotDeletable as error:
        return TemplateResponse(
            request,
            "membership_forms/admin/refused.html",
            {"header_title": _("Comment not deleted"), "message": str(error), "review": review},
            status=403,
        )
    messages.success(request, _("Comment deleted."))
    return redirect("membership_forms_review", review.pk)


@require_POST
def request_queue_export(request, queue: str):
    queue = _queue_or_404(request, queue)
    fmt = request.POST.get("format", "csv")
    if fmt not in ExportFormat.values:
        raise Http404
    exports.request_export(request.user, queue, fmt)
    messages.success(request, _("The export is being prepared; it will appear below."))
    return HttpResponseRedirect(reverse("membership_forms_exports"))


def export_list(request):
    if not services.visible_queues(request.user):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "membership_forms/admin/export_list.html",
        {
            "exports": Export.objects.filter(requested_by=request.user)[:50],
            "header_title": _("My exports"),
        },
    )


def download_export(request, pk: int):
    export = get_object_or_404(Export, pk=pk, requested_by=request.user)
    handle = exports.open_export(export, request.user)
    response = FileResponse(
        handle, as_attachment=True, filename=f"{export.queue}-{export.pk}.{export.format}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
