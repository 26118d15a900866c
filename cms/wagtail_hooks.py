from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms import cache
from cms.models import Region


class RegionViewSet(SnippetViewSet):
    model = Region
    icon = "globe"
    menu_label = _("Regions")
    list_display = ["name", "slug", "locale"]
    list_filter = ["locale"]


register_snippet(RegionViewSet)

hooks.register("on_serve_page", cache.mark_cacheable)
