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
    "DonationFormPage",
    "FormField",
    "InternshipFormPage",
    "MembershipFormPage",
    "NewsletterFormPage",
    "ReferenceCounter",
    "Submission",
    "SubmissionFile",
    "SubmissionStatus",
    "SupporterFormPage",
]
