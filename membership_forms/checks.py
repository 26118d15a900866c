"""System checks: a misconfigured plugin says so at start-up, not on the first submission.

Each id is listed in docs/operations.md ("System checks"); a new check takes the next one.
"""

import re

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from .conf import DEFAULTS, MAX_PRIVATE_FILE_URL_SECONDS, get_setting

RATE_RE = re.compile(r"^\d+/[smhd]$")


@register()
def check_settings(app_configs, **kwargs):
    errors = []
    overrides = getattr(settings, "MEMBERSHIP_FORMS", {}) or {}
    if not isinstance(overrides, dict):
        return [
            Error(
                "MEMBERSHIP_FORMS must be a dict.",
                hint="Set MEMBERSHIP_FORMS = {...} in your settings.",
                id="membership_forms.E001",
            )
        ]
    for key in overrides:
        if key not in DEFAULTS:
            errors.append(
                Error(
                    f"Unknown key {key!r} in MEMBERSHIP_FORMS.",
                    hint=f"Known keys: {', '.join(sorted(DEFAULTS))}.",
                    id="membership_forms.E002",
                )
            )
    rate = overrides.get("SUBMISSION_RATE_LIMIT", DEFAULTS["SUBMISSION_RATE_LIMIT"])
    if not (isinstance(rate, str) and RATE_RE.match(rate)):
        errors.append(
            Error(
                f"SUBMISSION_RATE_LIMIT {rate!r} is not of the form N/s, N/m, N/h or N/d.",
                hint="For example '10/m': ten submissions a minute from one client.",
                id="membership_forms.E003",
            )
        )
    header = overrides.get("CLIENT_IP_HEADER", DEFAULTS["CLIENT_IP_HEADER"])
    count = overrides.get("TRUSTED_PROXY_COUNT", DEFAULTS["TRUSTED_PROXY_COUNT"])
    if header is not None and not (isinstance(header, str) and header.strip()):
        errors.append(
            Error(
                f"CLIENT_IP_HEADER {header!r} is not a header name.",
                hint="For example 'X-Forwarded-For', or None to use REMOTE_ADDR.",
                id="membership_forms.E004",
            )
        )
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        errors.append(
            Error(
                f"TRUSTED_PROXY_COUNT {count!r} is not a whole number of at least 1.",
                hint="The number of proxies in front of the site that write CLIENT_IP_HEADER.",
                id="membership_forms.E005",
            )
        )
    seconds = overrides.get("PRIVATE_FILE_URL_SECONDS")
    if seconds is not None and (
        isinstance(seconds, bool)
        or not isinstance(seconds, int)
        or not 1 <= seconds <= MAX_PRIVATE_FILE_URL_SECONDS
    ):
        errors.append(
            Error(
                f"PRIVATE_FILE_URL_SECONDS {seconds!r} is not between 1 and "
                f"{MAX_PRIVATE_FILE_URL_SECONDS} seconds.",
                hint="A signed link to an applicant's file lives at most ten minutes; "
                "None streams files through the site.",
                id="membership_forms.E007",
            )
        )
    return errors


@register()
def check_turnstile(app_configs, **kwargs):
    """Turnstile on needs both keys, or every submission would be refused."""
    if not get_setting("TURNSTILE_ENABLED"):
        return []
    missing = [
        name for name in ("TURNSTILE_SITE_KEY", "TURNSTILE_SECRET_KEY") if not get_setting(name)
    ]
    if not missing:
        return []
    return [
        Error(
            f"TURNSTILE_ENABLED is on but {' and '.join(missing)} is not set.",
            hint="Set both keys of the Turnstile widget, or turn TURNSTILE_ENABLED off.",
            id="membership_forms.E006",
        )
    ]


@register(Tags.security, deploy=True)
def check_turnstile_deploy(app_configs, **kwargs):
    """A deployment without a proof of a person takes scripted submissions from anywhere."""
    if get_setting("TURNSTILE_ENABLED"):
        return []
    return [
        Warning(
            "The forms accept submissions without a proof of a person (Turnstile is off): "
            "scripts can post to the forms API from any site, within the rate limit.",
            hint="Set TURNSTILE_SITE_KEY and TURNSTILE_SECRET_KEY (docs/security.md).",
            id="membership_forms.W001",
        )
    ]


CORS_MIDDLEWARE = "corsheaders.middleware.CorsMiddleware"


@register()
def check_cors(app_configs, **kwargs):
    """The origins editors allow under Settings → Forms API need django-cors-headers."""
    if CORS_MIDDLEWARE not in getattr(settings, "MIDDLEWARE", []):
        return [
            Warning(
                "django-cors-headers' CorsMiddleware is not in MIDDLEWARE: the origins "
                "allowed in the Forms API settings get no CORS headers.",
                hint=f"Add 'corsheaders' to INSTALLED_APPS and {CORS_MIDDLEWARE!r} to "
                "MIDDLEWARE, before RequestSizeLimitMiddleware.",
                id="membership_forms.W002",
            )
        ]
    prefix = get_setting("CORS_PATH_PREFIX")
    pattern = getattr(settings, "CORS_URLS_REGEX", r"^.*$")
    if not re.match(pattern, prefix):
        return [
            Warning(
                f"CORS_URLS_REGEX {pattern!r} does not match the forms API ({prefix}).",
                hint=f"Set CORS_URLS_REGEX = r'^{prefix}'.",
                id="membership_forms.W003",
            )
        ]
    return []
