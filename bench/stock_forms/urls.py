"""The site's URLs plus a bare Django JSON view, the floor of bench/submit.py."""

import json

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from cms.urls import urlpatterns as site_urlpatterns


@csrf_exempt
def bare_json(request):
    body = json.loads(request.body or b"{}")
    return JsonResponse({"received": len(body)}, status=202)


urlpatterns = [path("bench/bare-json/", bare_json), *site_urlpatterns]
