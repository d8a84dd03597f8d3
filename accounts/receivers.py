"""Audit entries for sign-in events (CJIS 5.4.1.1: successful and unsuccessful logons)."""

from __future__ import annotations

import time

from allauth.mfa import signals as mfa_signals
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import translation

from .middleware import MFA_OK_KEY, SESSION_STARTED_KEY
from .models import AuditAction
from .security import axes_username, user_has_totp
from .services import audit_log, session_record, user_sessions_end


@receiver(user_logged_in, dispatch_uid="portal_audit_login")
def on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = int(time.time())
        session_record(user=user, request=request)
        # Decided once per session, so later pages cost no extra query.
        if user.requires_mfa and user_has_totp(user):
            request.session[MFA_OK_KEY] = True
    # The page after sign-in is already in the account's language (AccountLanguageMiddleware
    # keeps it on the requests that follow, and the cookie in line with it).
    if user.language in dict(settings.LANGUAGES):
        translation.activate(user.language)
        if request is not None:
            request.LANGUAGE_CODE = user.language
    audit_log(action=AuditAction.LOGIN, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="portal_audit_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The address typed is recorded (it may be mistyped, or an attacker's guess); never the
    # password. The entry is not linked to an account, so it says nothing about which exist.
    audit_log(
        action=AuditAction.LOGIN_FAILED,
        user=None,
        request=request,
        target=axes_username(request, credentials)[:120],
    )


@receiver(user_logged_out, dispatch_uid="portal_audit_logout")
def on_logout(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    audit_log(action=AuditAction.LOGOUT, user=user, request=request)
    # Signing out ends the user's sessions everywhere, not only in this browser.
    user_sessions_end(user=user)


def _mfa_change(request, user, authenticator, what: str) -> None:
    # Ids only: the authenticator's type and row, never its secret or codes.
    audit_log(
        action=AuditAction.MFA_CHANGE,
        user=user,
        request=request,
        target=f"mfa.authenticator:{authenticator.pk}",
        detail=f"{authenticator.type} {what}",
    )


# CJIS 5.4.1.1 / ASVS 7.2.x: changes to an account's authenticators are security events.
@receiver(mfa_signals.authenticator_added, dispatch_uid="portal_audit_mfa_added")
def on_mfa_added(sender, request, user, authenticator, **kwargs) -> None:
    _mfa_change(request, user, authenticator, "added")


@receiver(mfa_signals.authenticator_removed, dispatch_uid="portal_audit_mfa_removed")
def on_mfa_removed(sender, request, user, authenticator, **kwargs) -> None:
    _mfa_change(request, user, authenticator, "removed")


@receiver(mfa_signals.authenticator_reset, dispatch_uid="portal_audit_mfa_reset")
def on_mfa_reset(sender, request, user, authenticator, **kwargs) -> None:
    _mfa_change(request, user, authenticator, "regenerated")
