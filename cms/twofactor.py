"""Two-factor sign-in for the admin, on django-otp: a TOTP app, with one-time backup codes.

After the password, a signed-in user who has no second factor yet is sent to enrol one;
one who has is asked for a code. Nothing under the admin opens before that.
"""

from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODES = 10
THROTTLED = _("Too many wrong codes: wait a few seconds, then try again.")
# Reachable before the second factor: signing in and out, and the two-factor pages.
EXEMPT_PREFIXES = ("/admin/login/", "/admin/logout/", "/admin/password_reset/", "/admin/2fa/")


def session_verified(request) -> bool:
    """Whether a signed-in session has done what STAFF_TWO_FACTOR asks. The admin's rule,
    which the forms API's staff endpoint applies too (SESSION_ACCESS_CHECK)."""
    return not settings.STAFF_TWO_FACTOR or request.user.is_verified()


class RequireTwoFactorMiddleware:
    """Sends signed-in admin users to enrol or verify a second factor (STAFF_TWO_FACTOR)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_verify(request):
            target = "verify" if user_has_device(request.user) else "setup"
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse(f'twofactor_{target}')}?{query}")
        return self.get_response(request)

    @staticmethod
    def _must_verify(request) -> bool:
        return (
            request.path.startswith(("/admin/", "/django-admin/"))
            and not request.path.startswith(EXEMPT_PREFIXES)
            and request.user.is_authenticated
            and not session_verified(request)
        )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or reverse("wagtailadmin_home")
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return reverse("wagtailadmin_home")


@login_required(login_url="wagtailadmin_login")
def setup(request):
    """Enrol an authenticator app: scan the code, type the six digits it shows."""
    if user_has_device(request.user):
        return redirect("twofactor_verify")
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", THROTTLED)
        elif device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            backup = StaticDevice.objects.create(user=request.user, name="Backup codes")
            codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
            backup.token_set.bulk_create(StaticToken(device=backup, token=c) for c in codes)
            return render(
                request,
                "cms/twofactor/backup_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        else:
            form.add_error("token", _("That code is not right. Check the time on your phone."))
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=5)
    context = {"form": form, "qr": qr, "secret": device.key, "next": _next_url(request)}
    return render(request, "cms/twofactor/setup.html", context)


@login_required(login_url="wagtailadmin_login")
def verify(request):
    """The second step of signing in: a code from the app, or one of the backup codes."""
    if not user_has_device(request.user):
        return redirect("twofactor_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("That code is not right, or it was already used."))
    return render(request, "cms/twofactor/verify.html", {"form": form, "next": _next_url(request)})


urlpatterns = [
    path("setup/", setup, name="twofactor_setup"),
    path("verify/", verify, name="twofactor_verify"),
]
