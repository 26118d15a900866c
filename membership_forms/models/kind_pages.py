"""The page editors add for each kind of form (the donation's is in `donation_page.py`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from ..terms import open_terms, parse_term, term_deadline
from .pages import AbstractApplicationFormPage, AbstractReviewedFormPage, split_recipients


class MembershipFormPage(AbstractReviewedFormPage):
    kind = "membership"

    class Meta:
        verbose_name = _("membership form page")


class SupporterFormPage(AbstractReviewedFormPage):
    kind = "supporter"
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

    kind = "internship"
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


def term_name(term: str) -> str:
    """A term in words for staff ("Summer 2027"); the slug itself if it is not a term."""
    try:
        season, year = parse_term(term)
    except ValueError:
        return term
    return _("%(season)s %(year)s") % {"season": SEASON_LABELS[season], "year": year}


def term_label(term: str) -> str:
    season, year = parse_term(term)
    return _("%(season)s %(year)s (apply by %(deadline)s)") % {
        "season": SEASON_LABELS[season],
        "year": year,
        "deadline": term_deadline(term).isoformat(),
    }


class NewsletterFormPage(AbstractApplicationFormPage):
    kind = "newsletter"

    class Meta:
        verbose_name = _("newsletter form page")


class ContactFormPage(AbstractApplicationFormPage):
    """A message to the Secretariat: acknowledged to the sender, alerted to the staff
    recipients (the Secretariat's address, which the page must have)."""

    kind = "contact"

    class Meta:
        verbose_name = _("contact form page")

    def clean(self) -> None:
        super().clean()
        if not split_recipients(self.staff_recipients):
            raise ValidationError(
                {"staff_recipients": _("Give the address the messages are sent to.")}
            )
