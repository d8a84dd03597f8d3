"""Response headers the security middleware of Django and django-csp do not set."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` on every response, every listed feature off (OWASP ASVS 14.4;
    OWASP Secure Headers): a page that shows victim data never gets the camera, microphone
    or location, even if a script were injected into it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DISABLED)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response
