"""Stripe's webhook: validate, store, hand off, answer (the shape of anymail's webhook views).

A bad, stale or future-dated signature, or a signed body that is not a Stripe event, is
answered 400 and nothing is stored. A stored event is
answered 200 at once; the workers process it. A repeat of a stored event is answered 200
too (Stripe stops retrying) and is not processed again.
"""

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from .services.stripe_events import BadSignature, NotAnEvent, verify_and_store

MAX_BYTES = 512 * 1024  # Stripe's events are well under this


@csrf_exempt
def stripe_webhook(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES:
        return HttpResponseBadRequest("Too large.")
    signature = request.headers.get("Stripe-Signature", "")
    try:
        verify_and_store(request.body, signature)
    except NotAnEvent:
        return HttpResponseBadRequest("Not a Stripe event.")
    except BadSignature:
        return HttpResponseBadRequest("Invalid signature.")
    return HttpResponse("OK", content_type="text/plain")
