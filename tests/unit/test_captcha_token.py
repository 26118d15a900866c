"""Where the Turnstile token is read from a submission: the API's field or the widget's."""

import pytest

from membership_forms.captcha import API_FIELD, WIDGET_FIELD, token_from


def test_the_api_field_and_the_widget_field_both_carry_it():
    assert token_from({API_FIELD: "from-the-api"}) == "from-the-api"
    assert token_from({WIDGET_FIELD: "from-the-widget"}) == "from-the-widget"


def test_the_api_field_comes_first_and_a_blank_one_does_not_hide_the_widgets():
    assert token_from({API_FIELD: "api", WIDGET_FIELD: "widget"}) == "api"
    assert token_from({API_FIELD: "   ", WIDGET_FIELD: "widget"}) == "widget"


def test_blanks_around_a_pasted_token_are_dropped():
    assert token_from({API_FIELD: "\n  0.abc-DEF_123  \t"}) == "0.abc-DEF_123"


@pytest.mark.parametrize(
    "data",
    [{}, {API_FIELD: ""}, {API_FIELD: ["a"]}, {API_FIELD: 123}, {API_FIELD: None}, None, "x", []],
)
def test_no_usable_token_is_the_empty_string(data):
    assert token_from(data) == ""


def test_a_token_longer_than_turnstiles_is_cut_not_sent_whole():
    assert token_from({API_FIELD: "t" * 5000}) == "t" * 2048
