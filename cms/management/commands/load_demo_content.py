from django.core.management.base import BaseCommand
from wagtail.models import Locale


class Command(BaseCommand):
    help = "Build the demo site from the coalition's facts. Safe to run again."

    def handle(self, *args, **options):
        for code in ("en", "fr", "es", "ar"):
            Locale.objects.get_or_create(language_code=code)
