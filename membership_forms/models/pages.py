"""Form page types: one abstract base and one concrete page per kind of form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from ..conf import get_setting
from ..countries import country_choices
from ..eligibility import open_terms, parse_term, term_deadline
from ..kinds import PRIVACY_NOTES, SUBMIT_LABELS, FieldType, FormKind, core_fields
from ..links import absolute
from ..validation import FieldSpec
from .fields import FormField, make_key

THANK_YOU_SALT = "membership_forms.thank_you"


def validate_recipients(value: str) -> None:
    for address in split_recipients(value):
        validate_email(address)


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
    confirmation_subject = models.CharField(
        _("confirmation email subject"), max_length=255, blank=True
    )
    confirmation_body = models.TextField(
        _("confirmation email body"),
        blank=True,
        help_text=_(
            "{name}, {reference} and {form} are replaced by the applicant's name, the "
            "reference and the form's title, {signature} by the standard sign-off; {link} by "
            "the confirmation link (newsletter) and {pledge} by what to pay and where "
            "(donations pledged offline). Both are added at the end when the text has none."
        ),
    )
    staff_alert_subject = models.CharField(_("staff alert subject"), max_length=255, blank=True)
    staff_alert_body = models.TextField(
        _("staff alert body"),
        blank=True,
        help_text=_(
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
            self.application_fields = ordered

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
        first: dict[str, int] = {}
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

    # --- Hooks --------------------------------------------------------------------------

    #: True when `after_record` stores rows of its own: the submission is then stored in a
    #: transaction with them (without files or such rows it takes one statement).
    records_related_rows = False

    def after_record(self, submission) -> None:
        """Called inside the transaction that stored `submission`; add rows that go with it."""

    def check_submission_allowed(self, client_hash: str) -> str | None:
        """A message refusing this client before validation (429), or None."""
        return None

    def submission_answer(self, submission) -> dict:
        """Extra keys for the submit endpoint's answer (the donation's payment details)."""
        return {}

    # --- What the page says -------------------------------------------------------------

    def privacy_note(self) -> str:
        """How the answers are used and kept, in the active language (beside the button)."""
        return str(PRIVACY_NOTES[self.kind]) % {"days": get_setting("RETENTION_DAYS")}

    def submit_label(self) -> str:
        return str(SUBMIT_LABELS[self.kind])

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

    approval_subject = models.CharField(_("approval email subject"), max_length=255, blank=True)
    approval_body = models.TextField(
        _("approval email body"),
        blank=True,
        help_text=_("{name}, {reference} and {form} are replaced; empty uses the standard text."),
    )
    decline_subject = models.CharField(_("decline email subject"), max_length=255, blank=True)
    decline_body = models.TextField(
        _("decline email body"),
        blank=True,
        help_text=_(
            "{name}, {reference}, {form} and {reason} (the reviewer's reason) are replaced; "
            "empty uses the standard text."
        ),
    )
    info_request_subject = models.CharField(
        _("information request subject"), max_length=255, blank=True
    )
    info_request_body = models.TextField(
        _("information request body"),
        blank=True,
        help_text=_(
            "{name}, {reference}, {form}, {message} (the reviewer's question) and {link} (where "
            "the applicant answers) are replaced; empty uses the standard text."
        ),
    )
    reminder_subject = models.CharField(_("review reminder subject"), max_length=255, blank=True)
    reminder_body = models.TextField(
        _("review reminder body"),
        blank=True,
        help_text=_(
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


class MembershipFormPage(AbstractReviewedFormPage):
    kind = FormKind.MEMBERSHIP

    class Meta:
        verbose_name = _("membership form page")


class SupporterFormPage(AbstractReviewedFormPage):
    kind = FormKind.SUPPORTER
    auto_approve_eligible = models.BooleanField(
        _("approve eligible NGO Supporters automatically"),
        default=False,
        help_text=_(
            "When on, an application the rules find eligible is approved without a review."
        ),
    )

    content_panels = [
        *AbstractReviewedFormPage.content_panels,
        FieldPanel("auto_approve_eligible"),
    ]

    class Meta:
        verbose_name = _("NGO Supporter form page")


class InternshipFormPage(AbstractReviewedFormPage):
    """Offers only the terms whose deadline has not passed (ELIGIBILITY.md)."""

    kind = FormKind.INTERNSHIP
    terms_offered = models.PositiveSmallIntegerField(
        _("terms offered"),
        default=3,
        help_text=_("How many upcoming open terms the form offers."),
    )

    content_panels = [*AbstractReviewedFormPage.content_panels, FieldPanel("terms_offered")]

    class Meta:
        verbose_name = _("internship form page")

    def get_core_choices(self, key, today):
        if key != "term":
            return None
        return tuple((term, term_label(term)) for term in open_terms(today, self.terms_offered))


SEASON_LABELS = {"spring": _("Spring"), "summer": _("Summer"), "fall": _("Fall")}


def term_label(term: str) -> str:
    season, year = parse_term(term)
    return _("%(season)s %(year)s (apply by %(deadline)s)") % {
        "season": SEASON_LABELS[season],
        "year": year,
        "deadline": term_deadline(term).isoformat(),
    }


def amount_text(amount: Decimal) -> str:
    """An amount as people write it in the active language: 5, 100,000, 12.50."""
    places = 0 if amount == amount.to_integral_value() else 2
    return number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)


class DonationFormPage(AbstractReviewedFormPage):
    kind = FormKind.DONATION
    form_template = "membership_forms/donation_form_page.html"
    suggested_amounts = models.CharField(
        _("suggested amounts"), max_length=200, blank=True, default="25,50,100,250"
    )
    currencies = models.CharField(
        _("currencies"),
        max_length=200,
        default="USD,EUR",
        help_text=_("ISO 4217 codes, separated by commas."),
    )
    minimum_amount = models.DecimalField(
        _("minimum amount"), max_digits=12, decimal_places=2, default=Decimal("5")
    )
    maximum_amount = models.DecimalField(
        _("maximum amount"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("100000"),
        help_text=_("Larger gifts are refused online; donors are asked to get in touch."),
    )
    pledge_instructions = RichTextField(
        _("pledge instructions"),
        blank=True,
        help_text=_(
            "Shown after a donation when online payment is off: bank transfer and postal "
            "details. The donation's reference is shown with them."
        ),
    )
    receipt_organisation = models.TextField(
        _("organisation details on receipts"),
        blank=True,
        help_text=_("Legal name, address and tax identification number printed on receipts."),
    )
    review_threshold = models.DecimalField(
        _("review threshold"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Single gifts above this are confirmed by a person."),
    )
    receipt_subject = models.CharField(_("receipt subject"), max_length=255, blank=True)
    receipt_body = models.TextField(
        _("receipt body"),
        blank=True,
        help_text=_(
            "{donor_name}, {amount}, {currency}, {reference}, {paid_at}, {receipt_number}, "
            "{us_statement} and {organisation} are replaced; empty uses the standard text."
        ),
    )
    receipt_summary_subject = models.CharField(
        _("yearly summary subject"), max_length=255, blank=True
    )
    receipt_summary_body = models.TextField(
        _("yearly summary body"),
        blank=True,
        help_text=_(
            "{donor_name}, {year}, {gift_lines} (one line per gift) and {total_lines} (one "
            "line per currency) are replaced; empty uses the standard text."
        ),
    )

    content_panels = [
        *AbstractReviewedFormPage.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("suggested_amounts"),
                FieldPanel("currencies"),
                FieldRowPanel(
                    [
                        FieldPanel("minimum_amount"),
                        FieldPanel("maximum_amount"),
                        FieldPanel("review_threshold"),
                    ]
                ),
                FieldPanel("pledge_instructions"),
                FieldPanel("receipt_organisation"),
            ],
            heading=_("Donations"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("receipt_subject"),
                FieldPanel("receipt_body"),
                FieldPanel("receipt_summary_subject"),
                FieldPanel("receipt_summary_body"),
            ],
            heading=_("Receipt emails"),
            classname="collapsed",
        ),
    ]

    class Meta:
        verbose_name = _("donation form page")

    def currency_codes(self) -> list[str]:
        return [code.strip().upper() for code in self.currencies.split(",") if code.strip()]

    def amounts(self) -> list[str]:
        return [amount.strip() for amount in self.suggested_amounts.split(",") if amount.strip()]

    def get_core_choices(self, key, today):
        if key == "currency":
            return tuple((code, code) for code in self.currency_codes())
        return None

    def get_context(self, request, *args, **kwargs):
        from ..stripe_api import stripe_enabled

        context = super().get_context(request, *args, **kwargs)
        context["online_payment"] = stripe_enabled()
        return context

    def get_core_help(self, key):
        if key == "amount":
            limits = _("At least %(minimum)s and at most %(maximum)s.") % {
                "minimum": amount_text(self.minimum_amount),
                "maximum": amount_text(self.maximum_amount),
            }
            if amounts := self.amounts():
                return _("For example %(amounts)s. %(limits)s") % {
                    "amounts": ", ".join(amounts),
                    "limits": limits,
                }
            return str(limits)
        if key == "frequency":
            return str(
                _(
                    "A monthly gift is taken each month until you stop it; every receipt "
                    "has the link to stop it."
                )
            )
        return None

    def get_min_value(self, key):
        return self.minimum_amount if key == "amount" else None

    def get_max_value(self, key):
        return self.maximum_amount if key == "amount" else None

    records_related_rows = True

    def after_record(self, submission) -> None:
        from ..services.donations import create_donation

        create_donation(self, submission)

    def check_submission_allowed(self, client_hash: str) -> str | None:
        from ..services.donations import card_testing_refusal

        return card_testing_refusal(client_hash)

    def submission_answer(self, submission) -> dict:
        from ..services.donations import payment_answer

        return payment_answer(submission)

    # The donor's page after submitting: where to pay, or how to pledge. Keyed by the
    # donation's random token (Stripe's return address too), so it outlives the 24 h
    # signed thank-you link.
    @path("gift/<uuid:token>/")
    def donation_view(self, request, token):
        from ..views import serve_donation_status

        return serve_donation_status(request, self, token)

    def donation_url(self, donation, *, full: bool = False) -> str:
        base = absolute(self.url) if full else self.url
        return base + self.reverse_subpage("donation_view", args=(donation.token,))

    def thank_you_url(self, reference: str) -> str:
        from ..models import Donation

        donation = Donation.objects.filter(submission__reference=reference).order_by("pk").first()
        return self.donation_url(donation) if donation else super().thank_you_url(reference)


class NewsletterFormPage(AbstractApplicationFormPage):
    kind = FormKind.NEWSLETTER

    class Meta:
        verbose_name = _("newsletter form page")


FORM_PAGE_MODELS = (
    MembershipFormPage,
    SupporterFormPage,
    InternshipFormPage,
    DonationFormPage,
    NewsletterFormPage,
)
