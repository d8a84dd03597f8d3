"""Glue between the sign-in packages (allauth, allauth.mfa, django-axes) and the portal."""

from __future__ import annotations

from django.http import HttpRequest


def axes_username(request: HttpRequest | None, credentials: dict | None) -> str:
    """The e-mail address a sign-in attempt used, lower-cased, for django-axes' counters.

    allauth authenticates with `email=`; the login form posts it as `login`.
    """
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or ""
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login", "")
    return str(value).strip().lower()


def user_has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()
