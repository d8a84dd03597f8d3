"""Glue between the sign-in packages (allauth, allauth.mfa, django-axes) and the portal:
the client's address, the lockout's keys and limits, and the second factor's attempt limit."""

from __future__ import annotations

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_parameters, get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, the one place the portal decides it (lockout, audit, budgets).

    With TRUSTED_PROXY_COUNT = 0 the portal faces clients directly: REMOTE_ADDR, and any
    X-Forwarded-For is the client's own claim, ignored. With N trusted proxies, each appends
    the address it received the request from, so the N-th entry from the right was written by
    the outermost trusted proxy; everything left of it is the client's claim and never read
    (OWASP ASVS 14.x: do not trust client-supplied headers). A missing or malformed entry falls
    back to REMOTE_ADDR.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


def axes_client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the lockout counts the same address the audit trail records."""
    return client_ip(request)


def axes_username(request: HttpRequest | None, credentials: dict | None) -> str:
    """The e-mail address a sign-in attempt used, lower-cased, for django-axes' counters.

    allauth authenticates with `email=`; the login form posts it as `login`.
    """
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or ""
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login", "")
    return str(value).strip().lower()


def _failure_limit(keys: frozenset[str]) -> int:
    """The failures one lockout key may collect before it locks (CJIS 5.5.3, ASVS 2.2.1).

    The account alone (any address) has the higher AXES_ACCOUNT_FAILURE_LIMIT, so a stranger
    failing from a few addresses cannot lock the user out from everywhere; the address (every
    address typed from it: password spraying) has the normal AXES_FAILURE_LIMIT.
    """
    if keys == {"username"}:
        return settings.AXES_ACCOUNT_FAILURE_LIMIT
    return settings.AXES_FAILURE_LIMIT


class PortalAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler with one limit per lockout key.

    axes compares one number, `get_failures`, with AXES_FAILURE_LIMIT, in the backend, the
    handler and the middleware alike. Each key's count is therefore expressed in units of that
    limit: floor(count * base / own) reaches `base` exactly when `count` reaches `own`.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        base = settings.AXES_FAILURE_LIMIT
        keyed = zip(
            get_client_parameters(
                get_client_username(request, credentials),
                request.axes_ip_address,
                request.axes_user_agent,
                request,
                credentials,
            ),
            self.get_user_attempts(request, credentials),
            strict=True,
        )
        scaled = 0
        for filter_kwargs, attempts in keyed:
            total = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            scaled = max(scaled, total * base // _failure_limit(frozenset(filter_kwargs)))
        return scaled

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """A successful sign-in clears that account's failures only, not the address's: an
        attacker with an account of their own cannot sign in to reset a spraying count."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def user_has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()
