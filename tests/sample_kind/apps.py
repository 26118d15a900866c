from django.apps import AppConfig


class SampleKindConfig(AppConfig):
    """A kind the plugin does not ship, installed by the test settings only."""

    name = "tests.sample_kind"
    label = "sample_kind"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import kind  # noqa: F401  (registers the kind)
