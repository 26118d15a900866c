from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Coalition site"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The Celery app must exist before any task is sent from a web process.
        import tasks  # noqa: F401
        from cms import checks, signals  # noqa: F401  (checks register themselves)

        signals.connect()
