from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipFormsConfig(AppConfig):
    name = "membership_forms"
    verbose_name = _("Membership forms")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .signal_handlers import connect

        connect()
