"""Donations: gifts paid online (Stripe) or pledged; large single gifts are reviewed.

Donors' data follow the donation retention rules (the accounts keep the gift).
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from .. import eligibility
from ..eligibility import DONATION_RULES
from .fields import DONOR_SECTION, FREQUENCIES, GIFT_SECTION, CoreField
from .fields import FieldType as T
from .registry import KindSpec, Retention, register

FIELDS = (
    CoreField("amount", T.AMOUNT, _("Amount"), section=GIFT_SECTION),
    CoreField("currency", T.CURRENCY, _("Currency"), section=GIFT_SECTION),
    CoreField("frequency", T.RADIO, _("Frequency"), choices=FREQUENCIES, section=GIFT_SECTION),
    CoreField("donor_name", T.SINGLELINE, _("Your name"), max_length=200, section=DONOR_SECTION),
    CoreField(
        "donor_email",
        T.EMAIL,
        _("Your email"),
        help_text=_("Your confirmation and receipt are sent here."),
        section=DONOR_SECTION,
    ),
    CoreField(
        "dedication",
        T.MULTILINE,
        _("Dedication"),
        required=False,
        max_length=1000,
        help_text=_("If you give in someone's name or memory."),
        section=DONOR_SECTION,
    ),
)


def application(submission, files) -> eligibility.DonationApplication:
    payload = submission.payload or {}
    page = submission.page.specific if submission.page else None
    try:
        amount = Decimal(str(payload.get("amount", "0")))
    except InvalidOperation:
        amount = Decimal(0)
    return eligibility.DonationApplication(
        amount=amount,
        frequency=str(payload.get("frequency", "")),
        review_threshold=getattr(page, "review_threshold", None),
    )


SPEC = register(
    KindSpec(
        key="donation",
        label=_("Donation"),
        reference_prefix="DON",
        page_model="membership_forms.DonationFormPage",
        core_fields=FIELDS,
        contact_fields=("donor_email", "donor_name"),
        privacy_note=_(
            "We use your name and email address to thank you and to send your receipt, and we "
            "keep the record of your gift for our accounts. Card payments are handled by our "
            "payment provider; we never see your card number."
        ),
        submit_label=_("Continue"),
        retention=Retention.DONOR,
        record_rows="membership_forms.services.donations.create_donation",
        admission_check="membership_forms.services.donations.card_testing_refusal",
        answer_extra="membership_forms.services.donations.payment_answer",
        rules=DONATION_RULES,
        application=application,
        queue="donation",
        review_codes=("AMOUNT_REVIEW",),
        read_permission="membership_forms.view_donation",
        export_columns=("donor_name", "amount", "currency", "frequency"),
        email_values="membership_forms.services.email_texts.pledge_values",
    )
)
