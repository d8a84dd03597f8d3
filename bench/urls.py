"""The portal's URLs plus the benchmark's own views. Served only by bench/wsgi.py (`make bench`,
on 127.0.0.1); the portal's ROOT_URLCONF never includes them."""

import django
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.security import client_ip
from uvisa_portal.urls import (  # noqa: F401 - the error handlers come along
    handler400,
    handler403,
    handler404,
    handler500,
)
from uvisa_portal.urls import urlpatterns as portal_urlpatterns

LOOPBACK = {"127.0.0.1", "::1"}


def _loopback_only(request: HttpRequest) -> None:
    if client_ip(request) not in LOOPBACK:
        raise Http404


@require_GET
def minimal(request: HttpRequest) -> HttpResponse:
    """Django's floor: the same middleware and server, no template, no query of its own."""
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_POST
def cache_clear(request: HttpRequest) -> HttpResponse:
    """Empty Django's cache, so the next request shows a page's whole work. A shared cache is
    emptied for every worker; a per-process one only in the worker that answers (the runner
    counts queries on a one-worker server)."""
    _loopback_only(request)
    cache.clear()
    return HttpResponse(status=204)


@require_GET
def info(request: HttpRequest) -> JsonResponse:
    """What the server runs on, for the results' machine section."""
    _loopback_only(request)
    database = settings.DATABASES["default"]
    server_version = connection.vendor
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server_version = f"PostgreSQL {cursor.fetchone()[0]}"
    return JsonResponse(
        {
            "django": django.get_version(),
            "database": server_version,
            "database_port": str(database.get("PORT") or ""),
            "conn_max_age": database.get("CONN_MAX_AGE"),
            "disable_server_side_cursors": bool(database.get("DISABLE_SERVER_SIDE_CURSORS")),
            "cache": settings.CACHES["default"]["BACKEND"],
            "session_engine": settings.SESSION_ENGINE,
            "broker": settings.CELERY_BROKER_URL.split(":", 1)[0],
        }
    )


urlpatterns = [
    path("_bench/minimal/", minimal, name="bench-minimal"),
    path("_bench/cache-clear/", cache_clear, name="bench-cache-clear"),
    path("_bench/info/", info, name="bench-info"),
    *portal_urlpatterns,
]
