import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Locale

from cms.demo.documents import ensure_documents, ensure_regions
from cms.demo.images import ensure_images
from cms.demo.pages import TreeBuilder, ensure_site_address
from cms.demo.site_settings import ensure_settings
from cms.demo.snippets import ensure_offices, ensure_tags

LANGUAGES = ("en", "fr", "es", "ar")


class Command(BaseCommand):
    help = "Build the demo site from the coalition's facts. Safe to run again."

    def handle(self, *args, **options):
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
        if importlib.util.find_spec("cms.demo.forms") is not None:
            importlib.import_module("cms.demo.forms").build_form_pages()
            importlib.import_module("cms.demo.directory").build_directory_page()
        self.stdout.write(f"Demo site ready ({len(builder.pages)} pages in English).")
