from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms import cache
from cms.models import ArticleTopic, Office, Region, SignInRecord
from membership_forms.donation_admin import ReadOnlyPermissionPolicy


class RegionViewSet(SnippetViewSet):
    model = Region
    icon = "globe"
    menu_label = _("Regions")
    list_display = ["name", "slug", "locale"]
    list_filter = ["locale"]


register_snippet(RegionViewSet)


class OfficeViewSet(SnippetViewSet):
    model = Office
    icon = "home"
    menu_label = _("Offices")
    list_display = ["name", "locale"]
    list_filter = ["locale"]


register_snippet(OfficeViewSet)


class ArticleTopicViewSet(SnippetViewSet):
    model = ArticleTopic
    icon = "tag"
    menu_label = _("Tags")
    list_display = ["name", "slug", "locale"]
    list_filter = ["locale"]
    search_fields = ["name"]


register_snippet(ArticleTopicViewSet)

hooks.register("on_serve_page", cache.mark_cacheable)


@hooks.register("register_admin_urls")
def register_operations_urls():
    from django.urls import path

    from cms import admin_views

    return [path("operations/tasks/", admin_views.task_report, name="cms_task_report")]


@hooks.register("register_reports_menu_item")
def register_task_report_menu_item():
    from django.urls import reverse
    from wagtail.admin.menu import AdminOnlyMenuItem

    return AdminOnlyMenuItem(
        _("Background tasks"), reverse("cms_task_report"), icon_name="time", order=900
    )


register_permission_policy(SignInRecord, ReadOnlyPermissionPolicy(SignInRecord))


class SignInRecordViewSet(ModelViewSet):
    """Visitors' sign-ins by code and wrong codes (cms.accounts), read-only, under Reports.
    Seen by superusers and by groups given "Can view sign-in record"."""

    model = SignInRecord
    icon = "user"
    menu_label = _("Visitors' sign-ins")
    menu_order = 910
    menu_hook = "register_reports_menu_item"
    url_prefix = "reports/sign-ins"
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["at", "event", "email", "user", "client_hash"]
    list_filter = ["event", "at"]
    search_fields = ["email"]
    list_export = ["at", "event", "email", "user", "client_hash"]
    export_filename = "sign-ins"
    ordering = ["-at"]
    form_fields = ["event"]  # never shown: the policy refuses every edit


@hooks.register("register_admin_viewset")
def register_sign_in_records():
    return SignInRecordViewSet("cms_sign_in_records")


@hooks.register("before_serve_document", order=-1)
def sign_in_for_private_documents_in_the_visitors_language(document, request):
    """A document's address has no language prefix, so Wagtail would send a visitor who may
    not read a member-only document to the English sign-in page: send them to the page in
    the language their browser asks for (language cookie, then Accept-Language) instead.
    Password restrictions are left to Wagtail's own hook."""
    from django.utils import translation
    from wagtail.models import BaseViewRestriction
    from wagtail.wagtail_hooks import require_wagtail_login

    for restriction in document.collection.get_view_restrictions():
        if (
            restriction.restriction_type != BaseViewRestriction.PASSWORD
            and not restriction.accept_request(request)
        ):
            with translation.override(translation.get_language_from_request(request)):
                return require_wagtail_login(next=request.get_full_path())
    return None
