"""The form pages' abstract bases: fields, texts, emails and the HTML path every kind shares.

The concrete page of each kind is in `models/kind_pages.py` (the donation's in
`models/donation_page.py`), named by its kind's declaration (`kinds/<kind>.py`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from .. import kinds
from ..conf import get_setting
from ..countries import country_choices
from ..kinds import FieldType, core_fields
from ..validation import FieldSpec
from .fields import FormField, make_key

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

THANK_YOU_SALT = "membership_forms.thank_you"


def validate_recipients(value: str) -> None:
    for address in split_recipients(value):
        validate_email(address)


def email_text(subject: StrOrPromise, body: StrOrPromise, help_text: StrOrPromise):
    """An email editors may rewrite per page: its subject and body fields, in that order.
    Either left empty uses the standard text in the applicant's language."""
    return (
        models.CharField(subject, max_length=255, blank=True),
        models.TextField(body, blank=True, help_text=help_text),
    )


def split_recipients(value: str) -> list[str]:
    return [part.strip() for part in value.replace("\n", ",").split(",") if part.strip()]


class ApplicationFormPageForm(WagtailAdminPageForm):
    """Refuses, with a clear message, an edit that removes or retypes a core field."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("application_fields")
        if formset is None:
            return cleaned
        for form in formset.forms:
            instance = form.instance
            if not instance.is_core:
                continue
            if form in formset.deleted_forms:
                # On the page form: a deleted row's own errors would be ignored.
                self.add_error(
                    None,
                    _("“%(label)s” is a core field: it can be relabelled but not removed.")
                    % {"label": instance.label},
                )
                continue
            if "field_type" in form.changed_data or "key" in form.changed_data:
                form.add_error(
                    "field_type",
                    _("The key and type of a core field cannot change."),
                )
        return cleaned


class AbstractApplicationFormPage(RoutablePageMixin, Page):
    """A form page: intro, its kind's core fields and the editors' own, the thank-you text.

    Submitting only records the submission (see `services.record_submission`); the
    emails, screening and review happen in the workers.
    """

    kind: ClassVar[str]

    intro = RichTextField(_("introduction"), blank=True)
    thank_you_text = RichTextField(_("thank-you text"), blank=True)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    confirmation_subject, confirmation_body = email_text(
        _("confirmation email subject"),
        _("confirmation email body"),
        _(
            "{name}, {reference} and {form} are replaced by the applicant's name, the "
            "reference and the form's title, {signature} by the standard sign-off; {link} by "
            "the confirmation link (newsletter) and {pledge} by what to pay and where "
            "(donations pledged offline). Both are added at the end when the text has none."
        ),
    )
    staff_alert_subject, staff_alert_body = email_text(
        _("staff alert subject"),
        _("staff alert body"),
        _(
            "{reference}, {form}, {name}, {outcome} and {link} are replaced; empty uses the "
            "standard text."
        ),
    )
    staff_digest = models.BooleanField(
        _("daily digest for staff"),
        default=False,
        help_text=_("Send staff one email a day listing new submissions instead of one each."),
    )
    staff_recipients = models.TextField(
        _("staff recipients"),
        blank=True,
        validators=[validate_recipients],
        help_text=_("Addresses alerted of each submission, separated by commas."),
    )

    base_form_class = ApplicationFormPageForm
    form_template = "membership_forms/form_page.html"
    thank_you_template = "membership_forms/thank_you.html"
    subpage_types: ClassVar[list[str]] = []

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("application_fields", heading=_("Fields"), label=_("Field")),
        FieldPanel("thank_you_text"),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
        MultiFieldPanel(
            [
                FieldPanel("confirmation_subject"),
                FieldPanel("confirmation_body"),
                FieldPanel("staff_recipients"),
                FieldPanel("staff_digest"),
                FieldPanel("staff_alert_subject"),
                FieldPanel("staff_alert_body"),
            ],
            heading=_("Emails"),
        ),
    ]

    class Meta:
        abstract = True

    # --- Fields -------------------------------------------------------------------------

    def save(self, *args, **kwargs):
        self.__dict__.pop("_field_specs", None)
        self.materialise_fields()
        return super().save(*args, **kwargs)

    def materialise_fields(self) -> None:
        """Add any missing core field, and give every new extra field its lasting key."""
        rows = list(self.application_fields.all())
        taken = {row.key for row in rows if row.key}
        for row in rows:
            if not row.key:
                row.key = make_key(row.label, taken)
                taken.add(row.key)
        present = {row.key for row in rows if row.is_core}
        order = len(rows)
        missing = []
        for core in core_fields(self.kind).values():
            if core.key not in present:
                missing.append(
                    FormField(
                        key=core.key,
                        is_core=True,
                        field_type=core.type,
                        required=core.required,
                        max_length=core.max_length,
                        sort_order=order,
                    )
                )
                order += 1
        if missing:
            # A new page lists its core fields first, in the order DESIGN.md gives them.
            ordered = missing + rows if not self.pk else rows + missing
            for index, row in enumerate(ordered):
                row.sort_order = index
            self.application_fields.set(ordered)

    def clean(self) -> None:
        super().clean()
        if self.pk:
            present = {row.key for row in self.application_fields.all() if row.is_core}
            if missing := set(core_fields(self.kind)) - present:
                raise ValidationError(
                    _("Core fields cannot be removed: %(keys)s.")
                    % {"keys": ", ".join(sorted(missing))}
                )
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The form must close after it opens.")})

    def get_core_choices(self, key: str, today: date) -> tuple[tuple[str, str], ...] | None:
        """Choices a page computes itself (terms, currencies); None keeps the code's."""
        return None

    def get_field_specs(self, today: date | None = None) -> list[FieldSpec]:
        """The fields in their order, labels in the page's language, types from code.

        Kept on the instance per day and language: a request asks for them more than once.
        """
        today = today or timezone.localdate()
        language = translation.get_language() or "en"
        cache = self.__dict__.setdefault("_field_specs", {})
        if (today, language) not in cache:
            cache[(today, language)] = self._build_field_specs(today, language)
        return cache[(today, language)]

    def _build_field_specs(self, today: date, language: str) -> list[FieldSpec]:
        cores = core_fields(self.kind)
        specs = []
        section = ""
        for row in self.application_fields.all():
            core = cores.get(row.key) if row.is_core else None
            field_type = core.type if core else row.field_type
            if core:
                choices = self.get_core_choices(row.key, today)
                if choices is None:
                    choices = tuple((value, str(label)) for value, label in core.choices)
            else:
                choices = tuple(row.parsed_choices())
            if field_type == FieldType.COUNTRY:
                choices = tuple(country_choices(language))
            if core and core.section:
                section = str(core.section)
            specs.append(
                FieldSpec(
                    key=row.key,
                    type=field_type,
                    # An empty label or help text is the standard one, in the page's language.
                    label=row.label or (str(core.label) if core else row.key),
                    required=core.required if core else row.required,
                    help_text=row.help_text
                    or (self.get_core_help(row.key) or str(core.help_text) if core else ""),
                    choices=choices,
                    max_length=(core.max_length if core else None) or row.max_length,
                    is_core=bool(core),
                    section=section,
                    min_value=self.get_min_value(row.key),
                    max_value=self.get_max_value(row.key),
                )
            )
        # Each section's questions together, sections in the order they first appear.
        first: dict[str | Promise, int] = {}
        for spec in specs:
            first.setdefault(spec.section, len(first))
        return sorted(specs, key=lambda spec: first[spec.section])

    def get_core_help(self, key: str) -> str | None:
        """Help a page computes itself for a core field (the donation's amounts); None
        keeps the code's."""
        return None

    def get_min_value(self, key: str) -> Decimal | None:
        return None

    def get_max_value(self, key: str) -> Decimal | None:
        return None

    # --- What the page says -------------------------------------------------------------

    @classmethod
    def spec(cls) -> kinds.KindSpec:
        """The declaration of this page's kind (membership_forms.kinds)."""
        return kinds.get(cls.kind)

    def privacy_note(self) -> str:
        """How the answers are used and kept, in the active language (beside the button)."""
        return str(self.spec().privacy_note) % {"days": get_setting("RETENTION_DAYS")}

    def submit_label(self) -> str:
        return str(self.spec().submit_label)

    # --- State --------------------------------------------------------------------------

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)

    # --- HTML path ----------------------------------------------------------------------

    def get_template(self, request, *args, **kwargs):
        return self.form_template

    @path("")
    def form_view(self, request):
        from ..views import serve_form_page

        return serve_form_page(request, self)

    @path("thank-you/<str:token>/")
    def thank_you_view(self, request, token):
        try:
            signed = bytes.fromhex(token).decode()
            reference = signing.loads(signed, salt=THANK_YOU_SALT, max_age=24 * 3600)
        except (ValueError, signing.BadSignature) as error:
            raise Http404 from error
        return TemplateResponse(
            request, self.thank_you_template, {"page": self, "reference": reference}
        )

    def thank_you_url(self, reference: str) -> str:
        # Hex, because Wagtail's page URLs allow only word characters and hyphens.
        token = signing.dumps(reference, salt=THANK_YOU_SALT).encode().hex()
        return self.url + self.reverse_subpage("thank_you_view", args=(token,))


class AbstractReviewedFormPage(AbstractApplicationFormPage):
    """A form whose submissions may wait in a review queue: the texts of its review emails.

    Each empty subject or body uses the standard text in the applicant's language.
    """

    approval_subject, approval_body = email_text(
        _("approval email subject"),
        _("approval email body"),
        _("{name}, {reference} and {form} are replaced; empty uses the standard text."),
    )
    decline_subject, decline_body = email_text(
        _("decline email subject"),
        _("decline email body"),
        _(
            "{name}, {reference}, {form} and {reason} (the reviewer's reason) are replaced; "
            "empty uses the standard text."
        ),
    )
    info_request_subject, info_request_body = email_text(
        _("information request subject"),
        _("information request body"),
        _(
            "{name}, {reference}, {form}, {message} (the reviewer's question) and {link} (where "
            "the applicant answers) are replaced; empty uses the standard text."
        ),
    )
    reminder_subject, reminder_body = email_text(
        _("review reminder subject"),
        _("review reminder body"),
        _(
            "Sent to staff about a submission waiting for a decision. {reference}, {form}, "
            "{name} and {status} are replaced; empty uses the standard text."
        ),
    )

    content_panels = [
        *AbstractApplicationFormPage.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("approval_subject"),
                FieldPanel("approval_body"),
                FieldPanel("decline_subject"),
                FieldPanel("decline_body"),
                FieldPanel("info_request_subject"),
                FieldPanel("info_request_body"),
                FieldPanel("reminder_subject"),
                FieldPanel("reminder_body"),
            ],
            heading=_("Review emails"),
            classname="collapsed",
        ),
    ]

    class Meta:
        abstract = True
