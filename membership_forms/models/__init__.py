from .donations import (
    Donation,
    DonationStatus,
    DonationSubscription,
    Frequency,
    PaymentMethod,
    Receipt,
    ReceiptCounter,
    StripeEvent,
)
from .fields import FormField
from .pages import (
    FORM_PAGE_MODELS,
    AbstractApplicationFormPage,
    DonationFormPage,
    InternshipFormPage,
    MembershipFormPage,
    NewsletterFormPage,
    SupporterFormPage,
)
from .submissions import ReferenceCounter, Submission, SubmissionFile, SubmissionStatus

__all__ = [
    "FORM_PAGE_MODELS",
    "AbstractApplicationFormPage",
    "Donation",
    "DonationFormPage",
    "DonationStatus",
    "DonationSubscription",
    "FormField",
    "Frequency",
    "InternshipFormPage",
    "MembershipFormPage",
    "NewsletterFormPage",
    "PaymentMethod",
    "Receipt",
    "ReceiptCounter",
    "ReferenceCounter",
    "StripeEvent",
    "Submission",
    "SubmissionFile",
    "SubmissionStatus",
    "SupporterFormPage",
]
