"""Full-text search in each language: the search backend named in WAGTAILSEARCH_BACKENDS.

On PostgreSQL, each object is indexed with its own language's text search
configuration (French pages with `french`, so "crimes" and "crime" meet), and a search
is stemmed with the configuration of the language searched: the search page's, else
the visitor's. A language PostgreSQL has no configuration for uses `simple` (whole
words). modelsearch's PostgreSQL backend takes one SEARCH_CONFIG for everything, and
several backends would overwrite each other's index (wagtail/wagtail#9253), hence this.

On other databases (the SQLite demo of `make run`), Wagtail's database backend.
"""

import copy
from collections import defaultdict
from functools import cache

from django.conf import settings
from django.db import connection
from django.utils import translation
from modelsearch.backends import get_search_backend

# Language code -> PostgreSQL text search configuration (`SELECT cfgname FROM pg_ts_config`).
DEFAULT_LANGUAGE_CONFIGS = {"en": "english", "fr": "french", "es": "spanish", "ar": "arabic"}


def SearchBackend(params):
    if connection.vendor == "postgresql":
        return _multilingual_backend_class()(params)
    from modelsearch.backends.database import SearchBackend as DatabaseSearchBackend

    return DatabaseSearchBackend(params)


def search_backend(language: str | None = None):
    """The default backend, searching in `language` (else the active language)."""
    backend = get_search_backend()
    if language and hasattr(backend, "for_language"):
        backend = backend.for_language(language)
    return backend


@cache
def _multilingual_backend_class():
    """Built on first use: modelsearch's PostgreSQL module needs the apps loaded."""
    from modelsearch.backends.database.postgres.postgres import (
        PostgresIndex,
        PostgresSearchBackend,
    )
    from wagtail.models import Locale

    class MultilingualPostgresIndex(PostgresIndex):
        def add_items(self, model, objs):
            """modelsearch indexes with its backend's one configuration: index each
            language's objects through a copy of the backend set to that language's."""
            groups = defaultdict(list)
            languages = dict(Locale.objects.values_list("pk", "language_code"))
            for obj in objs:
                language = languages.get(getattr(obj, "locale_id", None), settings.LANGUAGE_CODE)
                groups[self.backend.config_for(language)].append(obj)
            for config, group in groups.items():
                index = copy.copy(self)
                index.backend = self.backend.with_config(config)
                PostgresIndex.add_items(index, model, group)

    class MultilingualPostgresSearchBackend(PostgresSearchBackend):
        index_class = MultilingualPostgresIndex

        def __init__(self, params):
            self.language_configs = {
                **DEFAULT_LANGUAGE_CONFIGS,
                **params.get("LANGUAGE_CONFIGS", {}),
            }
            super().__init__(params)

        @property
        def config(self) -> str:
            """The configuration set for this backend, else the active language's."""
            return self._config or self.config_for(translation.get_language())

        @config.setter
        def config(self, value: str | None) -> None:
            self._config = value

        def config_for(self, language: str | None) -> str:
            return self.language_configs.get(language or settings.LANGUAGE_CODE, "simple")

        def with_config(self, config: str):
            backend = copy.copy(self)
            backend.config = config
            return backend

        def for_language(self, language: str):
            return self.with_config(self.config_for(language))

    return MultilingualPostgresSearchBackend
