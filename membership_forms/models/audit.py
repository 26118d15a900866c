"""The audit logs of personal data: Wagtail log entries that know who may read them.

`ReviewLogEntry` is registered for `Review` and `Export` in `wagtail_hooks.py`, so every
`log(instance=review, ...)` lands here with the review's queue. The queue is copied into
the entry, so a queue's history is one indexed query, and it survives the review; who may
read an entry follows who may see its queue, in the queue's History view and in Wagtail's
site history report alike.

`SubmissionLogEntry` does the same for a `Submission` outside the queues (a newsletter
sign-up, a donation, one not screened yet), by its kind.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import BaseLogEntry, BaseLogEntryManager

from ..kinds import kind_choices
from .access import visible_kinds, visible_queues
from .reviews import ReviewQueue


class _ObjectLogEntryManager(BaseLogEntryManager):
    """Entries of one model, with the field that decides who may read them copied in."""

    #: The instance's attribute copied into each entry ("queue" or "kind").
    scope_field = ""

    def log_action(self, instance, action, **kwargs):
        kwargs.update(
            object_id=str(instance.pk), **{self.scope_field: getattr(instance, self.scope_field)}
        )
        return super().log_action(instance, action, **kwargs)

    def for_instance(self, instance):
        return self.filter(
            content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
            object_id=str(instance.pk),
        )


class ReviewLogEntryManager(_ObjectLogEntryManager):
    scope_field = "queue"

    def viewable_by_user(self, user):
        """Entries of the queues `user` may see (Wagtail's default goes by content type)."""
        return self.filter(queue__in=visible_queues(user))


class _LogEntry(BaseLogEntry):
    """Wagtail validates every entry before saving it; the content type's check is a query
    per entry (screening writes two per submission) for a key the database's own foreign
    key constraint already holds, so it is left to the database."""

    class Meta(BaseLogEntry.Meta):
        abstract = True

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
        super().full_clean(
            exclude={*(exclude or ()), "content_type"},
            validate_unique=validate_unique,
            validate_constraints=validate_constraints,
        )


class ReviewLogEntry(_LogEntry):
    object_id = models.CharField(max_length=255, db_index=True)
    queue = models.CharField(_("queue"), max_length=20, choices=ReviewQueue.choices)

    objects = ReviewLogEntryManager()

    class Meta(_LogEntry.Meta):
        verbose_name = _("review log entry")
        verbose_name_plural = _("review log entries")
        ordering = ["-timestamp", "-id"]
        indexes = [
            models.Index(fields=["uuid", "action", "-timestamp"], name="mf_reviewlog_uuid"),
            models.Index(fields=["queue", "-timestamp"], name="mf_reviewlog_queue_time"),
        ]

    def __str__(self) -> str:
        return f"ReviewLogEntry {self.pk}: {self.action} on {self.label} ({self.queue})"


class SubmissionLogEntryManager(_ObjectLogEntryManager):
    scope_field = "kind"

    def viewable_by_user(self, user):
        """Entries of the kinds `user` may read (Wagtail's default goes by content type)."""
        if user.is_superuser:
            return self.all()
        return self.filter(kind__in=visible_kinds(user))


class SubmissionLogEntry(_LogEntry):
    object_id = models.CharField(max_length=255, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=kind_choices, blank=True)

    objects = SubmissionLogEntryManager()

    class Meta(_LogEntry.Meta):
        verbose_name = _("submission log entry")
        verbose_name_plural = _("submission log entries")
        ordering = ["-timestamp", "-id"]
        indexes = [
            models.Index(fields=["uuid", "action", "-timestamp"], name="mf_submissionlog_uuid"),
            models.Index(fields=["kind", "-timestamp"], name="mf_submissionlog_kind_time"),
        ]

    def __str__(self) -> str:
        return f"SubmissionLogEntry {self.pk}: {self.action} on {self.label} ({self.kind})"
