"""The donation form page: amounts, currencies, the pledge path and the receipts' texts."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import path
from wagtail.fields import RichTextField

from ..links import absolute
from ..stripe_api import stripe_enabled
from .donations import Donation
from .pages import AbstractReviewedFormPage, email_text


def amount_text(amount: Decimal) -> str:
    """An amount as people write it in the active language: 5, 100,000, 12.50."""
    places = 0 if amount == amount.to_integral_value() else 2
    return number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)


class DonationFormPage(AbstractReviewedFormPage):
    kind = "donation"
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
    receipt_subject, receipt_body = email_text(
        _("receipt subject"),
        _("receipt body"),
        _(
            "{donor_name}, {amount}, {currency}, {reference}, {paid_at}, {receipt_number}, "
            "{us_statement} and {organisation} are replaced; empty uses the standard text."
        ),
    )
    receipt_summary_subject, receipt_summary_body = email_text(
        _("yearly summary subject"),
        _("yearly summary body"),
        _(
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
        donation = Donation.objects.filter(submission__reference=reference).order_by("pk").first()
        return self.donation_url(donation) if donation else super().thank_you_url(reference)
