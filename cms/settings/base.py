"""Settings shared by every environment; each value can be set from the environment.

`make run` needs none of them: every variable has a default fit for a local demo.
"""

import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ

from membership_forms.schedule import BEAT_SCHEDULE

from .duties import broker_settings, celery_routing
from .storage import media_storage, private_storage

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()


def _local_secret_key() -> str:
    """A key made once and kept in var/, so sessions survive restarts of the demo."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def redis_url_with_db(url: str, db: int) -> str:
    """The same Redis server on another database number (broker, cache and locks share one)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, ""))


SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "cms",
    "membership_forms",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.api.v3",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_countries",
    "corsheaders",
    "allauth",
    "allauth.account",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before the size limit, so a 413 still carries the CORS headers a browser client needs.
    "corsheaders.middleware.CorsMiddleware",
    "membership_forms.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cms.twofactor.RequireTwoFactorMiddleware",
    # Expired API tokens and read-only tokens' writes are refused before any API route.
    "membership_forms.middleware.ApiTokenScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.security.ContentSecurityPolicyMiddleware",
    # Turns a sign-in locked out by django-axes into its page (429).
    "axes.middleware.AxesMiddleware",
    # Last, so every middleware above (headers, CSP, language) also handles cached pages.
    "cms.cache.PageCacheMiddleware",
]

# Sign-in throttling (django-axes, docs/security.md): AXES_FAILURE_LIMIT wrong passwords
# for one username from one client address lock that pair out, the right password too,
# for AXES_COOLOFF_MINUTES. Keyed on both, so a guesser cannot lock a colleague out from
# elsewhere; the address is the one the rate limits use (membership_forms.limits).
# Unlock: manage.py axes_reset_username NAME (or axes_reset_ip ADDRESS, axes_reset).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "membership_forms.limits.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "cms/signin_locked.html"
# Failed attempts are kept (AccessAttempt) until they expire or are reset; successful
# sign-ins are not logged, so no table of staff addresses grows without end.
AXES_DISABLE_ACCESS_LOG = True

# Visitors' sign-in (docs/members.md): django-allauth's login by code, by email alone.
# No passwords, no sign-up form: cms/accounts.py opens an account for an address that
# already applied, donated or subscribed, and only cms/urls.py's few allauth pages exist.
# Staff never sign in this way: the admin keeps its password, axes and second factor.
ACCOUNT_ADAPTER = "cms.accounts.SiteAccountAdapter"
ACCOUNT_FORMS = {"request_login_code": "cms.accounts.RequestSignInCodeForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"  # the code itself proves the address
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = env.int("SIGNIN_CODE_SECONDS", default=600)  # 10 minutes
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3  # the third wrong code ends the attempt
ACCOUNT_PREVENT_ENUMERATION = True
# An address with no account gets a short note instead of a code: the answer on the page,
# and the time it takes, are the same for every address.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_RATE_LIMITS = {
    # Codes asked for: per client address, and per email address (the key).
    "request_login_code": env.str("SIGNIN_CODE_RATE", default="10/m/ip,3/10m/key"),
    # Codes typed (right or wrong): per client address.
    "login": env.str("SIGNIN_RATE", default="30/m/ip"),
    "login_failed": "10/m/ip,5/5m/key",
}
LOGIN_URL = "account_login"
# Private pages and documents (Wagtail privacy) send visitors to the same sign-in page;
# Wagtail would otherwise use its own password form.
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
LOGIN_REDIRECT_URL = "membership_forms_applicant:my_applications"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"  # in the language of the page signed out from
# Sign-in records (cms.models.SignInRecord) are deleted this many days after they were
# made, by the periodic task purge-sign-in-records.
SIGN_IN_RECORD_RETENTION_DAYS = env.int("SIGN_IN_RECORD_RETENTION_DAYS", default=365)

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: PostgreSQL in CI and production, an SQLite file for the local demo.


def database(default_url: str) -> dict:
    """DATABASE_URL's settings; PostgreSQL through cms.postgresql, Django's backend with a
    health check that needs no round trip (docs/operations.md)."""
    config = env.db("DATABASE_URL", default=default_url)
    if config["ENGINE"] == "django.db.backends.postgresql":
        config["ENGINE"] = "cms.postgresql"
        # Django turns psycopg's prepared statements off (for transaction-mode poolers);
        # the submission insert asks for one explicitly. Django's own cursors bind on the
        # client and never prepare. Off with DATABASE_PREPARED_STATEMENTS=false.
        prepared = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
        config.setdefault("OPTIONS", {})["prepare_threshold"] = 5 if prepared else None
    return config


DATABASES = {"default": database(f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The demo's web, worker and beat processes share one file: wait for locks, don't fail.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the Celery broker on the URL's database, the cache (rate limits, locks) on the next.
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHE_URL = env.str("CACHE_URL", default=redis_url_with_db(REDIS_URL, 1))
CACHES = {
    "default": {
        "BACKEND": "cms.redis_cache.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="coalition"),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: the coalition publishes in English, French, Spanish and Arabic (right to left).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["cms.formats"]  # Arabic dates and times (cms/formats/ar)
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "static_collected"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Applicants' files live here, outside MEDIA_ROOT: no URL serves them.
PRIVATE_STORAGE_ROOT = env.path("PRIVATE_STORAGE_ROOT", default=str(VAR_DIR / "private"))
# Object storage (docs/storage.md): a bucket set moves those files there; unset, the local
# disk above. S3_ENDPOINT_URL empty is AWS; keys empty leave boto3 to find credentials.
S3 = {
    "endpoint_url": env.str("S3_ENDPOINT_URL", default=""),
    "region": env.str("S3_REGION", default="us-east-1"),
    "access_key": env.str("S3_ACCESS_KEY_ID", default=""),
    "secret_key": env.str("S3_SECRET_ACCESS_KEY", default=""),
    "addressing_style": env.str("S3_ADDRESSING_STYLE", default=""),
}
S3_MEDIA_BUCKET = env.str("S3_MEDIA_BUCKET", default="")
S3_PRIVATE_BUCKET = env.str("S3_PRIVATE_BUCKET", default="")
# Seconds a signed link to an applicant's file lives (at most 600).
PRIVATE_FILE_URL_SECONDS = env.int("PRIVATE_FILE_URL_SECONDS", default=300)
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=not S3_MEDIA_BUCKET)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if S3_MEDIA_BUCKET:
    STORAGES["default"] = media_storage(
        S3_MEDIA_BUCKET, env.str("S3_MEDIA_CUSTOM_DOMAIN", default=""), **S3
    )
if S3_PRIVATE_BUCKET:
    STORAGES["private"] = private_storage(S3_PRIVATE_BUCKET, PRIVATE_FILE_URL_SECONDS, **S3)

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Form bodies (not files) over this are refused; uploads over 2.5 MB spool to a temp file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Email: SMTP by default, at EMAIL_URL (smtp://user:pass@host:port, smtp+tls://...).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://127.0.0.1:1025")
globals().update(EMAIL_CONFIG)  # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, ...
# Or a provider's HTTP API through django-anymail (docs/operations.md, "Mail"): its backend
# in EMAIL_BACKEND (anymail.backends.postmark.EmailBackend, ...), its keys as JSON in
# ANYMAIL ('{"POSTMARK_SERVER_TOKEN": "..."}').
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=EMAIL_CONFIG["EMAIL_BACKEND"])
ANYMAIL = env.json("ANYMAIL", default={})
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ICRtoP <no-reply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery (tasks/celery.py reads every CELERY_* setting). The broker is Redis (REDIS_URL)
# unless BROKER_URL names another: amqp://user:pass@host:5672/vhost for RabbitMQ, whose
# queues are then quorum queues (cms/settings/duties.py, docs/deploy.md).
BROKER_URL = env.str("BROKER_URL", default="") or REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # tasks record their effects in the database
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task running when the broker connection drops finishes its work (and its emails'
# marks); its message comes back and finds nothing left to do. Cancelling it instead
# would kill it like a lost worker, possibly between an email's delivery and its mark.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# CELERY_BROKER_URL, CELERY_BROKER_TRANSPORT_OPTIONS (Redis' visibility timeout, or
# RabbitMQ's publish confirms) and, on RabbitMQ, the quorum queue type.
globals().update(broker_settings(BROKER_URL, CELERY_TASK_TIME_LIMIT))
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="coalition")
# One queue per duty (cms/settings/duties.py): screening, email, payments, maintenance,
# each name after CELERY_QUEUE_PREFIX; anything unlisted goes to CELERY_TASK_DEFAULT_QUEUE.
CELERY_QUEUE_PREFIX = env.str("CELERY_QUEUE_PREFIX", default="")
globals().update(
    celery_routing(
        CELERY_TASK_DEFAULT_QUEUE, CELERY_QUEUE_PREFIX, CELERY_TASK_TIME_LIMIT, BROKER_URL
    )
)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat records its own heartbeat as it ticks, at least every 10 s; /healthz reports beat
# missing when that heartbeat is older than BEAT_HEARTBEAT_MAX_AGE seconds.
CELERY_BEAT_SCHEDULER = "cms.operations:HeartbeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 10
BEAT_HEARTBEAT_MAX_AGE = env.int("BEAT_HEARTBEAT_MAX_AGE", default=60)
# The plugin's periodic tasks (membership_forms.schedule), then the project's own.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    **BEAT_SCHEDULE,
    "requeue-stalled-submissions": {
        **BEAT_SCHEDULE["requeue-stalled-submissions"],
        "schedule": env.float("REQUEUE_INTERVAL", default=60.0),
    },
    "record-heartbeat": {
        "task": "tasks.maintenance.record_heartbeat",
        "schedule": env.float("HEARTBEAT_INTERVAL", default=60.0),
    },
    "purge-sign-in-records": {
        "task": "tasks.maintenance.purge_sign_in_records",
        "schedule": 3600.0,
    },
}

# Wagtail
WAGTAIL_SITE_NAME = "International Coalition for the Responsibility to Protect"
# The site's public address, for every absolute link: emails, the admin's, the API's and the
# demo's Site record (`make run` serves on PORT, so its default follows PORT).
SITE_URL = (
    env.str("SITE_URL", default="")
    or env.str("WAGTAILADMIN_BASE_URL", default="")
    or f"http://127.0.0.1:{env.int('PORT', default=8000)}"
).rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
# Each language stemmed by its own rules on PostgreSQL (cms/search.py); after changing
# LANGUAGE_CONFIGS or upgrading, rebuild the index: manage.py update_index.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "cms.search"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Documents go through the site's view (its privacy and collection checks), also from a
# media bucket, whose public URL would bypass them (docs/storage.md).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
# No Gravatar in the admin: the admin's CSP allows images from this site only, and staff
# addresses (hashed) are not sent to a third party. Users without a picture get the default.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor the admin's check for new Wagtail releases (a fetch from releases.wagtail.org, which
# the same policy blocks); upgrades follow the lock file, not a banner.
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Security headers. The public site allows nothing inline and nothing from other hosts.
CSP_PUBLIC = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'", "https://checkout.stripe.com"],
    "frame-ancestors": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
# Wagtail's admin still needs inline scripts and styles (wagtail/wagtail#1288).
CSP_ADMIN = {
    **CSP_PUBLIC,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "form-action": ["'self'"],
}
CSP_ADMIN_PATH_PREFIXES = ["/admin/", "/django-admin/"]
CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"  # Wagtail's preview panel frames the site's own pages
SESSION_COOKIE_HTTPONLY = True
# A refused form gets a page in the site's look and language (templates/cms/errors/).
CSRF_FAILURE_VIEW = "cms.views.csrf_failure"
# Admin users sign in with a second factor (cms/twofactor.py); production turns it on.
STAFF_TWO_FACTOR = env.bool("STAFF_TWO_FACTOR", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="ICRtoP")
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)  # one working day

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# Cross-origin calls (django-cors-headers): the forms API only; which origins may call is
# each site's "Forms API" setting in the admin (membership_forms.cors). No cookies.
CORS_URLS_REGEX = r"^/api/v3/forms/"
CORS_ALLOW_METHODS = ["GET", "POST", "OPTIONS"]
CORS_ALLOW_HEADERS = ["content-type", "idempotency-key", "accept-language"]
CORS_EXPOSE_HEADERS = ["Retry-After", "Content-Language"]
CORS_PREFLIGHT_MAX_AGE = 3600

MEMBERSHIP_FORMS = {
    "SUBMISSION_RATE_LIMIT": env.str("SUBMISSION_RATE_LIMIT", default="10/m"),
    "CLAMD_SOCKET": env.str("CLAMD_SOCKET", default="") or None,
    # Behind proxies (docs/security.md): the header with the client's address, and how
    # many trusted proxies write to it (counted from the right). Unset: REMOTE_ADDR.
    "CLIENT_IP_HEADER": env.str("CLIENT_IP_HEADER", default="") or None,
    "TRUSTED_PROXY_COUNT": env.int("TRUSTED_PROXY_COUNT", default=1),
    # A staff session reads the forms API only after the admin's second factor.
    "SESSION_ACCESS_CHECK": "cms.twofactor.session_verified",
    "API_TOKEN_DAYS": env.int("API_TOKEN_DAYS", default=90),
    "SITE_URL": SITE_URL,
    # The outbox sweep (docs/operations.md): seconds before a row is queued again.
    "REQUEUE_AFTER": env.int("SUBMISSION_REQUEUE_AFTER", default=120),
    "NOTIFICATION_REQUEUE_AFTER": env.int("NOTIFICATION_REQUEUE_AFTER", default=1800),
    # Unset: donations are pledges (bank transfer or cheque), see docs/donations.md.
    "STRIPE_SECRET_KEY": env.str("STRIPE_SECRET_KEY", default="") or None,
    "STRIPE_WEBHOOK_SECRET": env.str("STRIPE_WEBHOOK_SECRET", default="") or None,
    # Cloudflare Turnstile, a proof of a person on the forms: off here unless
    # TURNSTILE_ENABLED; production turns it on when both keys are set.
    "TURNSTILE_ENABLED": env.bool("TURNSTILE_ENABLED", default=False),
    "TURNSTILE_SITE_KEY": env.str("TURNSTILE_SITE_KEY", default="") or None,
    "TURNSTILE_SECRET_KEY": env.str("TURNSTILE_SECRET_KEY", default="") or None,
    "TURNSTILE_VERIFY_URL": env.str(
        "TURNSTILE_VERIFY_URL", default="https://challenges.cloudflare.com/turnstile/v0/siteverify"
    ),
    "TURNSTILE_TIMEOUT": env.float("TURNSTILE_TIMEOUT", default=3.0),
    # Retention (docs/security.md): days before personal data is removed.
    "RETENTION_DAYS": env.int("RETENTION_DAYS", default=365),
    "DONATION_RETENTION_DAYS": env.int("DONATION_RETENTION_DAYS", default=7 * 365),
    "UNPAID_DONATION_RETENTION_DAYS": env.int("UNPAID_DONATION_RETENTION_DAYS", default=180),
    # An applicant's "Ask for erasure" (on /my/) is emailed here: the Secretariat's address.
    "ERASURE_REQUESTS_TO": env.str("ERASURE_REQUESTS_TO", default=""),
    # Staff reach an applicant's file by a signed link when it lies in a bucket; else the
    # site streams it.
    "PRIVATE_FILE_URL_SECONDS": PRIVATE_FILE_URL_SECONDS if S3_PRIVATE_BUCKET else None,
}

WAGTAILDOCS_DOCUMENT_MODEL = "cms.LibraryDocument"
# Anonymous visitors' pages, cached in Redis and purged on publish (cms/cache.py).
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
PAGE_CACHE_TIMEOUT = env.int("PAGE_CACHE_TIMEOUT", default=600)
# API v3 pages per response (Wagtail's default is 20).
WAGTAILAPI_LIMIT_MAX = 100
