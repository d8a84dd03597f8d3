"""Project-wide views: the role home page, the health check and the error pages."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from accounts.decorators import audited
from accounts.models import AuditAction, Role
from agencies.selectors import contact_for_user
from certifications.services.notifications import notifications_dead_count
from certifications.views import agency
from certifications.views.advocate import dashboard as advocate_dashboard
from uvisa_portal.celery import app

logger = logging.getLogger(__name__)

HOME_TEMPLATES = {
    Role.ADVOCATE: "home/advocate.html",
    Role.AGENCY_CONTACT: "home/agency_contact.html",
    Role.COORDINATOR: "home/coordinator.html",
    Role.ADMINISTRATOR: "home/administrator.html",
}


@login_required
@require_GET
@audited(AuditAction.LIST_VIEW)
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own page; a role with nothing to show gets a plain empty state."""
    if request.user.role == Role.ADVOCATE:
        # The advocate's home is the organization's dashboard (also at certifications:dashboard).
        return advocate_dashboard(request)
    # Agency contacts land on their review queue, the coordinator on the statewide overview;
    # an account not (or no longer) linked to an active contact gets the plain empty page.
    contact = contact_for_user(user=request.user)
    if contact is not None and request.user.role == Role.AGENCY_CONTACT:
        return agency.queue(request)
    if contact is not None and request.user.role == Role.COORDINATOR:
        if contact.agency.is_statewide_coordinator:
            return agency.coordinator(request)
        return agency.queue(request)
    template = HOME_TEMPLATES.get(request.user.role, "home/advocate.html")
    context = {}
    if request.user.is_administrator:
        # E-mails given up on are the administrators' to retry (the outbox page).
        context["dead_notifications"] = notifications_dead_count()
    return render(request, template, context)


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        logger.warning("healthz: database check failed: %s", type(exc).__name__)
        return "unreachable"
    return None


def _broker_url() -> str:
    return app.conf.broker_write_url or app.conf.broker_url


def _check_broker() -> str | None:
    # A fresh connection (not the pool's), so the answer reflects the broker right now.
    url = _broker_url()
    try:
        with Connection(url, connect_timeout=2, transport_options={"max_retries": 0}) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001
        logger.warning("healthz: broker check failed: %s", type(exc).__name__)
        return "unreachable"
    return None


def _check_cache() -> str | None:
    # Sign-in's rate limits and used TOTP codes live in the cache: without it nobody signs in.
    # A value of this process's own, read back, so a stale entry cannot pass for an answer.
    key = "healthz:" + uuid.uuid4().hex
    try:
        cache.set(key, "ok", timeout=10)
        answered = cache.get(key) == "ok"
        cache.delete(key)
    except Exception as exc:  # noqa: BLE001
        logger.warning("healthz: cache check failed: %s", type(exc).__name__)
        return "unreachable"
    return None if answered else "unreachable"


def _dead_notifications() -> int:
    try:
        return notifications_dead_count()
    except Exception as exc:  # noqa: BLE001 - the database check already reports it
        logger.warning("healthz: outbox check failed: %s", type(exc).__name__)
        return 0


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the broker and the cache answer, else 503 naming which failed.

    E-mails given up on ("dead" notices) make the answer "degraded" with their count, still
    with 200: the portal serves its users, so a load balancer must keep sending them, while
    monitoring alerts someone to fix the mail server and retry them (the outbox page).
    The answer names components and counts, never hosts, URLs, credentials or recipients.
    """
    checks = {"database": _check_database(), "broker": _check_broker(), "cache": _check_cache()}
    body: dict[str, str | int] = {name: (error or "ok") for name, error in checks.items()}
    healthy = all(error is None for error in checks.values())
    dead = _dead_notifications() if checks["database"] is None else 0
    body["dead_notifications"] = dead
    if not healthy:
        body["status"] = "unavailable"
    else:
        body["status"] = "degraded" if dead else "ok"
    return JsonResponse(body, status=200 if healthy else 503)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request context: whatever failed may be what the context needs.
    from django.template import loader

    return HttpResponse(
        loader.get_template("500.html").render(
            {"PORTAL_NAME": "Certification Portal", "DEBUG": settings.DEBUG}
        ),
        status=500,
    )
