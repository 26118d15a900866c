from .fields import FormField
from .notifications import (
    NewsletterConsent,
    Notification,
    NotificationKind,
    NotificationStatus,
)
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
    "NewsletterConsent",
    "NewsletterFormPage",
    "Notification",
    "NotificationKind",
    "NotificationStatus",
    "ReferenceCounter",
    "Submission",
    "SubmissionFile",
    "SubmissionStatus",
    "SupporterFormPage",
]
