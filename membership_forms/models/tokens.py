"""What a Wagtail API token may do: read only or not, which review queues, until when.

Wagtail's `APIToken` says who a request is; its scope narrows what that user may do
through it. Every token has one (made with it, see `services/tokens.py`): read only,
every queue its user may see, for API_TOKEN_DAYS, until someone who manages tokens
changes it in the admin.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .reviews import ReviewQueue


class ApiTokenScope(models.Model):
    token = models.OneToOneField(
        "wagtailcore.APIToken",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="scope",
        verbose_name=_("token"),
    )
    read_only = models.BooleanField(
        _("read only"),
        default=True,
        help_text=_("Untick to let the token change content through the API (pages, sites)."),
    )
    queues = models.JSONField(
        _("review queues"),
        default=list,
        blank=True,
        help_text=_("Submissions of these queues only; none ticked: every queue its user sees."),
    )
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("API token scope")
        verbose_name_plural = _("API token scopes")

    def __str__(self) -> str:
        return f"{self.token} until {self.expires_at:%Y-%m-%d}"

    def queue_labels(self) -> str:
        return ", ".join(str(ReviewQueue(queue).label) for queue in self.queues) or str(
            _("All its user sees")
        )
