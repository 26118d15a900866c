"""The one validator: built from a page's field definitions, used by the HTML page and the API.

JSON values are checked for their JSON type first (booleans are booleans, lists are
lists), then both paths go through the same Django form, so a rule is written once.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .conf import get_setting
from .files import EXTENSIONS, FileRejected, inspect_upload
from .kinds import CoreField, FieldType

T = FieldType
DEFAULT_MAX_LENGTH: dict[str, int] = {
    T.SINGLELINE: 255,
    T.MULTILINE: 5000,
    T.URL: 500,
    T.HIDDEN: 255,
}
EMAIL_MAX_LENGTH = 254
# (max_digits, decimal_places) of the decimal fields; submission_schema states them too.
NUMBER_DIGITS = (20, 6)
AMOUNT_DIGITS = (12, 2)
# Controls, the zero-width space and the bidi marks, overrides and isolates. Not U+200C and
# U+200D (zero-width non-joiner and joiner): Persian and Indic spelling and emoji need them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_EMAIL_FORBIDDEN = re.compile(r"[\s,;<>\"'()\\\x00-\x1f\x7f-\x9f\u2028\u2029]|%0[ad]", re.I)


@dataclass(frozen=True)
class FieldSpec(CoreField):
    """A field as the validator, the API and the templates see it: a page's row resolved
    against its kind's core field, its label, help and choices in the active language."""

    is_core: bool = False
    min_value: Decimal | None = None
    max_value: Decimal | None = None

    @property
    def accept(self) -> list[str]:
        return [f".{ext}" for ext in EXTENSIONS.values()] if self.type == T.FILE else []

    @property
    def max_bytes(self) -> int | None:
        return get_setting("MAX_FILE_BYTES") if self.type == T.FILE else None


def clean_text(value: str, multiline: bool = False) -> str:
    """NFC, no control or bidi-override characters; markup is kept as text, never stripped."""
    if "\ufffd" in value:
        raise ValidationError(_("This text is not valid UTF-8."), code="invalid_encoding")
    value = unicodedata.normalize("NFC", value)
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        value = _CONTROL.sub("", value.replace("\t", " "))
    else:
        value = _CONTROL.sub("", value.replace("\n", " ").replace("\r", " ").replace("\t", " "))
    return value.strip()


class TextField(forms.CharField):
    def __init__(self, *args, multiline: bool = False, **kwargs):
        self.multiline = multiline
        kwargs.setdefault("strip", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value, self.multiline) if value else value


class SafeEmailField(forms.EmailField):
    """An address that cannot smuggle headers or a second recipient into a message."""

    def to_python(self, value):
        value = (value or "").strip(" ")
        if _EMAIL_FORBIDDEN.search(value) or "\ufffd" in value:
            raise ValidationError(
                _("Enter one email address, without spaces, line breaks or separators."),
                code="invalid",
            )
        return unicodedata.normalize("NFC", super().to_python(value))


class CleanChoiceMixin:
    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value) if isinstance(value, str) else value


class ChoiceField(CleanChoiceMixin, forms.ChoiceField):
    pass


class YesNoField(forms.TypedChoiceField):
    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        super().__init__(
            choices=[("true", _("Yes")), ("false", _("No"))],
            coerce=lambda value: value == "true",
            empty_value=None,
            **kwargs,
        )


class UploadField(forms.FileField):
    widget = forms.ClearableFileInput

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        try:
            upload.info = inspect_upload(upload, get_setting("MAX_FILE_BYTES"))
        except FileRejected as error:
            raise ValidationError(error.message, code=error.code) from error
        return upload


def build_field(spec: FieldSpec) -> forms.Field:
    common: dict[str, Any] = {
        "label": spec.label,
        "required": spec.required,
        "help_text": spec.help_text,
    }
    max_length = spec.max_length or DEFAULT_MAX_LENGTH.get(spec.type)
    kind = spec.type
    if kind == T.SINGLELINE:
        return TextField(max_length=max_length, **common)
    if kind == T.MULTILINE:
        return TextField(
            max_length=max_length,
            multiline=True,
            widget=forms.Textarea(attrs={"rows": 5}),
            **common,
        )
    if kind == T.HIDDEN:
        return TextField(max_length=max_length, widget=forms.HiddenInput, **common)
    if kind == T.EMAIL:
        return SafeEmailField(max_length=EMAIL_MAX_LENGTH, **common)
    if kind == T.URL:
        return forms.URLField(max_length=max_length, assume_scheme="https", **common)
    if kind == T.NUMBER:
        return forms.DecimalField(
            max_digits=NUMBER_DIGITS[0], decimal_places=NUMBER_DIGITS[1], **common
        )
    if kind == T.AMOUNT:
        minimum = spec.min_value if spec.min_value is not None else Decimal("0.01")
        return forms.DecimalField(
            max_digits=AMOUNT_DIGITS[0],
            decimal_places=AMOUNT_DIGITS[1],
            min_value=max(minimum, Decimal("0.01")),
            max_value=spec.max_value,
            **common,
        )
    if kind == T.CHECKBOX:
        return forms.BooleanField(**common)
    if kind == T.BOOLEAN:
        return YesNoField(**common)
    if kind in (T.DROPDOWN, T.COUNTRY, T.CURRENCY, T.TERM):
        choices = [("", "—"), *spec.choices]
        return ChoiceField(choices=choices, **common)
    if kind == T.RADIO:
        return ChoiceField(choices=spec.choices, widget=forms.RadioSelect, **common)
    if kind == T.CHECKBOXES:
        return forms.MultipleChoiceField(
            choices=spec.choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == T.MULTISELECT:
        return forms.MultipleChoiceField(choices=spec.choices, **common)
    if kind == T.DATE:
        return forms.DateField(
            input_formats=["%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"}), **common
        )
    if kind == T.DATETIME:
        return forms.DateTimeField(
            input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
            **common,
        )
    if kind == T.FILE:
        return UploadField(
            widget=forms.ClearableFileInput(attrs={"accept": ",".join(spec.accept)}), **common
        )
    raise ValueError(f"Unknown field type {kind!r}")


class SubmissionForm(forms.Form):
    """A form built from the page's field specs; `cleaned_payload` is what gets stored."""

    def __init__(self, specs: list[FieldSpec], *args, **kwargs):
        kwargs.setdefault("auto_id", "field-%s")
        super().__init__(*args, **kwargs)
        self.specs = {spec.key: spec for spec in specs}
        for spec in specs:
            self.fields[spec.key] = build_field(spec)
            self._describe(spec.key)

    def _describe(self, key: str, with_errors: bool = False) -> None:
        """Tie help text and errors to the input, for screen readers."""
        field_ = self.fields[key]
        if isinstance(field_.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            return  # described on their fieldset in the template
        auto_id = str(self.auto_id) % key
        described = field_.help_text or isinstance(field_, UploadField)  # limits are stated
        ids = [f"{auto_id}_helptext"] if described else []
        if with_errors:
            ids.append(f"{auto_id}_errors")
            field_.widget.attrs["aria-invalid"] = "true"
        if ids:
            field_.widget.attrs["aria-describedby"] = " ".join(ids)

    def full_clean(self):
        super().full_clean()
        for key in self.errors:
            if key in self.fields:
                self._describe(key, with_errors=True)

    def cleaned_payload(self) -> dict:
        payload = {}
        for key, value in self.cleaned_data.items():
            if self.specs[key].type == T.FILE:
                continue
            if isinstance(value, Decimal):
                value = str(value)
            elif isinstance(value, datetime.date | datetime.datetime):
                value = value.isoformat()
            payload[key] = value
        return payload

    def uploads(self) -> dict:
        return {
            key: value
            for key, value in self.cleaned_data.items()
            if self.specs[key].type == T.FILE and value
        }

    def error_dict(self) -> dict[str, list[str]]:
        errors = {}
        for key, messages in self.errors.items():
            name = "non_field_errors" if key == "__all__" else key
            errors[name] = [str(message) for message in messages]
        return errors


STRING_TYPES = {
    T.SINGLELINE, T.MULTILINE, T.EMAIL, T.URL, T.DROPDOWN, T.RADIO, T.DATE, T.DATETIME,
    T.HIDDEN, T.COUNTRY, T.CURRENCY, T.TERM,
}  # fmt: skip


def json_to_form_data(specs: list[FieldSpec], body: object) -> tuple[dict, dict]:
    """Check each JSON value's type and turn it into what a form field reads."""
    if not isinstance(body, dict):
        return {}, {"non_field_errors": [str(_("Send a JSON object of field values."))]}
    by_key = {spec.key: spec for spec in specs}
    data: dict = {}
    errors: dict[str, list[str]] = {}
    for key, value in body.items():
        spec = by_key.get(key)
        if spec is None:
            errors[str(key)[:100]] = [str(_("Unknown field."))]
            continue
        if value is None:
            continue
        kind = spec.type
        ok = True
        if kind in STRING_TYPES:
            ok = isinstance(value, str)
        elif kind in (T.AMOUNT, T.NUMBER):
            ok = isinstance(value, str | int) and not isinstance(value, bool)
            value = str(value) if ok else value
        elif kind in (T.BOOLEAN, T.CHECKBOX):
            ok = isinstance(value, bool)
            if ok and kind == T.BOOLEAN:
                value = "true" if value else "false"
        elif kind in (T.CHECKBOXES, T.MULTISELECT):
            ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
        elif kind == T.FILE:
            errors[key] = [str(_("Send files as multipart/form-data."))]
            continue
        if not ok:
            errors[key] = [str(_("This value has the wrong type."))]
            continue
        data[key] = value
    return data, errors


class MultiValueData(dict):
    """A dict that answers getlist(), so multiple-choice fields read JSON lists."""

    def getlist(self, key, default=None):
        value = self.get(key, default if default is not None else [])
        return value if isinstance(value, list) else [value]
