"""Receivers that keep the form cache and the CORS origins cache honest, and give every
new API token its scope."""

from corsheaders.signals import check_request_enabled
from django.db.models.signals import post_delete, post_save
from wagtail.models import APIToken, PageViewRestriction, Site

from .cors import allow_site_origins, forget_allowed_origins
from .formcache import forget_all_form_pages, forget_form_page
from .models import AbstractApplicationFormPage, FormsApiSettings
from .services.email_texts import forget_site_name


def _forget(sender, instance, **kwargs):
    # Connected for every model: a kind registered by another app after this one is ready
    # has its pages forgotten too.
    if isinstance(instance, AbstractApplicationFormPage):
        forget_form_page(instance.pk)


def _forget_all(sender, **kwargs):
    forget_all_form_pages()


def _scope_new_token(sender, instance, created, raw=False, **kwargs):
    """Tokens from the admin, `manage.py api_tokens create` or code: read only, expiring."""
    if created and not raw:
        from .services.tokens import give_default_scope

        give_default_scope(instance)


def connect() -> None:
    post_save.connect(_scope_new_token, sender=APIToken, dispatch_uid="mf_token_scope")
    post_save.connect(_forget, dispatch_uid="mf_forget_form_page")
    post_delete.connect(_forget, dispatch_uid="mf_forget_form_page_d")
    post_save.connect(_forget_all, sender=PageViewRestriction, dispatch_uid="mf_forget_pvr")
    # The site's name in emails (kept a minute per process).
    post_save.connect(forget_site_name, sender=Site, dispatch_uid="mf_forget_site_name")
    post_delete.connect(forget_site_name, sender=Site, dispatch_uid="mf_forget_site_name_d")
    post_delete.connect(_forget_all, sender=PageViewRestriction, dispatch_uid="mf_forget_pvr_d")
    # Cross-origin calls to the forms API: the origins each site allows (django-cors-headers).
    check_request_enabled.connect(allow_site_origins, dispatch_uid="mf_cors_allow")
    # The cached CORS origins follow the setting and the sites' host names.
    for model in (FormsApiSettings, Site):
        post_save.connect(forget_allowed_origins, sender=model, dispatch_uid=f"mf_cors_{model}")
        post_delete.connect(forget_allowed_origins, sender=model, dispatch_uid=f"mf_cors_d_{model}")
