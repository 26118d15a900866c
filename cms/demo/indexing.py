"""The demo saves hundreds of pages, images and snippets, most of them several times (a
page, its revision, its publication): each save would update the search index and
Wagtail's reference index on its own, about half of the build's time. Inside
`indexes_updated_at_the_end` the saved objects are remembered instead, and each is
indexed once when the block ends (an object deleted meanwhile is skipped)."""

from contextlib import contextmanager

from django.db.models.signals import post_save
from modelsearch import index
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update


@contextmanager
def indexes_updated_at_the_end():
    saved: dict[tuple[type, object], None] = {}  # in order, once each

    def remember(sender, instance, raw=False, **kwargs):
        if not raw:
            saved[(type(instance), instance.pk)] = None

    searchable = [
        model for model in index.get_indexed_models() if getattr(model, "search_auto_update", True)
    ]
    for model in searchable:
        post_save.disconnect(post_save_signal_handler, sender=model)
    post_save.connect(remember, weak=False, dispatch_uid="demo_indexes_at_the_end")
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        post_save.disconnect(dispatch_uid="demo_indexes_at_the_end")
        for model in searchable:
            post_save.connect(post_save_signal_handler, sender=model)
    # Only after a build that succeeded (a failed one may leave the database unusable
    # until its transaction ends): `manage.py update_index` and `rebuild_references_index`
    # mend a demo whose build failed half way.
    for model, pk in saved:
        instance = model._default_manager.filter(pk=pk).first()
        if instance is None:
            continue
        if model in searchable:
            index.insert_or_update_object(instance)
        if ReferenceIndex.is_indexed(model):
            ReferenceIndex.create_or_update_for_object(instance)
