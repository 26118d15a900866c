"""The form page and client fixtures of the plugin's tests, for the task tests."""

from tests.membership_forms.conftest import (  # noqa: F401 (fixtures)
    _built_form_pages,
    _clear_cache,
    api,
    form_pages,
    live_form_pages,
)
