"""GET /api/v3/forms/my/organisation/: the signed-in contact's organisation, its people for
its primary contact only; 401 signed out, 404 for someone who is no organisation's contact."""

from django.contrib.auth.models import User
from django.test import Client

from membership_forms.models import OrganisationContact

from .reviewing import member_of
from .test_organisations import approved_supporter

URL = "/api/v3/forms/my/organisation/"


def signed_in(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def test_my_organisation_for_its_primary_contact_and_an_editor(form_pages, api):
    organisation = approved_supporter(form_pages, api, member_of("Secretariat", "secretariat"))
    primary = organisation.contacts.get()
    editor = User.objects.create_user("ed", "ed@example.org")
    OrganisationContact.objects.create(organisation=organisation, user=editor, role="editor")

    response = signed_in(primary.user).get(URL + "?locale=es")
    assert response.status_code == 200
    assert response.json() == {
        "name": "Peace Works <b>Network</b>",
        "status": "active",
        "status_words": "Activa",
        "anniversary": organisation.anniversary.isoformat(),
        "renewed_at": None,
        "role": "primary",
        "contacts": [
            {"email": "amina@example.org", "role": "primary"},
            {"email": "ed@example.org", "role": "editor"},
        ],
    }

    # An editor sees the organisation and their role, not its people.
    mine = signed_in(editor).get(URL, HTTP_ACCEPT_LANGUAGE="fr").json()
    assert (mine["name"], mine["role"], mine["status_words"], mine["contacts"]) == (
        "Peace Works <b>Network</b>",
        "editor",
        "Actif",
        None,
    )


def test_my_organisation_needs_a_session_and_a_contact(db):
    assert Client().get(URL).status_code == 401
    stranger = User.objects.create_user("someone", "someone@example.org")
    response = signed_in(stranger).get(URL + "?locale=fr")
    assert response.status_code == 404
    (message,) = response.json()["errors"]["non_field_errors"]
    assert message == "Vous n\u2019êtes la personne de contact d\u2019aucune organisation."
