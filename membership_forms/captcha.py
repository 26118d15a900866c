"""A proof of a person: Cloudflare Turnstile, off unless TURNSTILE_ENABLED.

The widget on the HTML form (or on another site's form) puts a token in the form; the
token is checked with Turnstile's siteverify endpoint in the request, since it decides
whether the submission is accepted. A token proves one submission (Turnstile refuses
it a second time) and expires after five minutes.

When siteverify cannot answer (unreachable, slow past TURNSTILE_TIMEOUT, an error, or
our secret refused) the submission is refused with 503 and Retry-After: failing closed,
so an outage of the provider never lets unchecked submissions in.
"""

from __future__ import annotations

import json
import logging
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from .conf import get_setting

logger = logging.getLogger(__name__)

ORIGIN = "https://challenges.cloudflare.com"
SCRIPT_URL = f"{ORIGIN}/turnstile/v0/api.js"
# Where API clients send the token (JSON or multipart), and the field the widget adds to
# the form it sits in (the HTML form; another site's form posting multipart).
API_FIELD = "captcha_token"
WIDGET_FIELD = "cf-turnstile-response"
FIELDS = (API_FIELD, WIDGET_FIELD)
# Error codes that say the fault is ours or the provider's, not the visitor's.
UNAVAILABLE_CODES = {"missing-input-secret", "invalid-input-secret", "internal-error"}


class Unavailable(Exception):
    """Siteverify gave no usable answer."""


def enabled() -> bool:
    return bool(get_setting("TURNSTILE_ENABLED"))


def site_key() -> str:
    return get_setting("TURNSTILE_SITE_KEY") or ""


def csp_sources() -> dict[str, list[str]]:
    """What the public pages' Content Security Policy must allow for the widget, if on."""
    return {"script-src": [ORIGIN], "frame-src": [ORIGIN]} if enabled() else {}


def token_from(data) -> str:
    """The token a request carries, in either field; "" without one."""
    for name in FIELDS:
        value = data.get(name) if hasattr(data, "get") else None
        if isinstance(value, str) and value.strip():
            return value.strip()[:2048]  # Turnstile's tokens are 2048 characters at most
    return ""


def verify(token: str, remote_ip: str = "") -> bool:
    """Whether Turnstile vouches for `token`; Unavailable when it cannot say."""
    form = {"secret": get_setting("TURNSTILE_SECRET_KEY") or "", "response": token}
    if remote_ip:
        form["remoteip"] = remote_ip
    request = Request(  # noqa: S310 (the URL is a setting, https in production)
        get_setting("TURNSTILE_VERIFY_URL"),
        data=urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with urlopen(request, timeout=get_setting("TURNSTILE_TIMEOUT")) as response:  # noqa: S310
            answer = json.loads(response.read(65536))
    except (HTTPError, URLError, TimeoutError, OSError, ValueError) as error:
        logger.warning("Turnstile siteverify unavailable: %s", error)
        raise Unavailable from error
    if not isinstance(answer, dict):
        raise Unavailable
    codes = set(answer.get("error-codes") or [])
    if codes & UNAVAILABLE_CODES:
        logger.error("Turnstile refused our request: %s", sorted(codes))
        raise Unavailable
    return answer.get("success") is True
