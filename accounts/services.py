"""Writes for accounts: the audit trail."""

from __future__ import annotations

from django.http import HttpRequest

from .models import AuditAction, AuditEntry, User


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # REMOTE_ADDR is set by gunicorn from the proxy connection; SecurityMiddleware trusts
    # X-Forwarded-Proto only. Behind a proxy, configure it to set REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR") or None


def audit_log(
    *,
    action: AuditAction | str,
    user: User | None = None,
    request: HttpRequest | None = None,
    target: str = "",
    detail: str = "",
) -> AuditEntry:
    """Append one audit entry. `target` and `detail` must not contain victim data."""
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    return AuditEntry.objects.create(
        user=user if user is not None and user.pk else None,
        user_label=(user.email if user is not None else ""),
        action=action,
        target=target[:120],
        detail=detail[:500],
        ip_address=_client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
    )
