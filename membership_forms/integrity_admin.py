"""The integrity checks page in the Wagtail admin: what the workers could not finish.

For the Secretariat and administrators (`view_integrity`); the checks themselves are in
services/integrity.py. Linked from the dashboard panel of whoever may open it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .services.integrity import can_see_integrity, checks


class IntegrityView(WagtailAdminTemplateMixin, TemplateView):
    page_title = _("Integrity checks")
    header_icon = "warning"
    template_name = "membership_forms/admin/integrity.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_see_integrity(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["checks"] = checks(self.request.user)
        return context


integrity = IntegrityView.as_view()
