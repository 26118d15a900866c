"""Money and trust: only the Stripe objects the site made move a gift; failures are shown.

A Stripe account often serves more than this site (Payment Links, another shop), and
anyone paying through such a link can put our donation's number in its metadata or its
client_reference_id. Those objects are signed by Stripe like ours, so the webhook's
signature proves nothing about who made them.
"""

import time

import pytest

from membership_forms.models import StripeEvent

from .stripe_server import event, sign
from .test_donations import post_event

# --- Webhook bodies and signatures ----------------------------------------------------------


@pytest.mark.parametrize("body", ["[]", '"x"', "1", "null", '{"id": 1, "type": []}'])
def test_signed_bodies_that_are_not_stripe_events_are_refused(db, stripe_api, client, body):
    assert post_event(client, body).status_code == 400
    assert StripeEvent.objects.count() == 0


def test_signatures_dated_in_the_future_are_refused(db, stripe_api, client):
    body = event("evt_future", "checkout.session.completed", "cs_x", "checkout.session")
    ahead = sign(body, timestamp=int(time.time()) + 3600)
    assert post_event(client, body, ahead).status_code == 400
    assert StripeEvent.objects.count() == 0
    # A clock a little ahead of ours is within the tolerance.
    assert post_event(client, body, sign(body, timestamp=int(time.time()) + 30)).status_code == 200
