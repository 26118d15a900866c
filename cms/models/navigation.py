"""The main menu and footer links, managed by editors as a site setting.

Items point at pages of the default language; the menu shows each page's translation
in the visitor's language (and its translated title), so one menu serves all four.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable


@register_setting(icon="list-ul")
class NavigationSettings(ClusterableModel, BaseSiteSetting):
    panels = [
        InlinePanel("menu_items", heading=_("Main menu"), label=_("Menu item")),
        InlinePanel("footer_links", heading=_("Footer links"), label=_("Footer link")),
    ]

    class Meta:
        verbose_name = _("navigation")


class AbstractLink(Orderable):
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    url = models.URLField(_("external link"), blank=True)
    label = models.CharField(
        _("label"), max_length=60, blank=True, help_text=_("Leave blank to use the page title.")
    )

    panels = [FieldPanel("page"), FieldPanel("url"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        abstract = True

    def clean(self):
        if bool(self.page_id) == bool(self.url):
            raise ValidationError(_("Choose a page or enter an external link, not both."))
        if self.url and not self.label:
            raise ValidationError({"label": _("An external link needs a label.")})

    def resolve(self, translation=None) -> tuple[str, str] | None:
        """(label, url) in the active language; None if the page is not live.

        `translation` is the page's live translation in the active language, when the
        caller has looked it up already (one query for a whole menu).
        """
        if self.url:
            return self.label, self.url
        page = translation or self.page
        if page is None or not page.live:
            return None
        label = self.label if self.label and page.pk == self.page_id else page.title
        return label, page.url


class MenuItem(AbstractLink):
    navigation = ParentalKey(
        NavigationSettings, on_delete=models.CASCADE, related_name="menu_items"
    )


class FooterLink(AbstractLink):
    navigation = ParentalKey(
        NavigationSettings, on_delete=models.CASCADE, related_name="footer_links"
    )
