"""WSGI entry point for the benchmark: the portal's settings with bench/urls.py as the URLconf,
and each response carrying the number of SQL queries it took (X-Bench-Queries).

Only `make bench` starts it (gunicorn on 127.0.0.1); production uses uvisa_portal.wsgi.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uvisa_portal.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connections  # noqa: E402

portal = get_wsgi_application()
settings.ROOT_URLCONF = "bench.urls"


class CountQueries:
    """Every query the request runs, through Django's public execute_wrapper hook, counted
    until the response starts (the session is saved before that), transaction control
    included as Django's own test assertion counts it."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        def start(status, headers, exc_info=None):
            headers = [*headers, ("X-Bench-Queries", str(count[0]))]
            return start_response(status, headers, exc_info)

        with connections["default"].execute_wrapper(counter):
            return self.app(environ, start)


application = CountQueries(portal)
