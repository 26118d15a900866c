"""Purge the page cache whenever what visitors see may have changed (see cms/cache.py)."""

from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms import cache
from cms.models import (
    ArticleTopic,
    LibraryDocument,
    NavigationSettings,
    Office,
    OrganisationSettings,
    Region,
)
from membership_forms.models import DirectoryEntry


def purge_page_cache(**kwargs) -> None:
    cache.purge_all()


def purge_on_settings_change(created: bool = False, **kwargs) -> None:
    # Site settings rows are created empty on first read (`for_request`): nothing changed.
    if not created:
        cache.purge_all()


def reindex_region_documents(instance: Region, **kwargs) -> None:
    """Documents are found by their region's name in every language (search index)."""
    from wagtail.search.index import insert_or_update_object

    documents = LibraryDocument.objects.filter(region__translation_key=instance.translation_key)
    for document in documents:
        insert_or_update_object(document)


def remember_region_documents(instance: Region, **kwargs) -> None:
    """Before a region (or one of its translations) goes: its documents, whose indexed
    region names must then lose it (the delete empties their region without a save)."""
    instance._document_pks = list(
        LibraryDocument.objects.filter(
            region__translation_key=instance.translation_key
        ).values_list("pk", flat=True)
    )


def reindex_documents_of_deleted_region(instance: Region, **kwargs) -> None:
    from wagtail.search.index import insert_or_update_object

    for document in LibraryDocument.objects.filter(pk__in=getattr(instance, "_document_pks", [])):
        insert_or_update_object(document)


def connect() -> None:
    from cms import accounts

    accounts.connect()
    post_save.connect(reindex_region_documents, sender=Region, dispatch_uid="region-documents")
    pre_delete.connect(remember_region_documents, sender=Region, dispatch_uid="region-docs-pre")
    post_delete.connect(
        reindex_documents_of_deleted_region, sender=Region, dispatch_uid="region-docs-deleted"
    )
    page_published.connect(purge_page_cache, dispatch_uid="pagecache-published")
    page_unpublished.connect(purge_page_cache, dispatch_uid="pagecache-unpublished")
    post_page_move.connect(purge_page_cache, dispatch_uid="pagecache-moved")
    post_delete.connect(purge_page_cache, sender=Page, dispatch_uid="pagecache-page-deleted")
    models = (
        ArticleTopic,
        LibraryDocument,
        NavigationSettings,
        Office,
        OrganisationSettings,
        Region,
    )
    # The directory page lists entries created on approval, without a publish.
    for model in (*models, DirectoryEntry):
        uid = model._meta.label_lower
        handler = purge_page_cache
        if model in (NavigationSettings, OrganisationSettings):
            handler = purge_on_settings_change
        post_save.connect(handler, sender=model, dispatch_uid=f"pagecache-saved-{uid}")
        post_delete.connect(purge_page_cache, sender=model, dispatch_uid=f"pagecache-del-{uid}")
