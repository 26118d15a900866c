"""Pure helpers that read Django's settings or translations (so not in tests/unit): the
text cleaning every field goes through, the JSON type check, email links, country order
and the keyed hash of client addresses. No database, no request."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from membership_forms.countries import sort_codes
from membership_forms.kinds import FieldType
from membership_forms.limits import digest
from membership_forms.links import absolute
from membership_forms.validation import FieldSpec, SafeEmailField, clean_text, json_to_form_data

# --- clean_text: what is stored of what a visitor typed --------------------------------------


def test_text_is_stored_in_one_unicode_form():
    """ "é" typed as e + combining accent and as one character are the same name."""
    assert clean_text("Pe\u0301rez") == clean_text("Pérez") == "Pérez"


@pytest.mark.parametrize(
    "typed",
    [
        "منظمة السلام من أجل الحوار",  # Arabic
        "Organización Lucía Pérez",
        "Ōsaka 平和センター",
        '<b>Ana</b> & "Co"',  # markup is text: kept, escaped where it is shown
        "👩‍💻 Tech for peace",  # an emoji sequence joined by U+200D
        "می‌خواهم",  # Persian: U+200C keeps the letters apart, part of the spelling
    ],
)
def test_ordinary_text_in_any_script_is_kept_as_typed(typed):
    assert clean_text(typed) == typed


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # right-to-left override
        ("\u2066Ana\u2069", "Ana"),  # directional isolates
        ("A\u200bna", "Ana"),  # zero-width space
        ("Ana\x00\x1b\x7f\x85", "Ana"),  # C0 and C1 controls, DEL
    ],
)
def test_invisible_and_control_characters_are_removed(typed, stored):
    assert clean_text(typed) == stored


def test_a_single_line_keeps_no_line_break_nor_tab():
    assert clean_text("Ana\nLopez") == "Ana Lopez"
    assert clean_text("Ana\tLopez") == "Ana Lopez"


def test_multiline_text_keeps_its_lines_with_one_kind_of_line_break():
    typed = "First line\r\nsecond\rthird\n\tindented"
    assert clean_text(typed, multiline=True) == "First line\nsecond\nthird\n indented"


def test_surrounding_blanks_go_and_only_blanks_or_controls_leave_nothing():
    assert clean_text("   Ana  ") == "Ana"
    assert clean_text(" \x00\x01\u202e ") == ""
    assert clean_text("\n\n", multiline=True) == ""


def test_text_that_was_not_utf8_is_refused_not_stored_garbled():
    with pytest.raises(ValidationError) as refused:
        clean_text("Ana \ufffd")
    assert refused.value.code == "invalid_encoding"


# --- Email addresses ----------------------------------------------------------------------


def test_an_address_is_stored_in_one_unicode_form():
    field = SafeEmailField()
    decomposed = field.clean("ana@exa\u0308mple.org")
    assert decomposed == field.clean("ana@exämple.org") == "ana@exämple.org"


def test_spaces_around_an_address_are_dropped():
    assert SafeEmailField().clean("  ana@example.org ") == "ana@example.org"


@pytest.mark.parametrize(
    "typed",
    [
        "ana@example.org\u00a0",  # a no-break space pasted from a document
        "ana@example.org\u2028",
        "ana@example.org;bob@example.org",
        "\tana@example.org",
    ],
)
def test_an_address_with_a_separator_or_invisible_blank_is_refused(typed):
    with pytest.raises(ValidationError):
        SafeEmailField().clean(typed)


# --- The JSON type check before the form ---------------------------------------------------


def spec(key: str, kind: str) -> FieldSpec:
    return FieldSpec(key=key, type=kind, label=key)


SPECS = [
    spec("name", FieldType.SINGLELINE),
    spec("amount", FieldType.AMOUNT),
    spec("member", FieldType.BOOLEAN),
    spec("consent", FieldType.CHECKBOX),
    spec("sectors", FieldType.CHECKBOXES),
    spec("resume", FieldType.FILE),
]


def test_json_values_become_what_the_form_reads():
    data, errors = json_to_form_data(
        SPECS,
        {"name": "Ana", "amount": 50, "member": False, "consent": True, "sectors": ["a", "b"]},
    )
    assert errors == {}
    assert data == {
        "name": "Ana",
        "amount": "50",  # a whole number is fine for an amount
        "member": "false",  # the yes/no field's own value
        "consent": True,
        "sectors": ["a", "b"],
    }


def test_null_is_the_same_as_leaving_a_field_out():
    assert json_to_form_data(SPECS, {"name": None, "amount": None}) == ({}, {})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("amount", True),  # a boolean is an int to Python, never an amount
        ("amount", [50]),
        ("member", "false"),  # a string that reads like a boolean is not one
        ("member", 0),
        ("consent", "on"),
        ("name", 42),
        ("sectors", "a"),
        ("sectors", ["a", 1]),
    ],
)
def test_a_value_of_the_wrong_json_type_is_named(key, value):
    with translation.override("en"):
        data, errors = json_to_form_data(SPECS, {key: value})
    assert data == {}
    assert errors == {key: ["This value has the wrong type."]}


def test_files_and_unknown_fields_are_refused_by_name():
    with translation.override("en"):
        _data, errors = json_to_form_data(SPECS, {"resume": "JVBERi0=", "x" * 500: "y"})
    assert errors == {
        "resume": ["Send files as multipart/form-data."],
        "x" * 100: ["Unknown field."],  # an attacker's key is not echoed at length
    }


@pytest.mark.parametrize("body", [[], "name=Ana", 3, None])
def test_a_body_that_is_not_an_object_is_one_error(body):
    with translation.override("en"):
        assert json_to_form_data(SPECS, body) == (
            {},
            {"non_field_errors": ["Send a JSON object of field values."]},
        )


# --- Links in emails ------------------------------------------------------------------------


def test_email_links_are_on_the_site_address_without_a_double_slash(settings):
    settings.MEMBERSHIP_FORMS = {
        **settings.MEMBERSHIP_FORMS,
        "SITE_URL": "https://coalition.example.org/",
    }
    assert absolute("/fr/adhesion/") == "https://coalition.example.org/fr/adhesion/"
    assert absolute("https://checkout.stripe.com/c/pay/x") == "https://checkout.stripe.com/c/pay/x"


def test_without_a_site_address_links_use_the_admins(settings):
    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "SITE_URL": ""}
    settings.WAGTAILADMIN_BASE_URL = "https://admin.example.org"
    assert absolute("/donate/") == "https://admin.example.org/donate/"


# --- Countries in a language's order --------------------------------------------------------


def test_countries_are_listed_in_the_readers_alphabet():
    codes = ["ES", "EG", "FR"]
    assert sort_codes(codes, "fr") == [("EG", "Égypte"), ("ES", "Espagne"), ("FR", "France")]
    assert [code for code, _name in sort_codes(codes, "en")] == ["EG", "FR", "ES"]


def test_unknown_and_repeated_codes_are_listed_once_or_not_at_all():
    assert sort_codes(["KE", "XK", "KE", ""], "en") == [("KE", "Kenya")]
    assert sort_codes([], "en") == []


# --- The keyed hash of client addresses ----------------------------------------------------


def test_a_client_address_is_stored_as_a_keyed_hash(settings):
    hashed = digest("203.0.113.7")
    assert hashed == digest("203.0.113.7")  # the same visitor, the same counter
    assert len(hashed) == 32 and "203" not in hashed
    assert digest("203.0.113.8") != hashed
    settings.SECRET_KEY = "another-site-" + "x" * 40
    assert digest("203.0.113.7") != hashed  # nobody without the key can test an address
