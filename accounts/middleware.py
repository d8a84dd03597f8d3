"""Request-level security rules: session limits, MFA enrolment, no-store on victim pages."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

from accounts.security import user_has_totp
from accounts.services import audit_log

SESSION_STARTED_KEY = "portal_session_started"
MFA_OK_KEY = "portal_mfa_enrolled"


class SessionLimitsMiddleware:
    """End a session 12 hours after sign-in, however active (ASVS 3.3.2, CJIS 5.5.5).

    The 30-minute idle limit is SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST: each
    request pushes the expiry back; a session left alone expires in the store.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_STARTED_KEY)
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - int(started) > settings.SESSION_ABSOLUTE_SECONDS:
                user = request.user
                logout(request)
                audit_log(action="logout", user=user, request=request, detail="session expired")
                return redirect(f"{reverse('account_login')}?expired=1")
        return self.get_response(request)


def _mfa_exempt_paths() -> tuple[str, ...]:
    return (
        reverse("mfa_activate_totp"),
        reverse("account_logout"),
        reverse("account_reauthenticate"),
        reverse("mfa_reauthenticate"),
        settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}",
        reverse("healthz"),
    )


class RequireMFAMiddleware:
    """Every user (advocates, agency contacts, the coordinator, administrators:
    accounts.models.MFA_REQUIRED_ROLES) must enrol an authenticator app before they can do
    anything else (CJIS 5.6.2.2, IA-2 advanced authentication; OWASP ASVS 2.x level 2).

    A user without a TOTP authenticator is sent to allauth's activation page; only that
    page, sign-out and re-authentication stay reachable. Once enrolled, the session remembers
    it (an enrolled user cannot remove the authenticator: PortalMFAAdapter)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.requires_mfa
            and not request.session.get(MFA_OK_KEY)
            and not request.path.startswith(_mfa_exempt_paths())
        ):
            if user_has_totp(user):
                request.session[MFA_OK_KEY] = True
            else:
                if not request.session.get("portal_mfa_told"):
                    request.session["portal_mfa_told"] = True
                    messages.info(
                        request,
                        _(
                            "Your role requires two-factor authentication. Set up an authenticator "
                            "app (for example on your phone) to continue."
                        ),
                    )
                return redirect("mfa_activate_totp")
        return self.get_response(request)


class PendingApprovalMiddleware:
    """An account waiting for approval of its role can sign in but sees only the waiting page
    (two-person rule, accounts/approvals.py). The role properties and certifications/access.py
    already treat it as having no role; this keeps it from every other page too."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_approved
            and not request.path.startswith(_pending_exempt_paths())
        ):
            return redirect("accounts:approval_pending")
        return self.get_response(request)


def _pending_exempt_paths() -> tuple[str, ...]:
    # Enrolling the second factor stays possible while waiting; the MFA pages show no data.
    return (reverse("accounts:approval_pending"), reverse("mfa_index"), *_mfa_exempt_paths())


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page that can show victim data, and on every page of
    a signed-in user (ASVS 8.2.1): nothing of a request stays in a shared or browser cache."""

    PREFIXES = ("/requests/", "/accounts/", "/admin/")

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(self.PREFIXES) or request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class AccountLanguageMiddleware:
    """A signed-in user's language is the one saved on their account (the selector saves it
    there too), so it follows them to every browser; without one, LocaleMiddleware's choice
    (cookie, else Accept-Language, else English) stands. The cookie is brought in line with
    the account, so the page stays in that language after signing out."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = _account_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


def _account_language(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    language = user.language
    return language if language in dict(settings.LANGUAGES) else ""
