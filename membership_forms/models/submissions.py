"""Submissions: the inbox of every form, and the outbox the workers read."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from .. import kinds
from ..kinds import kind_choices


class ScreeningOutcome(models.TextChoices):
    """The screening's verdict (`eligibility.Outcome`), with the words staff read."""

    ELIGIBLE = "eligible", _("Eligible")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    INELIGIBLE = "ineligible", _("Ineligible")

    @classmethod
    def label_of(cls, value: str) -> str:
        """The label of a stored outcome; the value itself if it is not one (or empty)."""
        return str(cls(value).label) if value in cls.values else value


class SubmissionStatus(models.TextChoices):
    """Where a submission stands. After screening it is never `received` again.

    `in_review` means people decide next (the review queues hold the detail);
    `processed` means screened with nothing to decide; `failed` means the workers gave up
    after their retries and staff must look (the admin offers a retry).
    """

    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PENDING_CONFIRMATION = "pending_confirmation", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    PROCESSED = "processed", _("Processed")
    FAILED = "failed", _("Failed")


class Submission(models.Model):
    """One submission, stored whole in one transaction before anything slow happens.

    `form_key` is the form page's translation key, so every translation of a form shares
    one inbox; `page` is the translation the visitor used and `locale` their language.
    """

    # Unique through a constraint, not unique=True, which on PostgreSQL adds a second
    # (LIKE) index that no query uses; `form_key` lookups use mf_submission_idempotency.
    reference = models.CharField(_("reference"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20, choices=kind_choices)
    form_key = models.UUIDField(_("form"))
    # No database constraint: checking one at each insert locks the form page's row
    # (FOR KEY SHARE), and every submission to a form shares that row. Django still sets
    # `page` to NULL when the page is deleted; `form_key` is the link that lasts.
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    locale = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"),
        max_length=32,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.RECEIVED,
    )
    payload = models.JSONField(_("answers"), default=dict)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    queued_at = models.DateTimeField(_("last queued at"), null=True, blank=True)
    screening = models.JSONField(_("screening result"), null=True, blank=True)
    # NULL, not "", when absent: the unique constraint must ignore submissions without a key.
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    request_hash = models.CharField(max_length=64, blank=True)
    client_hash = models.CharField(max_length=64, blank=True)
    # Set when the applicant corrected answers (an information request): the worker screens
    # the submission again and clears it; the sweep re-queues one left set too long.
    rescreen_requested_at = models.DateTimeField(null=True, blank=True)
    confirmation_allowed = models.BooleanField(
        _("confirmation email allowed"),
        default=True,
        help_text=_("False when the address already had its share of confirmations today."),
    )

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="mf_submission_reference"),
            models.UniqueConstraint(
                fields=["form_key", "idempotency_key"], name="mf_submission_idempotency"
            ),
        ]
        # Also mf_submission_duplicate_keys, a GIN index on `screening -> 'keys'` for the
        # duplicate lookup (migration 0008: Django cannot declare it on an expression).
        indexes = [models.Index(fields=["status", "submitted_at"], name="mf_submission_outbox")]
        permissions = [
            ("download_submissionfile", "Can download submitted files"),
            # Newsletter sign-ups belong to no review queue: they have a permission of their own.
            ("view_newsletter_signups", "Can see newsletter sign-ups"),
            # So have messages from the contact form.
            ("view_contact_messages", "Can see contact messages"),
            # The integrity checks page (integrity_admin.py): the Secretariat's.
            ("view_integrity", "Can see the integrity checks"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def applicant_email(self) -> str:
        """The sender's address: the answer its kind names (KindSpec.contact_fields)."""
        return self._answer(kinds.get(self.kind).email_field)

    @property
    def applicant_name(self) -> str:
        return self._answer(kinds.get(self.kind).name_field)

    @property
    def first_donation(self):
        """The gift a donation form's submission recorded (one per submission), or None."""
        return self.donations.order_by("pk").first()

    def _answer(self, key: str) -> str:
        return str((self.payload or {}).get(key) or "").strip()

    def set_status(self, status: str, *, user=None, save: bool = True, **data) -> bool:
        """The one place a submission's status changes: set, saved (unless `save` is False:
        the caller saves it with its other fields, in the same transaction) and logged on
        the submission's own log (`membership_forms.submission.status`, from and to).
        False when it already had that status."""
        previous = self.status
        if previous == status:
            return False
        self.status = status
        if save:
            self.save(update_fields=["status"])
        log(
            instance=self,
            action="membership_forms.submission.status",
            user=user,
            data={"from": previous, "to": str(status), **data},
        )
        return True


class SubmissionFile(models.Model):
    """A file kept in private storage under a random name; only its hash and size are public."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    field_key = models.CharField(max_length=60)
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=255, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")

    def __str__(self) -> str:
        return self.original_name


class ReferenceCounter(models.Model):
    """The last sequence number given per kind and year (row locked while incremented)."""

    kind = models.CharField(max_length=20, choices=kind_choices)
    year = models.PositiveIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="mf_reference_counter")
        ]

    def __str__(self) -> str:
        return f"{self.kind}-{self.year}: {self.value}"
