import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_printed_admin_account_signs_in(client, settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    call_command("ensure_admin")
    printed = capsys.readouterr().out
    password = printed.rsplit("password ", 1)[1].strip()
    assert "/admin/ as admin" in printed

    response = client.post("/admin/login/", {"username": "admin", "password": password})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200

    # A second run keeps the account and prints the same way to sign in.
    call_command("ensure_admin")
    assert capsys.readouterr().out == printed


def test_openapi_document_is_served(client):
    response = client.get("/api/v3/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["version"] == "3.0.0"
