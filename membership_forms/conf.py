"""The plugin's settings, read from one dict: ``MEMBERSHIP_FORMS = {...}``.

Every key has a default here; a project overrides only what it needs.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

# The longest life of a signed link to an applicant's file, in seconds.
MAX_PRIVATE_FILE_URL_SECONDS = 600

DEFAULTS: dict[str, Any] = {
    # Per-client submission rate, "N/s", "N/m", "N/h" or "N/d" (the SUBMISSION_RATE_LIMIT env).
    "SUBMISSION_RATE_LIMIT": "10/m",
    "MAX_FILE_BYTES": 10 * 1024 * 1024,
    "MAX_REQUEST_BYTES": 25 * 1024 * 1024,
    # A JSON body larger than this is refused with 413 before it is parsed.
    "MAX_JSON_BYTES": 256 * 1024,
    # Confirmation emails one address may receive a day (the rest are suppressed).
    "CONFIRMATIONS_PER_ADDRESS": 3,
    # Seconds a visitor takes at least to fill the HTML form (faster is a robot).
    "MIN_FILL_SECONDS": 3,
    # Behind proxies: the request header carrying the client's address ("X-Forwarded-For",
    # "CF-Connecting-IP"; Django's "HTTP_X_FORWARDED_FOR" spelling works too) and how many
    # trusted proxies write to it. The address is the TRUSTED_PROXY_COUNT-th entry from the
    # right: entries further left were written by the client. None: REMOTE_ADDR.
    "CLIENT_IP_HEADER": None,
    "TRUSTED_PROXY_COUNT": 1,
    # Days a new API token is valid, until its scope is changed in the admin.
    "API_TOKEN_DAYS": 90,
    # Dotted path to a function(request) -> bool: may this signed-in session read the
    # staff API (e.g. its second factor is done, as the site's admin demands)? None: yes.
    "SESSION_ACCESS_CHECK": None,
    # Other waiting submissions a screening task takes on after its own (0: only its own).
    "SCREENING_BATCH": 20,
    # Submissions re-queued by one run of the sweep.
    "REQUEUE_BATCH": 500,
    # Seconds a submission may stay `received` before the sweep queues it again.
    "REQUEUE_AFTER": 120,
    # Days after a decline or withdrawal before the applicant's personal data is removed.
    "RETENTION_DAYS": 365,
    # Days after a donor's last paid gift before their name, email and dedication are
    # removed (amounts, dates and receipt numbers stay for the accounts): 7 years, the
    # longest period common tax rules ask a charity to keep receipts.
    "DONATION_RETENTION_DAYS": 7 * 365,
    # The same for gifts never paid (abandoned checkouts, pledges never honoured): half a
    # year leaves room for a slow bank transfer and for reconciliation.
    "UNPAID_DONATION_RETENTION_DAYS": 180,
    # Days a queue export's file is kept (it holds every answer in the queue).
    "EXPORT_RETENTION_DAYS": 30,
    # Days a processed Stripe event keeps its payload (the donor's name and email).
    "STRIPE_EVENT_RETENTION_DAYS": 180,
    # Days a review may wait in one state before its reviewers get a daily reminder.
    "REVIEW_SLA_DAYS": 14,
    # What happens to internship reviews still open after their term's deadline: "flag"
    # (marked in the queue for the coordinator to decide). Declining is left to people.
    "TERM_CLOSE_OUT": "flag",
    # Eligibility rules per kind, as dotted paths; None means the module's defaults.
    "RULES": None,
    # Seconds an email may stay pending before the sweep queues it again (a rerun is harmless).
    "NOTIFICATION_REQUEUE_AFTER": 1800,
    # Seconds a signed link to an applicant's file lives (at most 600), when the private
    # storage signs URLs (django-storages' S3Storage): staff's downloads are then a
    # redirect to one. None: the site streams the file itself (the local disk).
    "PRIVATE_FILE_URL_SECONDS": None,
    # Path of clamd's UNIX socket; None: no virus scan.
    "CLAMD_SOCKET": None,
    # Seconds and bytes a PDF parse may take in its own process (pypdf had DoS bugs).
    "PDF_PARSE_TIMEOUT": 20,
    "PDF_PARSE_MEMORY": 512 * 1024 * 1024,
    # Words a DOCX page holds when the file does not say how many pages it has.
    "WORDS_PER_PAGE": 500,
    # Where an applicant's request to erase their data goes (the Secretariat's address;
    # several separated by commas). Empty: the request is only recorded in the audit log.
    "ERASURE_REQUESTS_TO": "",
    # Days a newsletter sign-up waits for its confirmation before it is deleted.
    "NEWSLETTER_CONFIRM_DAYS": 7,
    # Scheme and host for links in emails, e.g. "https://example.org"; None: WAGTAILADMIN_BASE_URL.
    "SITE_URL": None,
    # Mail domains shared by many people: not a sign of the same organisation.
    "FREE_MAIL_DOMAINS": [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.fr",
        "hotmail.com",
        "hotmail.fr",
        "outlook.com",
        "live.com",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "mail.com",
        "yandex.ru",
        "mail.ru",
        "qq.com",
        "163.com",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "wanadoo.fr",
    ],
    # Where the forms API is mounted: the origins each site's "Forms API" setting allows
    # are allowed there only (django-cors-headers' CORS_URLS_REGEX should match it too).
    "CORS_PATH_PREFIX": "/api/v3/forms/",
    # A proof of a person (Cloudflare Turnstile, membership_forms/captcha.py): off by
    # default; on, the HTML forms show the widget and the API wants its token.
    "TURNSTILE_ENABLED": False,
    "TURNSTILE_SITE_KEY": None,
    "TURNSTILE_SECRET_KEY": None,
    "TURNSTILE_VERIFY_URL": "https://challenges.cloudflare.com/turnstile/v0/siteverify",
    # Seconds the request waits on siteverify; then the submission is refused with 503.
    "TURNSTILE_TIMEOUT": 3,
    # The Retry-After (seconds) of that 503.
    "TURNSTILE_RETRY_AFTER": 30,
    # Stripe: unset keys mean donations are pledges (bank transfer or cheque).
    "STRIPE_SECRET_KEY": None,
    "STRIPE_WEBHOOK_SECRET": None,
    # Another API address (a recorded-response server in tests); None is Stripe's.
    "STRIPE_API_BASE": None,
    # Seconds the worker waits on one Stripe call; retries are Celery's, not the SDK's.
    "STRIPE_TIMEOUT": 10,
    # Seconds a webhook signature stays valid (Stripe's default tolerance).
    "STRIPE_WEBHOOK_TOLERANCE": 300,
    # Card testing: a client with this many failed small payments in the window is refused.
    "CARD_TESTING_MAX_FAILURES": 3,
    "CARD_TESTING_WINDOW": 3600,
    "CARD_TESTING_SMALL_AMOUNT": "20",
    # US receipts carry the no-goods-or-services statement from this amount (in USD).
    "US_RECEIPT_THRESHOLD": "250",
    # Hours a donation may stay pending before reconciliation flags it.
    "RECONCILE_PENDING_AFTER_HOURS": 24,
    # Seconds an online gift may wait for its payment page (the worker makes it in
    # seconds, its retries give up within a minute) before reconciliation marks it failed.
    "CHECKOUT_LOST_AFTER": 900,
}


def load_rules(kind: str) -> list:
    """The eligibility rules configured for `kind` (RULES, else the module's defaults)."""
    from . import kinds
    from .eligibility import import_rules

    configured = get_setting("RULES") or {}
    paths = configured.get(kind, kinds.get(kind).rules)
    return import_rules(paths)


def session_allowed(request) -> bool:
    """Whether a signed-in session may read the staff API (SESSION_ACCESS_CHECK)."""
    path = get_setting("SESSION_ACCESS_CHECK")
    return True if not path else bool(import_string(path)(request))


def get_setting(name: str) -> Any:
    """One setting of the plugin, from settings.MEMBERSHIP_FORMS or the default."""
    if name not in DEFAULTS:
        raise ImproperlyConfigured(f"Unknown membership_forms setting {name!r}")
    overrides = getattr(settings, "MEMBERSHIP_FORMS", {}) or {}
    return overrides.get(name, DEFAULTS[name])
