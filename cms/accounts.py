"""Visitors' sign-in by emailed code (django-allauth's login by code), the site's way.

- An account exists for an address that applied, donated or subscribed: it is opened
  when that address first asks for a code. Other addresses get a short note instead of
  a code, and the page answers the same either way (no account enumeration).
- Staff accounts never sign in this way: the admin keeps its password, lockouts and
  second factor. A staff address asking for a code is answered like an unknown one.
- Rate limits count the client address the rest of the site counts
  (membership_forms.limits.client_address, behind CLIENT_IP_HEADER's proxies).
- Every sign-in and every wrong code is recorded (cms.models.SignInRecord), and the
  record deleted after SIGN_IN_RECORD_RETENTION_DAYS.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from allauth.account import views as allauth_views
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import RequestLoginCodeForm
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cms.models.signins import SignInEvent
from membership_forms.applicants import is_known_address
from membership_forms.limits import client_address, digest
from membership_forms.links import absolute, site_url
from membership_forms.services.email_texts import html_paragraphs, signature, site_name
from tasks.mail import send_later


def signs_in_by_code(user) -> bool:
    """Whether this account may sign in with an emailed code: not staff, nor anyone who
    reaches the admin or has a password (those sign in at /admin/ with the second factor)."""
    return (
        user.is_active
        and not user.is_staff
        and not user.is_superuser
        and not user.has_usable_password()
        and not user.has_perm("wagtailadmin.access_admin")
    )


def open_account(email: str):
    """The visitor account of an address that applied, donated or subscribed: found, or
    made without a password. None for an address with no submission."""
    users = get_user_model().objects.filter(email__iexact=email)
    existing = users.order_by("pk").first()
    if existing is not None:
        return existing
    if not is_known_address(email):
        return None
    # The name is made from the address: people never see it, and two requests for the
    # same address at once make one account (the second finds the first).
    username = "visitor-" + hashlib.sha256(email.casefold().encode()).hexdigest()[:24]
    with transaction.atomic():
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": email}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=user, email=email.lower(), defaults={"primary": True, "verified": False}
            )
    return user


class RequestSignInCodeForm(RequestLoginCodeForm):
    """allauth's "email me a code" form, opening the account of a known applicant and
    leaving staff accounts out (they are answered as unknown addresses are)."""

    _user: Any

    def clean_email(self) -> str:
        email = super().clean_email()  # counts the rate limits first
        if email and self._user is None:
            self._user = open_account(email)
        if self._user is not None and not signs_in_by_code(self._user):
            self._user = None
        return email


class SiteAccountAdapter(DefaultAccountAdapter):
    """allauth's adapter with the site's client address, no sign-up form, and emails in
    the site's style and the visitor's language (the page's i18n prefix)."""

    # allauth's words where they do not fit a code sent by email (its own catalogues
    # translate the rest).
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "incorrect_code": _("This code is not right: check it and type it again."),
        "too_many_login_attempts": _(
            "Too many attempts: wait a few minutes, then ask for a new code."
        ),
        "rate_limited": _("Too many requests: wait a few minutes, then try again."),
    }

    def get_client_ip(self, request) -> str:
        return client_address(request) or super().get_client_ip(request)

    def is_open_for_signup(self, request) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Rendered here, in the visitor's language; sent by the workers. A code and the
        note to an unknown address take the same path, so the answer takes as long."""
        request = allauth_context.request
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
            "signature": signature(),
        }
        if code := context.get("code"):
            query = urlencode({"code": code})
            context["link"] = absolute(f"{reverse('account_confirm_login_code')}?{query}")
        send_later(self.render_mail(template_prefix, email, context))

    def render_mail(self, template_prefix, email, context, headers=None):
        message = super().render_mail(template_prefix, email, context, headers)
        message.attach_alternative(self._html(message.subject, message.body), "text/html")
        return message

    @staticmethod
    def _html(subject: str, text: str) -> str:
        from django.template.loader import render_to_string

        return render_to_string(
            "membership_forms/emails/message.html",
            {
                "subject": subject,
                "paragraphs": html_paragraphs(text, {}),
                "language": translation.get_language(),
                "rtl": translation.get_language_bidi(),
                "site_name": site_name(),
                "site_url": site_url(),
            },
        )


def _record(request, event: str, user=None, email: str = "") -> None:
    from cms.models import SignInRecord

    SignInRecord.objects.create(
        event=event,
        user=user if user is not None and user.pk else None,
        email=email or getattr(user, "email", "") or "",
        client_hash=digest(client_address(request)) if request is not None else "",
    )


def record_sign_in(request, user, **kwargs) -> None:
    """allauth's user_logged_in: a visitor typed the right code."""
    _record(request, SignInEvent.SIGNED_IN, user)


def record_wrong_code(request, user, last_attempt: bool, **kwargs) -> None:
    """allauth's login_code_rejected; the last allowed wrong code ends the attempt."""
    event = SignInEvent.ATTEMPT_ENDED if last_attempt else SignInEvent.CODE_REJECTED
    _record(request, event, user)


def record_sign_out(request, user, **kwargs) -> None:
    """Django's user_logged_out, for visitors' accounts (staff's are the admin's business)."""
    if user is not None and signs_in_by_code(user):
        _record(request, SignInEvent.SIGNED_OUT, user)


def purge_sign_in_records(now: datetime | None = None) -> int:
    """Delete the sign-in records older than SIGN_IN_RECORD_RETENTION_DAYS; how many."""
    from cms.models import SignInRecord

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SIGN_IN_RECORD_RETENTION_DAYS)
    deleted, _by_model = SignInRecord.objects.filter(at__lt=cutoff).delete()
    return deleted


def connect() -> None:
    from allauth.account import signals

    signals.user_logged_in.connect(record_sign_in, dispatch_uid="signin-record")
    signals.login_code_rejected.connect(record_wrong_code, dispatch_uid="signin-wrong-code")
    signals.user_logged_out.connect(record_sign_out, dispatch_uid="signin-signed-out")


# Only the pages of sign-in by code, and sign-out: no password, sign-up or password-reset
# page exists on the public site. "account_login" and "account_signup", which allauth
# links to, are the page that asks for a code.
urlpatterns = [
    path("sign-in/", allauth_views.request_login_code, name="account_login"),
    path("sign-in/code/", allauth_views.confirm_login_code, name="account_confirm_login_code"),
    path("sign-in/code/new/", allauth_views.request_login_code, name="account_request_login_code"),
    path("sign-in/new/", allauth_views.request_login_code, name="account_signup"),
    path("sign-out/", allauth_views.logout, name="account_logout"),
]
