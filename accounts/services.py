"""Writes for accounts: the audit trail, sessions, the second factor's attempt limit."""

from __future__ import annotations

from importlib import import_module

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from .models import AuditAction, AuditEntry, SessionRecord, User
from .security import client_ip


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
        ip_address=client_ip(request),
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


def _mfa_failures_key(user: User) -> str:
    return f"portal-mfa-code-failures:{user.pk}"


def mfa_code_failed(*, request: HttpRequest, user: User, reauthentication: bool) -> bool:
    """Record one wrong second-factor code; True when the attempt must end.

    OWASP ASVS 2.8.x / CJIS 5.5.3: a code of 6 digits only resists guessing with a limit.
    1. Audit the wrong code (ids and address only).
    2. Count it per account, in the shared cache, until a code is accepted: typing the
       password again after a few wrong codes starts a new attempt but not a new count, and
       several attempts open in parallel share it.
    3. At MFA_CODE_ATTEMPTS: forget the count, audit the ended attempt and report one failed
       sign-in to django-axes, so the account's lockout counts it like a wrong password.
    """
    target = f"accounts.user:{user.pk}"
    detail = "re-authentication" if reauthentication else "sign-in"
    audit_log(
        action=AuditAction.MFA_FAILED, user=user, request=request, target=target, detail=detail
    )
    key = _mfa_failures_key(user)
    timeout = int(settings.AXES_COOLOFF_TIME.total_seconds())
    cache.add(key, 0, timeout=timeout)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        failures = 1
    if failures < settings.MFA_CODE_ATTEMPTS:
        return False
    cache.delete(key)
    audit_log(
        action=AuditAction.MFA_LOCKOUT,
        user=user,
        request=request,
        target=target,
        detail=f"{detail}: {failures} wrong codes",
    )
    AxesProxyHandler.user_login_failed(
        sender=mfa_code_failed, credentials={"email": user.email}, request=request
    )
    return True


def mfa_code_failures_clear(*, user: User) -> None:
    """A code was accepted: the count of wrong ones starts again."""
    cache.delete(_mfa_failures_key(user))


def mfa_signin_locked(*, request: HttpRequest, user: User) -> bool:
    """Whether django-axes holds this account locked for this client, so that sign-in
    attempts opened before the lock cannot go on guessing codes."""
    return not AxesProxyHandler.is_allowed(request, credentials={"email": user.email})
