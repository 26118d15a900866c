"""The record of visitors' sign-ins by emailed code, for staff to look through."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignInEvent(models.TextChoices):
    SIGNED_IN = "signed_in", _("Signed in")
    CODE_REJECTED = "code_rejected", _("Wrong code")
    ATTEMPT_ENDED = "attempt_ended", _("Wrong code: attempt ended")
    SIGNED_OUT = "signed_out", _("Signed out")


class SignInRecord(models.Model):
    """One sign-in, wrong code or sign-out. The client address is kept as a keyed hash
    (membership_forms.limits.digest), like every stored client address: enough to see
    that attempts came from one place, not where."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    event = models.CharField(_("event"), max_length=20, choices=SignInEvent.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    email = models.EmailField(_("email address"), blank=True)
    client_hash = models.CharField(_("client (hashed)"), max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("sign-in record")
        verbose_name_plural = _("sign-in records")

    def __str__(self) -> str:
        return f"{self.get_event_display()} {self.email} {self.at:%Y-%m-%d %H:%M}"
