"""Review queues: one `Review` per screened submission a person must decide on.

The states and the transitions between them live in `services/reviews.py` (a table in
code, see docs/review-design.md); these models only hold the data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import TranslatableMixin

from ..voting import Majority, Result


class ReviewQueue(models.TextChoices):
    MEMBERSHIP = "membership", _("Membership")
    SUPPORTER = "supporter", _("NGO Supporters")
    INTERNSHIP = "internship", _("Internships")
    DONATION = "donation", _("Donations")


class ReviewStatus(models.TextChoices):
    AFFILIATION = "affiliation", _("Network affiliation")
    SCREENING = "screening", _("Screening")
    COMMITTEE_VOTE = "committee_vote", _("Committee vote")
    NO_QUORUM = "no_quorum", _("No quorum")
    INFO_REQUESTED = "info_requested", _("Information requested")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CLOSED_STATUSES = frozenset({ReviewStatus.APPROVED, ReviewStatus.DECLINED, ReviewStatus.WITHDRAWN})
OPEN_STATUSES = frozenset(set(ReviewStatus) - CLOSED_STATUSES)

# The permission (codename) that lets a group review each queue.
QUEUE_PERMISSIONS: dict[str, str] = {
    ReviewQueue.MEMBERSHIP: "review_membership",
    ReviewQueue.SUPPORTER: "review_supporter",
    ReviewQueue.INTERNSHIP: "review_internship",
    ReviewQueue.DONATION: "review_donation",
}
VOTE_PERMISSION = "vote_membership"


# The committee's rules and a ballot's outcome in words (the rules' settings, the ballot's
# summary on the review page).
MAJORITY_CHOICES = [
    (Majority.SIMPLE.value, _("Simple majority")),
    (Majority.TWO_THIRDS.value, _("Two thirds")),
]
RESULT_CHOICES = [
    (Result.APPROVED.value, _("Approved")),
    (Result.DECLINED.value, _("Declined")),
    (Result.NO_QUORUM.value, _("No quorum")),
]


class DeclineReason(TranslatableMixin, models.Model):
    """A reason a reviewer picks when declining an item of its queue; its text goes into the
    decision email. The queue is the same in every translation (wagtail-localize syncs it)."""

    queue = models.CharField(
        _("queue"),
        max_length=20,
        choices=ReviewQueue.choices,
        help_text=_("The review queue whose reviewers may choose this reason."),
    )
    code = models.SlugField(_("code"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text for the applicant"))

    panels = [FieldPanel("queue"), FieldPanel("code"), FieldPanel("title"), FieldPanel("text")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("decline reason")
        verbose_name_plural = _("decline reasons")
        ordering = ["queue", "title"]

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    """Where a screened submission stands in its queue. `__str__` is the reference only."""

    submission = models.OneToOneField(
        "membership_forms.Submission", on_delete=models.CASCADE, related_name="review"
    )
    queue = models.CharField(_("queue"), max_length=20, choices=ReviewQueue.choices)
    status = models.CharField(_("status"), max_length=20, choices=ReviewStatus.choices)
    resume_status = models.CharField(
        _("status after the information request"),
        max_length=20,
        choices=ReviewStatus.choices,
        blank=True,
    )
    status_changed_at = models.DateTimeField(_("in this status since"))
    needs_affiliation = models.BooleanField(_("needs network affiliation"), default=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decline_reason = models.ForeignKey(
        DeclineReason, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    flagged = models.BooleanField(
        _("flagged"), default=False, help_text=_("Still open after its internship term closed.")
    )
    reminded_on = models.DateField(_("last reminder"), null=True, blank=True)
    purged_at = models.DateTimeField(_("personal data removed at"), null=True, blank=True)
    # Copied from the submission and its screening once, by `open_review`, for filters.
    outcome = models.CharField(_("screening outcome"), max_length=20, blank=True)
    reason_codes = models.JSONField(_("reason codes"), default=list, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    region = models.CharField(_("region"), max_length=40, blank=True)
    term = models.CharField(_("term"), max_length=20, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["submitted_at", "pk"]
        indexes = [
            models.Index(fields=["queue", "status"], name="mf_review_queue_status"),
            models.Index(fields=["submitted_at"], name="mf_review_submitted"),
        ]
        permissions = [
            ("review_membership", "Can review membership applications"),
            ("review_supporter", "Can review NGO Supporter applications"),
            ("review_internship", "Can review internship applications"),
            ("review_donation", "Can review donations"),
            ("vote_membership", "Can vote on membership applications"),
        ]

    def __str__(self) -> str:
        return self.submission.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def open_ballot(self) -> Ballot | None:
        return self.ballots.filter(closed_at__isnull=True).first()


class Ballot(models.Model):
    """One committee vote. Rules and electorate are copied when it opens and never change."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="ballots")
    opened_at = models.DateTimeField(_("opened at"))
    closes_at = models.DateTimeField(_("closes at"))
    quorum = models.PositiveSmallIntegerField(_("quorum"))
    majority = models.CharField(_("majority"), max_length=20, choices=MAJORITY_CHOICES)
    electorate = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    result = models.CharField(_("result"), max_length=20, blank=True, choices=RESULT_CHOICES)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ballot")
        ordering = ["opened_at", "pk"]

    def __str__(self) -> str:
        return f"{self.review} ballot {self.pk}"


class VoteChoice(models.TextChoices):
    APPROVE = "approve", _("Approve")
    DECLINE = "decline", _("Decline")
    ABSTAIN = "abstain", _("Abstain")


class Vote(models.Model):
    """A member's vote; they may change it until the ballot closes."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("vote"), max_length=10, choices=VoteChoice.choices)
    comment = models.TextField(_("comment"), blank=True)
    cast_at = models.DateTimeField(_("cast at"))

    class Meta:
        verbose_name = _("vote")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "voter"], name="mf_vote_once_per_ballot")
        ]

    def __str__(self) -> str:
        return f"{self.ballot}: {self.choice}"


class ReviewComment(models.Model):
    """An internal note; never shown to the applicant."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review comment")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.review} comment {self.pk}"


class InformationRequest(models.Model):
    """What the applicant is asked to add, answered once through a signed link."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="info_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(_("message to the applicant"))
    fields = models.JSONField(_("requested fields"), default=list)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("information request")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.review} request {self.pk}"


@register_setting(icon="group")
class CommitteeRules(BaseGenericSetting):
    """The Steering Committee's voting rules; an open ballot keeps the rules it opened with."""

    quorum = models.PositiveSmallIntegerField(
        _("quorum"), default=3, help_text=_("Votes needed (abstentions count).")
    )
    majority = models.CharField(
        _("majority"),
        max_length=20,
        choices=MAJORITY_CHOICES,
        default=Majority.SIMPLE.value,
    )
    vote_days = models.PositiveSmallIntegerField(
        _("vote period (days)"), default=14, help_text=_("Days a vote stays open.")
    )

    class Meta:
        verbose_name = _("committee rules")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class Export(models.Model):
    """A queue export built by the workers, kept in private storage for its requester only."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    queue = models.CharField(_("queue"), max_length=20, choices=ReviewQueue.choices)
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    stored_name = models.CharField(max_length=255, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.queue} export {self.pk}"
