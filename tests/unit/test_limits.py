"""The parts of the abuse limits that need no cache: reading a rate and a header's name."""

import pytest

from membership_forms.limits import meta_key, parse_rate


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [("5/s", (5, 1)), ("30/m", (30, 60)), ("100/h", (100, 3600)), ("1000/d", (1000, 86400))],
)
def test_a_rate_is_a_count_per_period_in_seconds(rate, parsed):
    assert parse_rate(rate) == parsed


def test_a_zero_rate_is_read_as_zero():
    assert parse_rate("0/m") == (0, 60)


@pytest.mark.parametrize("rate", ["5/w", "5", "5/", "5/M", "five/m", "/m"])
def test_a_malformed_rate_is_an_error_not_a_guess(rate):
    with pytest.raises((KeyError, ValueError)):
        parse_rate(rate)


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("X-Forwarded-For", "HTTP_X_FORWARDED_FOR"),
        ("x-real-ip", "HTTP_X_REAL_IP"),
        ("CF-Connecting-IP", "HTTP_CF_CONNECTING_IP"),
        ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_FOR"),  # already a META key: kept
        ("REMOTE_ADDR", "REMOTE_ADDR"),  # the peer's address is not a header
        ("remote-addr", "REMOTE_ADDR"),
    ],
)
def test_a_header_name_becomes_djangos_meta_key(header, key):
    assert meta_key(header) == key
