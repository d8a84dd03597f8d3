"""Writes for accounts: the audit trail."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.http import HttpRequest

from .models import AuditAction, AuditEntry, SessionRecord, User


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
    outcome: str = "",
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
        outcome=str(outcome)[:40],
        ip_address=_client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
    )


def user_sessions_end(*, user: User) -> None:
    """End every session of `user`, on every device (CJIS 5.5.6; ASVS 3.3.1)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    records = SessionRecord.objects.filter(user_id=user.pk)
    for key in records.values_list("session_key", flat=True):
        store().delete(key)
    records.delete()


def session_record(*, user: User, request: HttpRequest) -> None:
    """Remember that this session belongs to `user` (called at sign-in)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    SessionRecord.objects.update_or_create(
        session_key=session.session_key, defaults={"user_id": user.pk}
    )


def user_deactivate(*, user: User, actor: User | None, request: HttpRequest | None = None) -> User:
    """Deactivate an account and end all its sessions; audited."""
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    user_sessions_end(user=user)
    audit_log(
        action=AuditAction.USER_CHANGE,
        user=actor,
        request=request,
        target=f"accounts.user:{user.pk}",
        detail="deactivated; all sessions ended",
    )
    return user
