"""The submit path's cache of form pages across a deploy: each code reads only its own."""

from django.core.cache import cache

from membership_forms import formcache


def test_a_page_another_release_cached_is_never_read(form_pages, api):
    page = form_pages["newsletter"]["en"]
    formcache.forget_local_copies()
    # What an older release left under its key (the key had no fingerprint then), and an
    # entry of other code under another fingerprint: neither may be unpickled here.
    cache.set(f"mf:form:{page.pk}", "stale page of the old code", 300)
    cache.set(f"mf:form:000000000000:{page.pk}", "page of other code", 300)
    loaded = []

    def loader(form_id):
        loaded.append(form_id)
        return type(page).objects.get(pk=form_id)

    served = formcache.get_form_page(page.pk, loader)
    assert served.pk == page.pk and loaded == [page.pk]
    assert cache.get(f"mf:form:{page.pk}") == "stale page of the old code"  # left alone
    # This code's entry is there now, under this code's fingerprint.
    formcache.forget_local_copies()
    assert formcache.get_form_page(page.pk, loader).pk == page.pk and loaded == [page.pk]
    assert len(formcache.code_fingerprint()) == 12
    # A visitor's submission goes through as before.
    response = api.post(
        f"/api/v3/forms/{page.pk}/submissions/",
        {"email": "reader@example.org", "name": "Reader"},
        content_type="application/json",
    )
    assert response.status_code == 202
