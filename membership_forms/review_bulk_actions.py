"""Bulk actions on a review queue's listing, on Wagtail's own bulk-action machinery (the
checkbox column, the footer, `wagtail_bulk_action` URLs): assign to me, unassign, decline
with a reason, export the ticked items.

Each item goes through the same service as the single action (permissions, the workflow's
rows, the audit log, emails queued after commit). An item whose status does not allow the
step is skipped, and the message says how many were done, how many skipped and why.
Only someone who reviews every ticked item's queue may act (`can_review`); anybody else is
refused as a whole (PermissionDenied), nothing done.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.views.bulk_action import BulkAction

from . import kinds, workflow
from .models import CLOSED_STATUSES, Review, ReviewStatus
from .services import reviews as services

CONFIRM = "membership_forms/admin/bulk/confirm.html"


def applicant_name(review: Review) -> str:
    spec = kinds.for_queue(review.queue)
    payload = review.submission.payload or {}
    return str(payload.get(spec.name_field, "")) if spec else ""


def skipped_words(skipped: Counter) -> str:
    """Why items were skipped, in words: "2 skipped: their status, Approved, does not
    allow this step"; one clause per reason."""
    return "; ".join(
        ngettext("%(count)d skipped: %(reason)s", "%(count)d skipped: %(reason)s", count)
        % {"count": count, "reason": reason}
        for reason, count in skipped.items()
    )


def status_reason(review: Review) -> str:
    return _("its status, %(status)s, does not allow this step") % {
        "status": ReviewStatus(review.status).label
    }


class ReviewBulkAction(BulkAction):
    """The frame of every queue bulk action: the ticked reviews, refused as a whole to
    anyone who does not review their queue."""

    models = [Review]
    template_name = CONFIRM
    action_priority = 100
    explanation: str | Promise = ""

    @staticmethod
    def done_message(count: int) -> str:
        raise NotImplementedError

    @classmethod
    def get_queryset(cls, model, object_ids):
        ids = [value for value in object_ids if str(value).isdigit()]
        reviews = Review.objects.filter(pk__in=ids).select_related("submission")
        return list(reviews.order_by("submitted_at", "pk"))

    def get_all_objects_in_listing_query(self, parent_id):
        return []  # the footer never offers "all in listing": only ticked rows count

    def check_perm(self, obj):
        return services.can_review(self.request.user, obj.queue)

    def dispatch(self, request, *args, **kwargs):
        objects, refused = self.get_actionable_objects()
        if refused["items_with_no_access"]:
            raise PermissionDenied
        if not objects:
            raise Http404
        self.queue = objects[0].queue
        return super().dispatch(request, *args, **kwargs)

    def object_context(self, obj):
        return {
            "item": obj,
            "name": applicant_name(obj),
            "status": ReviewStatus(obj.status).label,
            "url": reverse("membership_forms_review", args=[obj.pk]),
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "header_title": self.display_name,
            "action_text": self.display_name,
            "explanation": self.explanation,
        }

    def get_execution_context(self):
        return {"action": self}

    def skip_reason(self, review: Review) -> str:
        """Why `review` is skipped ("" when the step applies)."""
        if review.status in CLOSED_STATUSES:
            return status_reason(review)
        return ""

    def act(self, review: Review) -> None:
        raise NotImplementedError

    @classmethod
    def execute_action(cls, objects, action=None, **kwargs):
        assert action is not None
        done, skipped = 0, Counter()
        for review in objects:
            reason = action.skip_reason(review)
            if not reason:
                try:
                    action.act(review)
                except services.TransitionNotAllowed:
                    reason = status_reason(review)
                except ValueError as error:
                    reason = str(error)
            if reason:
                skipped[reason] += 1
            else:
                done += 1
        action.done, action.skipped = done, skipped
        return done, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        message = self.done_message(num_parent_objects) % {"count": num_parent_objects}
        if self.skipped:
            message = f"{message} {skipped_words(self.skipped)}."
        return message


class AssignToMe(ReviewBulkAction):
    display_name = gettext_lazy("Assign to me")
    aria_label = gettext_lazy("Assign the selected applications to me")
    action_type = "assign_to_me"
    action_priority = 10
    explanation = gettext_lazy("You become the reviewer of these applications.")

    @staticmethod
    def done_message(count):
        return ngettext(
            "%(count)d application assigned to you.",
            "%(count)d applications assigned to you.",
            count,
        )

    def skip_reason(self, review):
        if super().skip_reason(review):
            return super().skip_reason(review)
        return _("already assigned to you") if review.assigned_to_id == self.request.user.pk else ""

    def act(self, review):
        services.assign_review(review.pk, self.request.user, self.request.user)


class Unassign(ReviewBulkAction):
    display_name = gettext_lazy("Unassign")
    aria_label = gettext_lazy("Take the reviewer off the selected applications")
    action_type = "unassign"
    action_priority = 20
    explanation = gettext_lazy("These applications will have no assigned reviewer.")

    @staticmethod
    def done_message(count):
        return ngettext(
            "%(count)d application unassigned.", "%(count)d applications unassigned.", count
        )

    def skip_reason(self, review):
        if super().skip_reason(review):
            return super().skip_reason(review)
        return _("nobody was assigned") if review.assigned_to_id is None else ""

    def act(self, review):
        services.assign_review(review.pk, self.request.user, None)


class DeclineForm(forms.Form):
    reason = forms.TypedChoiceField(label=gettext_lazy("Decline reason"), coerce=int)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, queue: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        language = translation.get_language() or "en"
        self.reasons = {
            reason.pk: reason for reason in services.decline_reasons_for(queue, language)
        }
        field = self.fields["reason"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "---------"),
            *((pk, reason.title) for pk, reason in self.reasons.items()),
        ]


class DeclineWithReason(ReviewBulkAction):
    """Two steps: choose one of the queue's decline reasons, then confirm, the
    applications listed and the emails said."""

    display_name = gettext_lazy("Decline with a reason")
    aria_label = gettext_lazy("Decline the selected applications, with a reason")
    action_type = "decline"
    action_priority = 30
    form_class = DeclineForm
    explanation = gettext_lazy("Choose the reason the applicants will read in their email.")

    @staticmethod
    def done_message(count):
        return ngettext(
            "%(count)d application declined; its applicant is emailed.",
            "%(count)d applications declined; their applicants are emailed.",
            count,
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "queue": self.queue}

    def skip_reason(self, review):
        if workflow.step_for(review.status, workflow.Action.DECLINE, review.queue) is None:
            return status_reason(review)
        return ""

    def form_valid(self, form):
        if not form.cleaned_data["confirmed"]:
            context = self.get_context_data(form=form)
            context["reason"] = form.reasons[form.cleaned_data["reason"]]
            context["confirming"] = True
            return TemplateResponse(self.request, CONFIRM, context)
        self.reason_id = form.cleaned_data["reason"]
        return super().form_valid(form)

    def act(self, review):
        services.decline_review(review.pk, self.request.user, self.reason_id)


class ExportSelected(ReviewBulkAction):
    """The ticked items through the listing's own export (inert cells, each logged)."""

    format = "csv"

    def get(self, request, *args, **kwargs):
        objects, _refused = self.get_actionable_objects()
        query = urlencode([("export", self.format), *(("selected", item.pk) for item in objects)])
        return HttpResponseRedirect(
            f"{reverse('membership_forms_queue', args=[self.queue])}?{query}"
        )


class ExportCSV(ExportSelected):
    display_name = gettext_lazy("Export as CSV")
    aria_label = gettext_lazy("Export the selected applications as CSV")
    action_type = "export_csv"
    action_priority = 40


class ExportXLSX(ExportSelected):
    display_name = gettext_lazy("Export as XLSX")
    aria_label = gettext_lazy("Export the selected applications as XLSX")
    action_type = "export_xlsx"
    action_priority = 50
    format = "xlsx"


BULK_ACTIONS = [AssignToMe, Unassign, DeclineWithReason, ExportCSV, ExportXLSX]
