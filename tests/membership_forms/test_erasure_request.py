"""An applicant asks, from /my/, for their personal data to be erased: the request is in
the history of each of their submissions and reaches the Secretariat by email, sent by
the real worker; the applicant is told, in their language, what happens next."""

import pytest
from django.test import Client

from membership_forms.models import Notification, NotificationKind
from membership_forms.models.audit import SubmissionLogEntry
from tests.conftest import wait_for
from tests.smtp import subject, text

from .test_my_applications import MINE, THEIRS, submission

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("celery_worker"),
]

SECRETARIAT = "secretariat@example.org"


@pytest.fixture(autouse=True)
def _site(transactional_db):
    """The site and its home page: a flush after the previous test removed them."""
    from cms.demo.pages import ensure_home

    ensure_home()


@pytest.fixture
def me(django_user_model, settings):
    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "ERASURE_REQUESTS_TO": SECRETARIAT}
    user = django_user_model.objects.create_user("visitor-amina", MINE)
    user.set_unusable_password()
    user.save()
    browser = Client()
    browser.force_login(user)
    return browser


def test_i_ask_for_erasure_and_the_secretariat_is_told(me, smtp_server):
    application = submission("membership", MINE)
    signup = submission("newsletter", MINE)
    theirs = submission("membership", THEIRS)
    page = me.get("/fr/my/").content.decode()
    assert "Demander l\u2019effacement" in page
    answer = me.post("/fr/my/erasure/", follow=True)
    assert answer.redirect_chain == [("/fr/my/", 302)]
    assert (
        "Votre demande est enregistrée. Le Secrétariat effacera vos données personnelles"
        in answer.content.decode()
    )
    assert MINE in answer.content.decode()

    def arrived():
        """the Secretariat's email arrived"""
        return smtp_server.to(SECRETARIAT)

    [message] = wait_for(arrived)
    assert subject(message) == f"Request to erase personal data: {MINE}"
    assert application.reference in text(message) and signup.reference in text(message)
    assert theirs.reference not in text(message)
    logged = SubmissionLogEntry.objects.filter(action="membership_forms.submission.erasure_request")
    assert sorted(entry.object_id for entry in logged) == sorted(
        [str(application.pk), str(signup.pk)]
    )
    # Asking again the same day sends the Secretariat no second email.
    assert me.post("/my/erasure/").status_code == 302
    assert Notification.objects.filter(kind=NotificationKind.ERASURE_REQUEST).count() == 1


def test_asking_needs_a_signed_in_visitor_and_a_post(client, me):
    assert client.post("/my/erasure/")["Location"] == "/account/sign-in/?next=/my/erasure/"
    assert me.get("/my/erasure/").status_code == 405
    assert not Notification.objects.exists()
