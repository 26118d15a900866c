"""The submissions inbox on Wagtail's generic listing: filters, search, sorting, exports.

Each user sees only the kinds they may read (`visible_kinds`). Names and emails are the
answers each kind names (KindSpec.contact_fields), read in the query so that search and
sorting work on them. Every export is entered in the audit log, one entry per submission
(`admin_exports.AuditedExportMixin`), its cells made inert for spreadsheets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Case, CharField, Count, Q, Value, When
from django.db.models.fields.json import KT
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.timesince import timesince
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.permission_policies import ModelPermissionPolicy

from . import kinds
from .admin_exports import AuditedExportMixin
from .countries import country_choices
from .kinds.fields import FieldType
from .models import Submission, SubmissionStatus
from .review_detail_words import language_name
from .services.reviews import visible_kinds
from .services.screening import retry_failed

VIEW = "membership_forms.view_submission"
RETRY = "membership_forms.change_submission"


def contact_answer(keys: Iterable[str], which: int) -> Case:
    """The contact answer (0: email, 1: name) of each kind, as a text expression."""
    whens = [
        When(kind=key, then=KT(f"payload__{kinds.get(key).contact_fields[which]}")) for key in keys
    ]
    return Case(*whens, default=Value(""), output_field=CharField())


def country_fields(keys: Iterable[str]) -> dict[str, str]:
    """The country answer of each kind that asks for one, by kind."""
    found = {}
    for key in keys:
        for field in kinds.get(key).core_fields:
            if field.type == FieldType.COUNTRY:
                found[key] = field.key
                break
    return found


def language_label():
    """The language names in the admin's own language, as a query expression."""
    whens = [When(locale=code, then=Value(language_name(code))) for code, _ in settings.LANGUAGES]
    return Case(*whens, default="locale", output_field=CharField())


def with_label(label, count: int) -> str:
    return f"{label} ({count})"


class SubmissionFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=[])
    status = django_filters.ChoiceFilter(label=_("Status"), choices=[])
    submitted_at = django_filters.DateFromToRangeFilter(
        label=_("Received"), widget=DateRangePickerWidget
    )
    country = django_filters.ChoiceFilter(label=_("Country"), choices=[], method="filter_country")
    form = django_filters.UUIDFilter(
        field_name="form_key", label=_("Form"), widget=forms.HiddenInput
    )

    class Meta:
        model = Submission
        fields: list[str] = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.kinds = visible_kinds(request.user) if request else []
        counts = Counter(
            {
                (row["kind"], row["status"]): row["n"]
                for row in Submission.objects.filter(kind__in=self.kinds)
                .values("kind", "status")
                .annotate(n=Count("pk"))
            }
        )
        by_kind, by_status = Counter(), Counter()
        for (kind, status), number in counts.items():
            by_kind[kind] += number
            by_status[status] += number
        self.filters["kind"].extra["choices"] = [
            (key, with_label(kinds.get(key).label, by_kind[key])) for key in self.kinds
        ]
        self.filters["status"].extra["choices"] = [
            (value, with_label(label, by_status[value]))
            for value, label in SubmissionStatus.choices
        ]
        self.countries = country_fields(self.kinds)
        if self.countries:
            self.filters["country"].extra["choices"] = country_choices(get_language())
        else:
            del self.filters["country"]

    def filter_country(self, queryset, name, value):
        if not value:
            return queryset
        query = Q()
        for kind, key in self.countries.items():
            query |= Q(kind=kind, **{f"payload__{key}": value})
        return queryset.filter(query)


class AgeColumn(Column):
    """How long ago the submission came in, in words."""

    def get_value(self, instance):
        return timesince(instance.submitted_at, timezone.now(), depth=1)


class SelectColumn(Column):
    """A checkbox per row, for the bulk actions form under the listing."""

    cell_template_name = "membership_forms/admin/inbox/select_cell.html"
    header_template_name = "membership_forms/admin/inbox/select_header.html"

    def __init__(self):
        super().__init__("select", label=_("Select"), accessor="pk")


class SubmissionIndexView(AuditedExportMixin, IndexView):
    model = Submission
    template_name = "membership_forms/admin/inbox/index.html"
    index_url_name = "membership_forms_submissions"
    index_results_url_name = "membership_forms_submissions_results"
    page_title = _("Submissions")
    header_icon = "form"
    paginate_by = 50
    permission_policy = ModelPermissionPolicy(Submission)
    any_permission_required = ["view"]
    search_fields = ["reference", "contact_name", "contact_email"]
    search_backend_name = None
    filterset_class = SubmissionFilterSet
    default_ordering = "-submitted_at"
    export_filename = "submissions"
    list_export = [
        "reference",
        "get_kind_display",
        "contact_name",
        "contact_email",
        "get_status_display",
        "language_name",
        "submitted_at",
    ]
    export_headings = {
        "reference": _("Reference"),
        "get_kind_display": _("Kind"),
        "contact_name": _("Name"),
        "contact_email": _("Email"),
        "get_status_display": _("Status"),
        "language_name": _("Language"),
        "submitted_at": _("Received"),
    }

    @property
    def columns(self):
        return [
            SelectColumn(),
            TitleColumn(
                "reference",
                label=_("Reference"),
                sort_key="reference",
                url_name="membership_forms_submission",
            ),
            Column("kind", label=_("Kind"), accessor="get_kind_display", sort_key="kind"),
            Column("name", label=_("Name"), accessor="contact_name", sort_key="contact_name"),
            Column("email", label=_("Email"), accessor="contact_email", sort_key="contact_email"),
            Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
            DateColumn("submitted_at", label=_("Received"), sort_key="submitted_at"),
            AgeColumn("age", label=_("Age")),
        ]

    def get_base_queryset(self):
        keys = visible_kinds(self.request.user)
        queryset = Submission.objects.filter(kind__in=keys).annotate(
            contact_email=contact_answer(keys, 0),
            contact_name=contact_answer(keys, 1),
            language_name=language_label(),
        )
        selected = [value for value in self.request.GET.getlist("selected") if value.isdigit()]
        if selected:
            queryset = queryset.filter(pk__in=selected)
        return queryset

    def order_queryset(self, queryset):
        # A tie-break, so that pages never share or skip a row.
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "-pk")

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["can_retry"] = self.request.user.has_perm(RETRY)
        return context


@require_POST
@permission_required(VIEW, raise_exception=True)
def bulk_action(request):
    """The inbox's bulk actions on the ticked rows: export them, or retry failed ones."""
    keys = visible_kinds(request.user)
    ids = [value for value in request.POST.getlist("selected") if value.isdigit()]
    action = request.POST.get("action", "")
    index = reverse("membership_forms_submissions")
    if not ids:
        messages.warning(request, _("Select at least one submission."))
        return redirect(index)
    if action in ("xlsx", "csv"):
        query = urlencode([("export", action), *(("selected", pk) for pk in ids)])
        return HttpResponseRedirect(f"{index}?{query}")
    if action == "retry" and request.user.has_perm(RETRY):
        failed = Submission.objects.filter(
            pk__in=ids, kind__in=keys, status=SubmissionStatus.FAILED
        ).values_list("pk", flat=True)
        done = sum(retry_failed(pk, request.user) for pk in failed)
        skipped = len(ids) - done
        messages.success(
            request,
            ngettext(
                "%(count)d failed submission was queued again.",
                "%(count)d failed submissions were queued again.",
                done,
            )
            % {"count": done},
        )
        if skipped:
            messages.warning(
                request,
                ngettext(
                    "%(count)d selected submission had not failed and was left as it was.",
                    "%(count)d selected submissions had not failed and were left as they were.",
                    skipped,
                )
                % {"count": skipped},
            )
        return redirect(index)
    messages.error(request, _("This action is not available."))
    return redirect(index)


submission_index = SubmissionIndexView.as_view()
submission_index_results = SubmissionIndexView.as_view(results_only=True)
