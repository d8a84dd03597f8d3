"""WSGI entry point for the benchmark: the portal's settings with bench/urls.py as the URLconf.

Only `make bench` starts it (gunicorn on 127.0.0.1); production uses uvisa_portal.wsgi.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uvisa_portal.settings")
application = get_wsgi_application()
settings.ROOT_URLCONF = "bench.urls"
