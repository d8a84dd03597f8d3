"""WSGI entry point for the benchmark (bench/settings.py), each response carrying the number of
SQL queries it took (X-Bench-Queries).

Only `make bench` starts it (gunicorn on 127.0.0.1); production uses uvisa_portal.wsgi.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.db import connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


class CountQueries:
    """Every query a request runs, through Django's execute_wrapper hook, counted until the
    response starts (the session is saved before that), savepoints included, as
    `django_assert_num_queries` counts them."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        def start(status, headers, exc_info=None):
            return start_response(status, [*headers, ("X-Bench-Queries", str(count[0]))], exc_info)

        with connections["default"].execute_wrapper(counter):
            return self.app(environ, start)


application = CountQueries(get_wsgi_application())
