from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms import cache
from cms.models import ArticleTopic, Office, Region


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
