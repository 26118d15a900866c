"""Organisations and their people in the Wagtail admin (Members → Organisations, Contacts).

Wagtail's generic views: listings with filters and search, edit forms, CSV/XLSX exports.
Who may see or change them follows the model permissions (the Secretariat's group).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Invitation, Organisation, OrganisationContact


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    url_prefix = "membership-forms/organisations"
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


class MembersViewSetGroup(ViewSetGroup):
    menu_label = _("Members")
    menu_icon = "group"
    menu_order = 250
    items = (OrganisationViewSet, OrganisationContactViewSet, InvitationViewSet)


members_viewset_group = MembersViewSetGroup()
