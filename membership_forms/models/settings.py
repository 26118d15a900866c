"""Per-site settings of the forms API that editors manage."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from ..cors import parse_origins


def validate_origins(value: str) -> None:
    parse_origins(value)


@register_setting(icon="globe")
class FormsApiSettings(BaseSiteSetting):
    """Which other websites' pages may call this site's forms API from a browser (CORS)."""

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

    panels = [FieldPanel("allowed_origins")]

    class Meta:
        verbose_name = _("forms API")

    def origins(self) -> list[str]:
        return parse_origins(self.allowed_origins)
