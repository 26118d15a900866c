"""Per-site settings editors manage (contact email, social accounts, the events' time
zone), and the offices, a translatable snippet."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Locale, Orderable, TranslatableMixin
from wagtail_localize.fields import SynchronizedField

from .events import time_zone_choices


@register_setting(icon="site")
class OrganisationSettings(ClusterableModel, BaseSiteSetting):
    contact_email = models.EmailField(_("contact email"), blank=True)
    mastodon_url = models.URLField(_("Mastodon"), blank=True)
    bluesky_url = models.URLField(_("Bluesky"), blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    x_url = models.URLField(_("X (Twitter)"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    time_zone = models.CharField(
        _("time zone of events"),
        max_length=64,
        choices=time_zone_choices,
        default="UTC",
        help_text=_("For events that name no time zone of their own."),
    )

    panels = [
        FieldPanel("contact_email"),
        FieldPanel("time_zone"),
        MultiFieldPanel(
            [
                FieldPanel("mastodon_url"),
                FieldPanel("bluesky_url"),
                FieldPanel("facebook_url"),
                FieldPanel("x_url"),
                FieldPanel("youtube_url"),
                FieldPanel("linkedin_url"),
            ],
            heading=_("Social accounts"),
        ),
    ]

    class Meta:
        verbose_name = _("organisation")

    def social_accounts(self) -> list[tuple[str, str]]:
        """(label, url) for each account that is set, in a stable order."""
        names = ["mastodon_url", "bluesky_url", "facebook_url", "x_url", "youtube_url"]
        names.append("linkedin_url")
        return [
            (str(self._meta.get_field(name).verbose_name), getattr(self, name))
            for name in names
            if getattr(self, name)
        ]


class Office(TranslatableMixin, Orderable):
    """One of the Coalition's offices, shown in every page's footer (Snippets → Offices).

    Translatable like a region: the footer shows each office's translation in the
    visitor's language (its name, "Bureau de New York", and address), else the original,
    in the order of the default language's offices.
    """

    name = models.CharField(_("name"), max_length=100)
    address = models.TextField(_("address"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    fax = models.CharField(_("fax"), max_length=40, blank=True)

    override_translatable_fields = [SynchronizedField("phone"), SynchronizedField("fax")]
    panels = [FieldPanel("name"), FieldPanel("address"), FieldPanel("phone"), FieldPanel("fax")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def for_language(cls, locale: Locale | None) -> list["Office"]:
        """The offices in the default language's order, each in `locale` where translated."""
        default = Locale.get_default()
        offices = list(cls.objects.filter(locale__in={default.pk, getattr(locale, "pk", None)}))
        translated = {o.translation_key: o for o in offices if locale and o.locale_id == locale.pk}
        return [
            translated.get(office.translation_key, office)
            for office in offices
            if office.locale_id == default.pk
        ]
