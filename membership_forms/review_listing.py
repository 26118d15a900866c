"""A review queue's listing on Wagtail's generic IndexView: one view, the queue in its URL.

Every column and filter is in words in the staff member's language (labels, country names,
ages); the CSV and XLSX exports of the filtered queue make formulas inert and enter each
exported item in its review's audit log (AuditedExportMixin, as every admin listing).
The first page costs the same few queries whatever the queue's size: the count reads the
reviews alone (index-only on queue and status); the page's 50 rows get their names from
the submission's answers in the same query (annotations), the reviewer by a join.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models.fields.json import KeyTextTransform
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.widgets import HeaderButton

from . import kinds, workflow
from .admin_exports import AuditedExportMixin
from .countries import country_choices
from .models import OPEN_STATUSES, Review, ReviewQueue, ReviewStatus, ScreeningOutcome
from .models.kind_pages import term_name
from .regions import REGIONS
from .review_filters import QueueFilterSet, has_term
from .services.reviews import can_review, can_see_queue

# The filters whose presence means "show me what I asked for, closed items too".
FILTER_KEYS = (
    "q", "status", "outcome", "country", "region", "term", "age", "assigned_to", "waiting",
    "selected",
)  # fmt: skip


def next_step_label(review: Review) -> str:
    """The words of the first step a reviewer may take next ("" when none is left)."""
    for step in workflow.steps_from(review.status, review.queue):
        if step.label:
            return str(step.label)
    return ""


def reviewer_name(review: Review) -> str:
    user = review.assigned_to
    return (user.get_full_name() or user.get_username()) if user else ""


def age(review: Review) -> str:
    """How long the item has waited, in its largest unit: "3 days"."""
    return timesince(review.submitted_at, timezone.now(), depth=1)


@lru_cache(maxsize=16)
def country_names(language: str) -> dict[str, str]:
    """Every country's name in the language, made once per process and language."""
    return dict(country_choices(language))


# What each column says about a review, in words (never a stored code).
VALUES: dict[str, Any] = {
    "reference": lambda review: review.submission.reference,
    "applicant_name": lambda review: review.applicant_name or "",
    "organisation_name": lambda review: review.organisation_name or "",
    "email": lambda review: review.applicant_email or "",
    "country": lambda review: country_names(translation.get_language() or "en").get(
        review.country, review.country
    ),
    "region": lambda review: str(REGIONS.get(review.region, review.region)),
    "term": lambda review: term_name(review.term) if review.term else "",
    "status": lambda review: str(ReviewStatus(review.status).label),
    "outcome": lambda review: ScreeningOutcome.label_of(review.outcome),
    "age": age,
    "assigned_to": reviewer_name,
    "next_step": next_step_label,
    "submitted_at": lambda review: review.submitted_at,
    "decided_at": lambda review: review.decided_at,
}

HEADINGS = {
    "reference": gettext_lazy("Reference"),
    "applicant_name": gettext_lazy("Applicant"),
    "organisation_name": gettext_lazy("Organisation"),
    "email": gettext_lazy("Email"),
    "country": gettext_lazy("Country"),
    "region": gettext_lazy("Region"),
    "term": gettext_lazy("Term"),
    "status": gettext_lazy("Status"),
    "outcome": gettext_lazy("Screening outcome"),
    "age": gettext_lazy("Waiting for"),
    "assigned_to": gettext_lazy("Assigned reviewer"),
    "next_step": gettext_lazy("Next step"),
    "submitted_at": gettext_lazy("Received"),
    "decided_at": gettext_lazy("Decided at"),
}

SORT_KEYS = {
    "reference": "submission__reference",
    "applicant_name": "applicant_name",
    "organisation_name": "organisation_name",
    "country": "country",
    "term": "term",
    "status": "status",
    "outcome": "outcome",
    "age": "submitted_at",
    "assigned_to": "assigned_to__last_name",
}


# The columns a page of the listing reads (every other one stays in the database).
ROW_FIELDS = (
    "queue",
    "status",
    "outcome",
    "country",
    "region",
    "term",
    "submitted_at",
    "decided_at",
    "submission__reference",
    "assigned_to__first_name",
    "assigned_to__last_name",
    "assigned_to__username",
)


# Columns of names, which may be long: two lines at most in the
# listing, the whole text in the cell's tooltip (and in the exports).
CLAMPED = {"applicant_name", "organisation_name", "assigned_to"}


class WordsColumn(Column):
    """A column whose cell is `VALUES[name]` of the review."""

    def get_value(self, instance):
        value = VALUES[self.name](instance)
        if self.name in CLAMPED and value:
            return format_html(
                '<span class="mf-clamp" dir="auto" title="{}">{}</span>', value, value
            )
        return value

    def render_cell_html(self, instance, parent_context):
        """Wagtail's `tables/cell.html` made in Python: 400 template renders a page saved."""
        return format_html("<td>{}</td>", self.get_value(instance) or "")


class ReferenceColumn(TitleColumn):
    """The reference on one line, left to right in Arabic too (MEM-0000012)."""

    def get_value(self, instance):
        return format_html(
            '<span id="review_{}_title"><bdi class="mf-reference" dir="ltr">{}</bdi></span>',
            instance.pk,
            instance.submission.reference,
        )


class CheckboxColumn(BulkActionsCheckboxColumn):
    """Wagtail's bulk-action checkbox, its cell made in Python like the other columns'."""

    def render_cell_html(self, instance, parent_context):
        return format_html(
            '<td class="bulk-action-checkbox-cell"><input type="checkbox" data-object-id="{}"'
            ' data-bulk-action-checkbox class="bulk-action-checkbox" aria-label="{}"'
            ' aria-describedby="review_{}_title"></td>',
            instance.pk,
            _("Select"),
            instance.pk,
        )


def has_organisation(queue: str) -> bool:
    spec = kinds.for_queue(queue)
    return bool(spec and spec.organisation_keys)


class QueueIndexView(AuditedExportMixin, IndexView):
    """The listing of one queue (`queue` in the URL), for those who may see that queue."""

    model = Review
    template_name = "membership_forms/admin/review_list.html"
    results_template_name = "membership_forms/admin/review_list_results.html"
    table_classname = "listing mf-queue-table"
    filterset_class = QueueFilterSet
    index_url_name = "membership_forms_queue"
    index_results_url_name = "membership_forms_queue_results"
    permission_policy = None
    any_permission_required = None
    search_fields = [
        "submission__reference",
        "applicant_name",
        "organisation_name",
        "applicant_email",
    ]
    default_ordering = "submitted_at"
    paginate_by = 50

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.queue = kwargs["queue"]
        request.review_queue = self.queue  # the reviewer filter's choices read it

    def dispatch(self, request, *args, **kwargs):
        if self.queue not in ReviewQueue.values:
            raise Http404
        if not can_see_queue(request.user, self.queue):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def spec(self):
        return kinds.for_queue(self.queue)

    def get_page_title(self):
        return _("Review queue: %(queue)s") % {"queue": ReviewQueue(self.queue).label}

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.queue])

    def get_index_results_url(self):
        return reverse(self.index_results_url_name, args=[self.queue])

    def get_base_queryset(self):
        """The queue's reviews alone: counting them joins nothing (rows get theirs later)."""
        reviews = Review.objects.filter(queue=self.queue)
        selected = [value for value in self.request.GET.getlist("selected") if value.isdigit()]
        if selected:  # the bulk action "Export selected"
            reviews = reviews.filter(pk__in=selected)
        if not any(self.request.GET.get(key) for key in FILTER_KEYS):
            reviews = reviews.filter(status__in=OPEN_STATUSES)  # a queue opens on its work
        return reviews

    def with_names(self, queryset):
        """The names and email read from the submission's answers, in the same query."""
        name, email = (self.spec.name_field, self.spec.email_field) if self.spec else ("", "")
        names = {
            "applicant_name": KeyTextTransform(name, "submission__payload"),
            "applicant_email": KeyTextTransform(email, "submission__payload"),
            "organisation_name": KeyTextTransform("organisation_name", "submission__payload"),
        }
        have = queryset.query.annotations
        return queryset.annotate(**{key: value for key, value in names.items() if key not in have})

    def with_row_data(self, queryset):
        """What the rows show: the names, the reference and the reviewer, by joins."""
        return self.with_names(queryset).select_related("submission", "assigned_to")

    def search_queryset(self, queryset):
        if self.search_query:
            queryset = self.with_names(queryset)
        return super().search_queryset(queryset)

    def get_queryset(self):
        queryset = super().get_queryset()
        return self.with_row_data(queryset) if self.is_export else queryset

    def paginate_queryset(self, queryset, page_size):
        """The page's rows are read with their names and joins; the count goes without."""
        paginator, page, object_list, paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = self.with_row_data(object_list).only(*ROW_FIELDS)
        return paginator, page, page.object_list, paginated

    def get_valid_orderings(self):
        keys = [*SORT_KEYS.values(), "submitted_at"]
        return [*keys, *(f"-{key}" for key in keys)]

    def order_queryset(self, queryset):
        if self.ordering.lstrip("-") in ("applicant_name", "organisation_name"):
            queryset = self.with_names(queryset)
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "pk")

    @property
    def column_names(self) -> list[str]:
        names = ["applicant_name"]
        if has_organisation(self.queue):
            names.append("organisation_name")
        names.append("country")
        if has_term(self.queue):
            names.append("term")
        return [*names, "status", "outcome", "age", "assigned_to", "next_step"]

    @cached_property
    def can_review(self) -> bool:
        return can_review(self.request.user, self.queue)

    @cached_property
    def columns(self):
        checkbox = [CheckboxColumn("bulk_actions", obj_type="review")] if self.can_review else []
        return [
            *checkbox,
            ReferenceColumn(
                "reference",
                label=HEADINGS["reference"],
                sort_key=SORT_KEYS["reference"],
                get_url=lambda review: reverse("membership_forms_review", args=[review.pk]),
            ),
            *(
                WordsColumn(name, label=HEADINGS[name], sort_key=SORT_KEYS.get(name))
                for name in self.column_names
            ),
        ]

    # Exports: the listing's columns, the dates, then the answers the kind declares.
    @cached_property
    def list_export(self):  # type: ignore[override]
        names = ["reference", "email", *self.column_names, "submitted_at", "decided_at"]
        answers = list(self.spec.export_columns) if self.spec else []
        return [*names, *(key for key in answers if key not in names)]

    @cached_property
    def export_headings(self):  # type: ignore[override]
        core = self.spec.core() if self.spec else {}
        headings = {key: str(label) for key, label in HEADINGS.items()}
        for key in self.list_export:
            if key not in headings:
                headings[key] = str(core[key].label) if key in core else key
        return headings

    def get_filename(self):
        return f"{self.queue}-queue"

    def to_row_dict(self, item):
        payload = item.submission.payload or {}
        return OrderedDict(
            (key, VALUES[key](item) if key in VALUES else payload.get(key, ""))
            for key in self.list_export
        )

    @cached_property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            HeaderButton(
                _("History"),
                url=reverse("membership_forms_queue_history", args=[self.queue]),
                icon_name="history",
            ),
            HeaderButton(
                _("My exports"), url=reverse("membership_forms_exports"), icon_name="download"
            ),
        ]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["queue"] = self.queue
        context["can_review"] = self.can_review
        return context

    def exported_submissions(self, queryset):
        """Each exported item's submission, its review attached: the entry goes on the review."""
        for review in queryset.order_by():
            submission = review.submission
            submission.review = review
            yield submission, {"listing": True}


queue_list = QueueIndexView.as_view()
queue_list_results = QueueIndexView.as_view(results_only=True)
