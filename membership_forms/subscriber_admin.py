"""The newsletter's current subscribers in the Wagtail admin: listed, filtered, exported.

A subscriber is a newsletter sign-up that has not ended (unsubscribed sign-ups are gone
from the list); "confirmed" means the double opt-in link was followed (NewsletterConsent).
Whoever may read newsletter sign-ups (the newsletter kind's `read_permission`) may open
it; every export is audited like the inbox's (`admin_exports.AuditedExportMixin`).
"""

from __future__ import annotations

import django_filters
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.db.models.fields.json import KT
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.widgets import BooleanRadioSelect

from . import kinds
from .admin_exports import AuditedExportMixin
from .inbox_admin import language_label, language_name
from .models import Submission, SubmissionStatus

KIND = "newsletter"
CURRENT = [SubmissionStatus.PENDING_CONFIRMATION, SubmissionStatus.CONFIRMED]


def can_read_subscribers(user) -> bool:
    return user.has_perm(kinds.get(KIND).read_permission)


class SubscriberFilterSet(WagtailFilterSet):
    locale = django_filters.ChoiceFilter(label=_("Language"), choices=[])
    confirmed = django_filters.BooleanFilter(
        label=_("Confirmed"),
        field_name="consent",
        lookup_expr="isnull",
        exclude=True,
        widget=BooleanRadioSelect,
    )

    class Meta:
        model = Submission
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["locale"].extra["choices"] = [
            (code, language_name(code)) for code, _ in settings.LANGUAGES
        ]


class SubscriberIndexView(AuditedExportMixin, IndexView):
    model = Submission
    index_url_name = "membership_forms_subscribers"
    index_results_url_name = "membership_forms_subscribers_results"
    page_title = _("Newsletter subscribers")
    header_icon = "mail"
    paginate_by = 50
    permission_policy = None
    search_fields = ["subscriber_email"]
    search_backend_name = None
    filterset_class = SubscriberFilterSet
    default_ordering = "-submitted_at"
    export_filename = "newsletter-subscribers"
    list_export = [
        "subscriber_email",
        "subscriber_name",
        "language_name",
        "confirmed_at",
        "source_form",
    ]
    export_headings = {
        "subscriber_email": _("Email"),
        "subscriber_name": _("Name"),
        "language_name": _("Language"),
        "confirmed_at": _("Confirmed"),
        "source_form": _("Source form"),
    }

    def dispatch(self, request, *args, **kwargs):
        if not can_read_subscribers(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def columns(self):
        return [
            Column(
                "email", label=_("Email"), accessor="subscriber_email", sort_key="subscriber_email"
            ),
            Column("name", label=_("Name"), accessor="subscriber_name", sort_key="subscriber_name"),
            Column("language", label=_("Language"), accessor="language_name", sort_key="locale"),
            DateColumn("confirmed", label=_("Confirmed"), accessor="confirmed_at", sort_key=None),
            Column(
                "source", label=_("Source form"), accessor="source_form", sort_key="source_form"
            ),
            DateColumn("submitted_at", label=_("Signed up"), sort_key="submitted_at"),
        ]

    def get_base_queryset(self):
        spec = kinds.get(KIND)
        return Submission.objects.filter(kind=KIND, status__in=CURRENT).annotate(
            subscriber_email=KT(f"payload__{spec.email_field}"),
            subscriber_name=KT(f"payload__{spec.name_field}"),
            language_name=language_label(),
            source_form=F("page__title"),
            confirmed_at=F("consent__confirmed_at"),
        )

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "-pk")


def urls():
    return [
        path(
            "membership-forms/subscribers/",
            SubscriberIndexView.as_view(),
            name="membership_forms_subscribers",
        ),
        path(
            "membership-forms/subscribers/results/",
            SubscriberIndexView.as_view(results_only=True),
            name="membership_forms_subscribers_results",
        ),
    ]
