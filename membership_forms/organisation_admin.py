"""Organisations and their people in the Wagtail admin (Members → Organisations, Contacts).

Wagtail's generic views: listings with filters and search, edit forms, CSV/XLSX exports.
Who may see or change them follows the model permissions (the Secretariat's group).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel
from wagtail.admin.views.generic import CreateView, DeleteView, EditView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Invitation, ListingChange, Organisation, OrganisationContact
from .services import listings, organisations


class OrganisationEditView(EditView):
    """Status and anniversary; a new status goes through the service (logged, and the
    organisation's people put in or out of the member groups)."""

    def save_instance(self):
        status = self.form.cleaned_data["status"]
        self.form.instance.status = Organisation.objects.get(pk=self.object.pk).status
        instance = super().save_instance()
        return organisations.set_status(instance.pk, status, self.request.user)


class ContactEditView(EditView):
    def save_instance(self):
        before = OrganisationContact.objects.get(pk=self.object.pk)
        instance = super().save_instance()
        if before.organisation_id != instance.organisation_id:
            organisations.organisation_changed(
                before.organisation, removed_user_ids=[before.user_id]
            )
        organisations.organisation_changed(
            instance.organisation,
            removed_user_ids=[before.user_id] if before.user_id != instance.user_id else [],
        )
        return instance


class ContactCreateView(CreateView):
    def save_instance(self):
        instance = super().save_instance()
        organisations.organisation_changed(instance.organisation)
        return instance


class ContactDeleteView(DeleteView):
    def delete_action(self):
        organisation, user_id = self.object.organisation, self.object.user_id
        super().delete_action()
        organisations.organisation_changed(organisation, removed_user_ids=[user_id])


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    url_prefix = "membership-forms/organisations"
    edit_view_class = OrganisationEditView
    add_view_enabled = False  # approval of an application creates them
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["entry", "status", "anniversary", "status_changed_at"]
    list_filter = ["status", "entry__category", "anniversary"]
    search_fields = ["entry__organisation_name"]
    list_export = ["entry", "status", "anniversary", "status_changed_at", "created_at"]
    ordering = ["entry__organisation_name"]
    panels = [FieldPanel("status"), FieldPanel("anniversary")]


class OrganisationContactViewSet(ModelViewSet):
    model = OrganisationContact
    icon = "user"
    menu_label = _("Contacts")
    url_prefix = "membership-forms/organisation-contacts"
    add_view_class = ContactCreateView
    edit_view_class = ContactEditView
    delete_view_class = ContactDeleteView
    copy_view_enabled = False
    list_display = ["user", "organisation", "role", "language"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__email", "organisation__entry__organisation_name"]
    list_export = ["organisation", "user", "role", "language", "created_at"]
    panels = [
        FieldPanel("organisation"),
        FieldPanel("user"),
        FieldPanel("role"),
        FieldPanel("language"),
    ]


class InvitationViewSet(ModelViewSet):
    model = Invitation
    icon = "mail"
    menu_label = _("Invitations")
    url_prefix = "membership-forms/invitations"
    add_view_enabled = False  # the primary contact invites, from the site
    copy_view_enabled = False
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["email"]
    panels = [FieldPanel("expires_at"), FieldPanel("revoked_at")]


class ListingDecisionForm(WagtailAdminModelForm):
    """The Secretariat's decision on a proposed listing; a rejection needs its reason."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: publish the change")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ListingChange
        fields = ["rejection_reason"]
        help_texts = {"rejection_reason": _("Emailed to the person who proposed the change.")}

    def clean(self):
        data = super().clean()
        if self.instance.status != "pending":
            raise ValidationError(_("This change was already decided."))
        if data.get("decision") == "reject" and not (data.get("rejection_reason") or "").strip():
            raise ValidationError({"rejection_reason": _("Please give the reason for rejecting.")})
        return data


class ListingChangeReviewView(EditView):
    """Old and new value of each changed field, then approve or reject (services.listings)."""

    template_name = "membership_forms/admin/listing_change.html"
    success_message = _("Decision recorded for %(object)s.")

    def get_form_class(self):
        return ListingDecisionForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["diff"] = listings.listing_diff(self.object)
        context["is_pending"] = self.object.status == "pending"
        return context

    def save_instance(self):
        data = self.form.cleaned_data
        if data["decision"] == "approve":
            return listings.approve_listing_change(self.object.pk, self.request.user)
        return listings.reject_listing_change(
            self.object.pk, self.request.user, data["rejection_reason"]
        )


class ListingChangeViewSet(ModelViewSet):
    model = ListingChange
    icon = "edit"
    menu_label = _("Listing changes")
    url_prefix = "membership-forms/listing-changes"
    add_view_enabled = False  # organisations propose them, from the site
    copy_view_enabled = False
    edit_view_class = ListingChangeReviewView
    list_display = ["organisation", "status", "proposed_by", "proposed_at", "decided_by"]
    list_filter = ["status"]
    search_fields = ["organisation__entry__organisation_name"]
    ordering = ["-proposed_at"]
    form_fields = ["rejection_reason"]


class MembersViewSetGroup(ViewSetGroup):
    menu_label = _("Members")
    menu_icon = "group"
    menu_order = 250
    items = (
        OrganisationViewSet,
        ListingChangeViewSet,
        OrganisationContactViewSet,
        InvitationViewSet,
    )


members_viewset_group = MembersViewSetGroup()
