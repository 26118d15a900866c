"""Production: what operators deploy and what `make run` serves (with HTTPS=false).

Behind a TLS-terminating proxy that sets X-Forwarded-Proto. `manage.py check --deploy`
passes with these settings (tests/cms/test_security.py runs it).
"""

from .base import *  # noqa: F403
from .base import MEMBERSHIP_FORMS, env

DEBUG = env.bool("DEBUG", default=False)

# HTTPS=false only for a local demo served over plain HTTP on loopback (make run).
HTTPS = env.bool("HTTPS", default=True)
STAFF_TWO_FACTOR = env.bool("STAFF_TWO_FACTOR", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
# The load balancer's and orchestrator's checks speak plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/ready|/live)?$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# X_FRAME_OPTIONS is SAMEORIGIN, not DENY, because Wagtail's preview panel frames the page
# being edited; frame-ancestors 'self' in the CSP says the same to current browsers.
SILENCED_SYSTEM_CHECKS = ["security.W019"]

# The forms' proof of a person (docs/security.md): on when the widget's keys are set;
# `check --deploy` warns while it is off.
_TURNSTILE_KEYS = bool(
    MEMBERSHIP_FORMS["TURNSTILE_SITE_KEY"] and MEMBERSHIP_FORMS["TURNSTILE_SECRET_KEY"]
)
MEMBERSHIP_FORMS = {
    **MEMBERSHIP_FORMS,
    "TURNSTILE_ENABLED": env.bool("TURNSTILE_ENABLED", default=_TURNSTILE_KEYS),
}
