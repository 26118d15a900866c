from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipFormsConfig(AppConfig):
    """One entry in INSTALLED_APPS does the wiring: system checks, the receivers that keep
    caches honest, the signals' way to the Celery tasks, and the forms router on Wagtail's
    API v3 (mounted by ``path("", include("membership_forms.urls"))``)."""

    name = "membership_forms"
    verbose_name = _("Membership forms")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401  (registers the system checks)
            queueing,
        )
        from .api import register_router
        from .signal_handlers import connect

        connect()
        queueing.connect()
        register_router()
