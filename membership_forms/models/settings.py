"""Per-site settings of the forms that editors manage."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from ..cors import parse_origins


def validate_origins(value: str) -> None:
    parse_origins(value)


@register_setting(icon="form")
class FormsApiSettings(BaseSiteSetting):
    """What every form of a site shares: the privacy notice they link to, the bank details
    given to donors who pledge, and which other websites may call the forms API (CORS)."""

    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy notice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Linked from every form, in the visitor's language when translated."),
    )
    bank_details = models.TextField(
        _("bank details"),
        blank=True,
        help_text=_(
            "Given to donors who choose to pay by bank transfer or cheque, in the email that "
            "confirms their pledge: account name, IBAN or account number, BIC, bank, and the "
            "address for cheques."
        ),
    )

    allowed_origins = models.TextField(
        _("allowed origins"),
        blank=True,
        validators=[validate_origins],
        help_text=_(
            "Websites whose pages may read and submit this site's forms from the browser: "
            "one per line, scheme and host only, such as https://www.example.org or "
            "http://localhost:3000. Leave empty to allow none."
        ),
    )

    panels = [
        FieldPanel("privacy_page"),
        FieldPanel("bank_details"),
        MultiFieldPanel([FieldPanel("allowed_origins")], heading=_("Forms API")),
    ]

    class Meta:
        verbose_name = _("forms")

    @classmethod
    def for_default_site(cls) -> FormsApiSettings:
        """The default site's settings, for work done outside a request (emails)."""
        from wagtail.models import Site

        return cls.for_site(Site.objects.get(is_default_site=True))

    def origins(self) -> list[str]:
        return parse_origins(self.allowed_origins)
