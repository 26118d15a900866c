"""API tokens in the admin (Settings → API tokens) with their scope: read only or not,
which review queues, until when.

Wagtail's own token views, extended: the same permissions (`wagtailcore.add_apitoken`,
`change_apitoken`, `delete_apitoken`, given to no group by default, so superusers only
unless an administrator grants them; another user's tokens also need the user change
permission), the key shown once, revoking keeps the row. Wagtail's own menu entry is
replaced by this one (`wagtail_hooks.py`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.models import APIToken
from wagtail.users.views import api_tokens as wagtail_tokens

from .models import ReviewQueue
from .services import tokens


class ScopeFieldsMixin:
    """The scope's fields, added to Wagtail's create and edit forms."""

    fields: dict[str, forms.Field]  # the form's, which it is mixed into
    cleaned_data: dict[str, Any]

    def add_scope_fields(self, scope=None) -> None:
        self.fields["read_only"] = forms.BooleanField(
            label=_("Read only"),
            required=False,
            initial=scope.read_only if scope else True,
            help_text=_("Untick to let the token change content through the API."),
        )
        self.fields["queues"] = forms.MultipleChoiceField(
            label=_("Review queues"),
            required=False,
            choices=ReviewQueue.choices,
            initial=scope.queues if scope else [],
            widget=forms.CheckboxSelectMultiple,
            help_text=_("The submissions it may read; none ticked: all its user may read."),
        )
        self.fields["expires_at"] = forms.DateTimeField(
            label=_("Expires at"),
            initial=scope.expires_at if scope else tokens.default_expiry(),
            widget=AdminDateTimeInput,
        )

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if expires_at <= timezone.now():
            raise ValidationError(_("The expiry must be in the future."))
        return expires_at

    def scope_data(self) -> dict:
        data = self.cleaned_data
        return {
            "read_only": data["read_only"],
            "queues": data["queues"],
            "expires_at": data["expires_at"],
        }


class ScopedTokenForm(ScopeFieldsMixin, wagtail_tokens.APITokenForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_scope_fields()


class ScopedTokenEditForm(ScopeFieldsMixin, WagtailAdminModelForm):
    class Meta:
        model = APIToken
        fields = ["name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_scope_fields(getattr(self.instance, "scope", None))

    def save(self, commit=True):
        token = super().save(commit=commit)
        tokens.set_scope(token, **self.scope_data())
        return token


class IndexView(wagtail_tokens.IndexView):
    @cached_property
    def columns(self):
        return [
            *super().columns,
            Column("read_only", label=_("Read only"), accessor="scope.read_only"),
            Column("queues", label=_("Review queues"), accessor="scope.queue_labels"),
            Column("expires_at", label=_("Expires"), accessor="scope.expires_at"),
        ]

    def get_queryset(self):
        return super().get_queryset().select_related("scope")


class CreateView(wagtail_tokens.CreateView):
    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            tokens.set_scope(self.object, **form.scope_data())
        return response


class EditView(wagtail_tokens.EditView):
    @transaction.atomic
    def form_valid(self, form):
        return super().form_valid(form)


class ScopedAPITokenViewSet(wagtail_tokens.APITokenViewSet):
    menu_name = "scoped_api_tokens"
    index_view_class = IndexView
    add_view_class = CreateView
    edit_view_class = EditView

    def get_form_class(self, for_update=False):
        return ScopedTokenEditForm if for_update else ScopedTokenForm


api_token_viewset = ScopedAPITokenViewSet(
    "membership_forms_api_tokens", url_prefix="membership-forms/api-tokens"
)
