"""The donations listing in the Wagtail admin: read-only, filtered, exported as CSV or XLSX.

Money moves only through Stripe's events and the services, so nobody edits a donation
here; the "needs attention" column and filter show staff where Stripe and the ledger
disagree, payments that named a gift but were not applied to it, and payment pages that
could not be made. Exported cells are made inert for spreadsheets (spreadsheets.py).
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .admin_exports import AuditedExportMixin
from .models import Donation
from .services.reviews import record_submission_access

READ_ACTIONS = {"view"}


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """The model's view permission; add, change and delete are refused to everyone."""

    def user_has_permission(self, user, action):
        return action in READ_ACTIONS and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        allowed = [action for action in actions if action in READ_ACTIONS]
        return bool(allowed) and super().user_has_any_permission(user, allowed)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.model._default_manager.all()


class DonationFilterSet(WagtailFilterSet):
    needs_attention = django_filters.BooleanFilter(
        label=_("Needs attention"), method="filter_needs_attention", widget=BooleanRadioSelect
    )

    class Meta:
        model = Donation
        fields = ["status", "currency", "frequency", "method", "created_at"]

    def filter_needs_attention(self, queryset, name, value):
        if value is None:
            return queryset
        flagged = Donation.objects.needing_attention().values("pk")
        return queryset.filter(pk__in=flagged) if value else queryset.exclude(pk__in=flagged)


class DonationIndexView(AuditedExportMixin, IndexView):
    """The listing; its CSV and XLSX exports hold donors' own words (names, dedications),
    so each exported gift is entered in its submission's audit log."""

    def get_base_queryset(self):
        # The listing and the exports show each gift's submission (its reference).
        return super().get_base_queryset().select_related("submission__review")

    def exported_submissions(self, queryset):
        return (
            (donation.submission, {"donation": donation.pk})
            for donation in queryset.select_related("submission__review")
        )


class DonationInspectView(InspectView):
    """A gift's details: the donor's name, address and dedication; each look is audited."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        record_submission_access(
            self.object.submission, request.user, "view", donation=self.object.pk
        )
        return response


# Staff read gifts and export them; the payment provider's events change them, never a form.
register_permission_policy(Donation, ReadOnlyPermissionPolicy(Donation))


class DonationViewSet(ModelViewSet):
    model = Donation
    index_view_class = DonationIndexView
    inspect_view_class = DonationInspectView
    icon = "pick"
    menu_label = _("Donations")
    menu_order = 260
    add_to_admin_menu = True
    url_prefix = "membership-forms/donations"
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "submission",
        "donor_name",
        "amount",
        "currency",
        "frequency",
        "method",
        "status",
        "created_at",
        Column("attention", label=_("Needs attention")),
    ]
    filterset_class = DonationFilterSet
    search_fields = ["donor_name", "donor_email", "submission__reference"]
    list_export = [
        "submission",
        "created_at",
        "paid_at",
        "status",
        "method",
        "frequency",
        "amount",
        "currency",
        "donor_name",
        "donor_email",
        "dedication",
        "checkout_session_id",
        "payment_intent_id",
        "invoice_id",
        "reconciliation_flag",
        "payment_issue",
    ]
    export_filename = "donations"
    inspect_view_fields = [*list_export, "locale", "checkout_error", "reconciled_at"]
    ordering = ["-created_at"]
    form_fields = ["reconciliation_flag"]  # never shown: the policy refuses every edit


donation_viewset = DonationViewSet("membership_forms_donations")
