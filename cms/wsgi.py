"""WSGI entry point (gunicorn cms.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

application = get_wsgi_application()

# What loading the site created (modules, URL patterns, models, settings) lives as long
# as the process: keep it out of the garbage collector's full passes, which otherwise
# walk all of it every few hundred requests and show as slow requests.
gc.freeze()
