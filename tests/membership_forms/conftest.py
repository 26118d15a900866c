"""Form pages built by the demo builder, API clients and valid payloads for each kind."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.test import Client

from tests.conftest import clear_run_cache
from tests.payloads import valid_payload  # noqa: F401  (the tests import it from here)


def load_form_pages() -> dict:
    from membership_forms import kinds

    pages = {
        model.kind: {page.locale.language_code: page for page in model.objects.all()}
        for model in kinds.page_models()
    }
    return {kind: by_language for kind, by_language in pages.items() if by_language}


@pytest.fixture(scope="session")
def _built_form_pages(django_db_setup, django_db_blocker):
    """Built once (the builder takes seconds); each test's transaction rolls back its own."""
    from cms.demo.forms import build_form_pages
    from cms.demo.pages import ensure_home

    with django_db_blocker.unblock():
        ensure_home()
        build_form_pages()


@pytest.fixture
def form_pages(_built_form_pages, db):
    return load_form_pages()


@pytest.fixture
def live_form_pages(transactional_db):
    """For tests a worker thread must see: committed pages, rebuilt after a flush."""
    from cms.demo.forms import build_form_pages
    from cms.demo.pages import ensure_home

    ensure_home()  # a flush removed Wagtail's root and site
    build_form_pages()
    return load_form_pages()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with fresh rate-limit counters."""
    clear_run_cache()
    yield


@pytest.fixture
def api():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def minimal_pdf(pages: int = 1) -> bytes:
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"%% filler\n" * pages
    return body + b"trailer << /Root 1 0 R >>\n%%EOF\n"


def minimal_docx(extra: dict | None = None, content_types: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            content_types
            or b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/content-types"><Override PartName="/word/document.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            b'document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", b"<w:document><w:body>Hello</w:body></w:document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def stored_files() -> list[Path]:
    root = Path(storages["private"].location)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def internship_files() -> dict:
    return {
        "cover_letter": ("cover.pdf", minimal_pdf(), "application/pdf"),
        "resume": ("resume.docx", minimal_docx(), "application/octet-stream"),
        "writing_sample": ("sample.pdf", minimal_pdf(4), "application/pdf"),
    }


def multipart(payload: dict, files: dict) -> dict:
    """A dict the test client sends as multipart: lists repeat, booleans as true/false."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {}
    for key, value in payload.items():
        data[key] = ("true" if value else "false") if isinstance(value, bool) else value
    for key, (name, content, content_type) in files.items():
        data[key] = SimpleUploadedFile(name, content, content_type=content_type)
    return data


def submit_url(page) -> str:
    return f"/api/v3/forms/{page.pk}/submissions/"


@pytest.fixture(scope="session")
def _stripe_server():
    from .stripe_server import RecordedStripe

    server = RecordedStripe()
    yield server
    server.close()


@pytest.fixture
def stripe_api(_stripe_server, settings):
    """Stripe keys set, and the SDK pointed at the recorded-response server."""
    from .stripe_server import WEBHOOK_SECRET

    _stripe_server.reset()
    settings.MEMBERSHIP_FORMS = {
        **settings.MEMBERSHIP_FORMS,
        "STRIPE_SECRET_KEY": "sk_test_recorded",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": _stripe_server.url,
        "STRIPE_TIMEOUT": 3,
    }
    yield _stripe_server
    _stripe_server.reset()


@pytest.fixture
def no_stripe(settings):
    settings.MEMBERSHIP_FORMS = {
        **settings.MEMBERSHIP_FORMS,
        "STRIPE_SECRET_KEY": None,
        "STRIPE_WEBHOOK_SECRET": None,
    }


@pytest.fixture(scope="session")
def _siteverify():
    from .turnstile_server import Siteverify

    server = Siteverify()
    yield server
    server.close()


@pytest.fixture
def turnstile(_siteverify, settings):
    """Turnstile on, verified against the local siteverify server."""
    from .turnstile_server import SECRET_KEY, SITE_KEY

    _siteverify.reset()
    settings.MEMBERSHIP_FORMS = {
        **settings.MEMBERSHIP_FORMS,
        "TURNSTILE_ENABLED": True,
        "TURNSTILE_SITE_KEY": SITE_KEY,
        "TURNSTILE_SECRET_KEY": SECRET_KEY,
        "TURNSTILE_VERIFY_URL": _siteverify.url,
        "TURNSTILE_TIMEOUT": 1,
    }
    yield _siteverify
    _siteverify.reset()
