"""The editable field definitions of a form page, one row per field."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

from ..kinds import CORE_ONLY_TYPES, FieldType

EDITOR_TYPES = [
    (value, label) for value, label in FieldType.choices if value not in CORE_ONLY_TYPES
]


def make_key(label: str, taken: set[str]) -> str:
    """A slug from the label when the field is created; it never follows later edits."""
    base = slugify(label).replace("-", "_")[:50].strip("_") or "field"
    if base[0].isdigit():
        base = f"field_{base}"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


class FormField(Orderable):
    """One field of a form page: a core field materialised from code, or an editor's own.

    The key is the name in the API and in stored payloads. It is shared by every
    translation of the page (translations copy the row), so submissions line up.
    """

    page = ParentalKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="application_fields"
    )
    key = models.SlugField(
        _("key"),
        max_length=60,
        blank=True,
        help_text=_("The field's name in the API and exports. Set once; leave blank to derive."),
    )
    is_core = models.BooleanField(_("core field"), default=False, editable=False)
    label = models.CharField(
        _("label"),
        max_length=255,
        blank=True,
        help_text=_("A core field left empty uses the standard wording, in the page's language."),
    )
    field_type = models.CharField(_("type"), max_length=16, choices=FieldType.choices)
    required = models.BooleanField(_("required"), default=True)
    choices = models.TextField(
        _("choices"),
        blank=True,
        help_text=_(
            "One choice a line, as 'value|label' (keep the value the same in every language)."
        ),
    )
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("label"), FieldPanel("field_type"), FieldPanel("required")]),
        FieldPanel("help_text"),
        FieldPanel("choices"),
        FieldRowPanel([FieldPanel("key"), FieldPanel("max_length")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")

    def __str__(self) -> str:
        return self.label or self.key

    def parsed_choices(self) -> list[tuple[str, str]]:
        pairs = []
        for line in self.choices.splitlines():
            line = line.strip()
            if not line:
                continue
            value, _sep, label = line.partition("|")
            value = value.strip()
            pairs.append((value, (label or value).strip()))
        return pairs

    def clean(self) -> None:
        super().clean()
        if not self.is_core and not self.label.strip():
            raise ValidationError({"label": _("Give the field a label.")})
        if not self.is_core and self.field_type in CORE_ONLY_TYPES:
            raise ValidationError({"field_type": _("This type is reserved for core fields.")})

    def delete(self, *args, **kwargs):
        if self.is_core and not kwargs.pop("force", False):
            raise ValidationError(_("Core fields cannot be removed, only relabelled."))
        return super().delete(*args, **kwargs)
