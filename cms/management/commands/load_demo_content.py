import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Locale

from cms.demo.documents import ensure_documents, ensure_regions
from cms.demo.images import ensure_images
from cms.demo.indexing import indexes_updated_at_the_end
from cms.demo.pages import TreeBuilder, ensure_site_address
from cms.demo.site_settings import ensure_settings
from cms.demo.snippets import ensure_offices, ensure_tags

LANGUAGES = ("en", "fr", "es", "ar")


class Command(BaseCommand):
    help = "Build the demo site from the coalition's facts. Safe to run again."

    def handle(self, *args, **options):
        with indexes_updated_at_the_end():
            staff = self._build()
        self.stdout.write(f"Demo site ready ({len(self.pages)} pages in English).")
        if staff:
            base = settings.WAGTAILADMIN_BASE_URL
            self.stdout.write(f"Demo reviewers (sign in at {base}/admin/):")
            for person, password in staff:
                self.stdout.write(f"  {person.role}: {person.username} with password {password}")

    def _build(self) -> list:
        with transaction.atomic():
            for code in LANGUAGES:
                Locale.objects.get_or_create(language_code=code)
            translations = [code for code in LANGUAGES if code != "en"]
            regions = ensure_regions(translations)
            tags = ensure_tags(translations)
            ensure_offices(translations)
            images = ensure_images()
            ensure_documents(regions)
            builder = TreeBuilder(images, regions, tags)
            builder.build_default()
            for code in translations:
                builder.translate(code)
            ensure_settings(builder.pages)
            ensure_site_address()
        # Form pages belong to the membership_forms plugin; its demo builder adds them.
        staff = []
        if importlib.util.find_spec("cms.demo.forms") is not None:
            importlib.import_module("cms.demo.forms").build_form_pages()
            importlib.import_module("cms.demo.directory").build_directory_page()
            importlib.import_module("cms.demo.members_only").build_members_only()
            with transaction.atomic():
                importlib.import_module("cms.demo.decline_reasons").ensure_decline_reasons(
                    translations
                )
                staff = importlib.import_module("cms.demo.staff").ensure_staff()
        self.pages = builder.pages
        return staff
