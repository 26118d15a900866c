"""A view with no database, template or cache work: the floor pages are measured against.

Only routed when the `BENCH_URLS` setting is on (cms/settings/bench.py), never in production.
"""

from django.http import HttpResponse

_PARAGRAPH = (
    "<p>The International Coalition for the Responsibility to Protect brings together "
    "non-governmental organizations from every region of the world.</p>\n"
)
BODY = (
    '<!DOCTYPE html>\n<html lang="en" dir="ltr"><head><meta charset="utf-8">'
    "<title>Bare</title></head><body><main>" + _PARAGRAPH * 80 + "</main></body></html>"
)


def bare(request):
    return HttpResponse(BODY)
