"""Visitors sign in with a code sent by email (cms/accounts.py, docs/members.md): valid ten
minutes, once, three wrong codes end it, throttled per address and per client address,
and the same answer for an address nobody applied with."""

import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from cms.models import SignInEvent, SignInRecord
from membership_forms.models import Submission
from tests.conftest import clear_run_cache, wait_for
from tests.smtp import free_port, html, subject, text

# Every email goes through the real worker to the SMTP sink.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("celery_worker"),
]

KNOWN = "amina@example.org"
UNKNOWN = "nobody@example.org"
CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _site(transactional_db):
    """The site and its home page: a flush after the previous test removed them."""
    from cms.demo.pages import ensure_home

    ensure_home()


@pytest.fixture(autouse=True)
def _fresh_limits():
    clear_run_cache()


def applied(email: str = KNOWN, kind: str = "membership", **extra) -> Submission:
    field = {"membership": "contact_email", "newsletter": "email"}[kind]
    return Submission.objects.create(
        reference=f"MEM-2026-{uuid.uuid4().int % 100000:05d}",
        kind=kind,
        form_key=uuid.uuid4(),
        locale="en",
        status="in_review",
        payload={field: email, "contact_name": "Amina Odhiambo", **extra},
    )


def ask_code(client, email: str, language: str = "", **meta):
    prefix = f"/{language}" if language else ""
    return client.post(f"{prefix}/account/sign-in/", {"email": email}, **meta)


def enter_code(client, code: str, language: str = "", **meta):
    prefix = f"/{language}" if language else ""
    return client.post(f"{prefix}/account/sign-in/code/", {"code": code}, **meta)


def arrived(smtp_server, address: str = "", count: int = 1) -> list:
    """The emails (to `address`) once the worker sent `count` of them."""

    def sent():
        """the worker sent the emails"""
        messages = smtp_server.to(address) if address else smtp_server.messages
        return messages if len(messages) >= count else None

    return wait_for(sent)


def code_in(message) -> str:
    match = CODE.search(text(message))
    assert match, text(message)
    return match[1]


def test_a_known_applicant_signs_in_with_the_emailed_code(client, smtp_server):
    applied()
    response = ask_code(client, KNOWN)
    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/code/"
    [message] = arrived(smtp_server)
    assert subject(message) == "Your sign-in code"
    code = code_in(message)
    # The link opens the code page with the code filled in, on the site's address.
    assert f"http://testserver/account/sign-in/code/?code={code}" in text(message)
    assert f'href="http://testserver/account/sign-in/code/?code={code}"' in html(message)
    assert "The code is valid for ten minutes" in html(message)

    signed_in = enter_code(client, code)
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/my/"
    page = client.get("/my/")
    assert page.status_code == 200
    assert "Signed in as" in page.content.decode()
    user = get_user_model().objects.get(email=KNOWN)
    assert not user.has_usable_password()
    [record] = SignInRecord.objects.all()
    assert (record.event, record.user, record.email) == (SignInEvent.SIGNED_IN, user, KNOWN)
    assert record.client_hash and "127.0.0.1" not in record.client_hash


def test_the_visitor_never_waits_on_the_mail_server(client, settings, smtp_server):
    """With no mail server listening, both answers come at once, the same; the worker
    delivers the emails once the server is back, and the code works."""
    applied()
    sink = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there: sending now would fail
    known = ask_code(client, KNOWN)
    unknown = ask_code(Client(), UNKNOWN)
    assert (known.status_code, known["Location"]) == (302, "/account/sign-in/code/")
    assert (unknown.status_code, unknown["Location"]) == (302, "/account/sign-in/code/")
    settings.EMAIL_PORT = sink
    [message] = arrived(smtp_server, KNOWN)
    [note] = arrived(smtp_server, UNKNOWN)
    assert subject(note) == "Your request to sign in"
    assert enter_code(client, code_in(message))["Location"] == "/my/"


def test_the_code_works_once(client, smtp_server):
    applied()
    ask_code(client, KNOWN)
    code = code_in(arrived(smtp_server)[0])
    assert enter_code(client, code)["Location"] == "/my/"
    assert client.post("/account/sign-out/")["Location"] == "/account/sign-in/"
    assert SignInRecord.objects.filter(event=SignInEvent.SIGNED_OUT).count() == 1
    assert client.get("/my/").status_code == 302
    # The same code again: the attempt is over, the visitor is sent to ask for a new one.
    again = enter_code(client, code)
    assert again.status_code == 302
    assert again["Location"] == "/account/sign-in/code/new/"
    assert client.get("/my/")["Location"].startswith("/account/sign-in/")


def test_the_code_expires_after_ten_minutes(client, smtp_server):
    applied()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        ask_code(client, KNOWN)
        code = code_in(arrived(smtp_server)[0])
        clock.shift(timedelta(minutes=10, seconds=1))
        late = enter_code(client, code)
    assert late.status_code == 302
    assert late["Location"] == "/account/sign-in/code/new/"
    assert client.get("/my/").status_code == 302


def test_a_code_entered_within_ten_minutes_works(client, smtp_server):
    applied()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        ask_code(client, KNOWN)
        code = code_in(arrived(smtp_server)[0])
        clock.shift(timedelta(minutes=9, seconds=50))
        assert enter_code(client, code)["Location"] == "/my/"


def test_three_wrong_codes_end_the_attempt(client, smtp_server):
    applied()
    ask_code(client, KNOWN)
    code = code_in(arrived(smtp_server)[0])
    first = enter_code(client, "AAAA-1111")
    assert first.status_code == 200
    assert "This code is not right: check it and type it again." in first.content.decode()
    assert enter_code(client, "AAAA-2222").status_code == 200
    third = enter_code(client, "AAAA-3333")
    assert third.status_code == 302
    assert third["Location"] == "/account/sign-in/code/new/"
    # Even the right code is no use now.
    assert enter_code(client, code)["Location"] == "/account/sign-in/code/new/"
    assert client.get("/my/").status_code == 302
    events = list(SignInRecord.objects.order_by("pk").values_list("event", flat=True))
    assert events == [SignInEvent.CODE_REJECTED] * 2 + [SignInEvent.ATTEMPT_ENDED]


def shown(client, response, address: str) -> str:
    """The page a visitor sees next, with the address and the form's token left out."""
    page = client.get(response["Location"]).content.decode()
    return CSRF.sub("", page.replace(address, "ADDRESS"))


def test_an_unknown_address_gets_the_same_answer_and_no_code(client, smtp_server):
    applied()
    known_client = Client()
    known = ask_code(known_client, KNOWN)
    unknown = ask_code(client, UNKNOWN)
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert unknown.content == known.content
    assert shown(client, unknown, UNKNOWN) == shown(known_client, known, KNOWN)
    # The unknown address is told there is nothing to sign in to; no code, no account.
    [note] = arrived(smtp_server, UNKNOWN)
    assert subject(note) == "Your request to sign in"
    assert "no application, donation or newsletter subscription under this address" in text(note)
    assert not CODE.search(text(note))
    assert not get_user_model().objects.filter(email=UNKNOWN).exists()
    # Whatever is typed, nobody is signed in.
    assert enter_code(client, "ABCD-1234").status_code == 200
    assert client.get("/my/").status_code == 302


def test_staff_never_sign_in_by_code(client, smtp_server, django_user_model):
    staff = django_user_model.objects.create_user("editor", KNOWN, "x" * 16, is_staff=True)
    applied()  # even with an application under the same address
    response = ask_code(client, KNOWN)
    assert response["Location"] == "/account/sign-in/code/"
    [note] = arrived(smtp_server, KNOWN)
    assert subject(note) == "Your request to sign in"
    assert not CODE.search(text(note))
    assert enter_code(client, "ABCD-1234").status_code == 200
    assert "_auth_user_id" not in client.session
    staff.refresh_from_db()
    assert staff.has_usable_password()
    # Nor is there a password sign-in page on the public site: the admin's is the only one.
    page = client.get("/account/sign-in/").content.decode()
    assert 'type="password"' not in page


def test_codes_for_one_address_are_limited(client, smtp_server):
    applied()
    answers = [ask_code(Client(), KNOWN).status_code for _ in range(4)]
    assert answers == [302, 302, 302, 200]
    refused = ask_code(Client(), KNOWN).content.decode()
    assert "Too many attempts: wait a few minutes, then ask for a new code." in refused
    assert len(arrived(smtp_server, KNOWN, 3)) == 3
    # Another address, from the same client, still gets its code.
    applied("lucia@example.org")
    assert ask_code(client, "lucia@example.org").status_code == 302


def test_codes_for_one_client_address_are_limited_behind_a_proxy(client, settings, smtp_server):
    settings.MEMBERSHIP_FORMS = {
        **settings.MEMBERSHIP_FORMS,
        "CLIENT_IP_HEADER": "X-Forwarded-For",
        "TRUSTED_PROXY_COUNT": 1,
    }

    def through_proxy(address: str, forged: str = "") -> dict:
        chain = f"{forged}, {address}" if forged else address
        return {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": chain}

    # One client asking for ten addresses' codes, forging the left of the header each time.
    codes = [
        ask_code(
            Client(), f"person{n}@example.org", **through_proxy("198.51.100.7", f"203.0.113.{n}")
        ).status_code
        for n in range(11)
    ]
    assert codes == [302] * 10 + [200]
    # Another client behind the same proxy is not held back by them.
    assert ask_code(Client(), UNKNOWN, **through_proxy("198.51.100.8")).status_code == 302


@pytest.mark.parametrize(
    ("language", "subject_line", "phrase"),
    [
        ("fr", "Votre code de connexion", "Le code est valable dix minutes"),
        ("es", "Su código de acceso", "El código es válido durante diez minutos"),
        ("ar", "رمز الدخول الخاص بكم", "الرمز صالح لمدة عشر دقائق"),
    ],
)
def test_the_email_is_in_the_visitors_language(client, smtp_server, language, subject_line, phrase):
    # An address of its own: a retried email from an earlier test may still arrive.
    address = f"applicant-{language}@example.org"
    applied(address)
    response = ask_code(client, address, language)
    assert response["Location"] == f"/{language}/account/sign-in/code/"
    [message] = arrived(smtp_server, address)
    assert subject(message) == subject_line
    assert phrase in text(message)
    assert f"http://testserver/{language}/account/sign-in/code/?code=" in text(message)
    body = html(message)
    assert f'lang="{language}"' in body
    assert ('dir="rtl"' in body) == (language == "ar")
    page = client.get(response["Location"]).content.decode()
    assert f'<html lang="{language}"' in page


def test_staff_see_the_sign_ins_in_the_admin(client, smtp_server, django_user_model):
    applied()
    ask_code(client, KNOWN)
    enter_code(client, code_in(arrived(smtp_server)[0]))
    editor = Client()
    editor.force_login(django_user_model.objects.create_superuser("boss", "boss@example.org", "x"))
    listing = editor.get("/admin/reports/sign-ins/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert KNOWN in page and "Signed in" in page
    # Read-only: nobody adds or edits a record.
    refused = editor.get("/admin/reports/sign-ins/new/")
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    # Visitors see nothing of it.
    assert client.get("/admin/reports/sign-ins/").status_code == 302
