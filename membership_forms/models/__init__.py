from .audit import ReviewLogEntry, SubmissionLogEntry
from .directory import DirectoryCategory, DirectoryEntry, DirectoryPage
from .donation_page import DonationFormPage
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
from .kind_pages import (
    InternshipFormPage,
    MembershipFormPage,
    NewsletterFormPage,
    SupporterFormPage,
)
from .notifications import (
    NewsletterConsent,
    Notification,
    NotificationKind,
    NotificationStatus,
)
from .pages import AbstractApplicationFormPage
from .reviews import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    QUEUE_PERMISSIONS,
    VOTE_PERMISSION,
    Ballot,
    CommitteeRules,
    DeclineReason,
    Export,
    ExportFormat,
    ExportStatus,
    InformationRequest,
    Review,
    ReviewComment,
    ReviewQueue,
    ReviewStatus,
    Vote,
    VoteChoice,
)
from .settings import FormsApiSettings
from .submissions import ReferenceCounter, Submission, SubmissionFile, SubmissionStatus
from .tokens import ApiTokenScope

__all__ = [
    "CLOSED_STATUSES",
    "OPEN_STATUSES",
    "QUEUE_PERMISSIONS",
    "VOTE_PERMISSION",
    "AbstractApplicationFormPage",
    "ApiTokenScope",
    "Ballot",
    "CommitteeRules",
    "DeclineReason",
    "DirectoryCategory",
    "DirectoryEntry",
    "DirectoryPage",
    "Donation",
    "DonationFormPage",
    "DonationStatus",
    "DonationSubscription",
    "Export",
    "ExportFormat",
    "ExportStatus",
    "FormField",
    "FormsApiSettings",
    "Frequency",
    "InformationRequest",
    "InternshipFormPage",
    "MembershipFormPage",
    "NewsletterConsent",
    "NewsletterFormPage",
    "Notification",
    "NotificationKind",
    "NotificationStatus",
    "PaymentMethod",
    "Receipt",
    "ReceiptCounter",
    "ReferenceCounter",
    "Review",
    "ReviewComment",
    "ReviewLogEntry",
    "ReviewQueue",
    "ReviewStatus",
    "StripeEvent",
    "Submission",
    "SubmissionFile",
    "SubmissionLogEntry",
    "SubmissionStatus",
    "SupporterFormPage",
    "Vote",
    "VoteChoice",
]
