"""The demo saves hundreds of pages, images and snippets: each save would update the
search index and Wagtail's reference index on its own (about half of the build's
time). Inside `indexes_built_at_the_end` they are built once, when the block ends."""

from contextlib import contextmanager

from django.core.management import call_command
from django.db.models.signals import post_save
from modelsearch import index
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.signal_handlers import disable_reference_index_auto_update


@contextmanager
def indexes_built_at_the_end():
    models = [
        model for model in index.get_indexed_models() if getattr(model, "search_auto_update", True)
    ]
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)
    call_command("update_index", verbosity=0)
    call_command("rebuild_references_index", verbosity=0)
