"""The portal's URLs plus the benchmark's minimal view. Served only by bench/wsgi.py (`make bench`);
the portal's own ROOT_URLCONF never includes it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from uvisa_portal.urls import (  # noqa: F401 - the error handlers come along
    handler400,
    handler403,
    handler404,
    handler500,
)
from uvisa_portal.urls import urlpatterns as portal_urlpatterns


@require_GET
def minimal(request: HttpRequest) -> HttpResponse:
    """The framework's floor: the same middleware and server, no template, no query."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def base_page(request: HttpRequest) -> HttpResponse:
    """The template's floor: the site's base template (navigation for the signed-in user) with
    no content, so a page's cost beyond the shared layout can be told apart."""
    return render(request, "base.html", {})


urlpatterns = [
    path("_bench/minimal/", minimal, name="bench-minimal"),
    path("_bench/base/", base_page, name="bench-base"),
    *portal_urlpatterns,
]
