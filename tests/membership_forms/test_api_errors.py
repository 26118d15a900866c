"""The forms API answers in one shape even where the framework answers before it."""

from django.utils import translation
from ninja.errors import ValidationError

from membership_forms.api.errors import field_errors


def test_a_path_no_endpoint_matches_is_a_json_404_in_the_callers_language(db, client):
    for method, path in [
        ("get", "/api/v3/forms/abc/"),
        ("post", "/api/v3/forms/abc/submissions/"),
        ("get", "/api/v3/forms/12/nothing-here/"),
    ]:
        response = getattr(client, method)(path, headers={"accept-language": "fr"})
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"errors": {"non_field_errors": ["Introuvable."]}}


def test_the_frameworks_refusals_become_field_errors_in_djangos_words():
    refused = ValidationError(
        [
            {"type": "enum", "loc": ("query", "kind"), "msg": "Input should be 'a' or 'b'"},
            {"type": "missing", "loc": ("body", "payload", "email"), "msg": "Field required"},
            {"type": "int_parsing", "loc": ("query", "page"), "msg": "Input should be..."},
            {"type": "int_type", "loc": ("query", "page"), "msg": "Input should be..."},
            {"type": "value_error", "loc": ("body", "payload", "tags", 2), "msg": "..."},
            {"type": "missing", "loc": ("body",), "msg": "Field required"},
        ]
    )
    with translation.override("es"):
        assert field_errors(refused) == {
            "kind": ["Escoja una opción válida. Esa opción no está entre las disponibles."],
            "email": ["Este campo es necesario."],
            "page": ["Introduzca un número entero."],
            "tags": ["Introduzca un valor válido."],
            "non_field_errors": ["Este campo es necesario."],
        }
