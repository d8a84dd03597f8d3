"""Two small middlewares of the portal's own.

- `PermissionsPolicyMiddleware`: the one response header Django's security middleware and
  django-csp do not set.
- `RejectControlCharactersMiddleware`: refuse query strings carrying control characters, before
  any view or the admin reads them. OWASP ASVS 5.1.3 / 5.1.4 (validate input, allow-list what is
  acceptable): no field of the portal takes a control character from a URL, and PostgreSQL
  cannot even store a NUL in a text value (a filter with one used to end in a server error).
  Tab, newline and carriage return are allowed: a pasted search can carry them and every
  database stores them harmlessly. DEL and the other C0 characters are refused with a plain
  400 page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


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


# C0 controls except tab (0x09), newline (0x0A) and carriage return (0x0D), and DEL (0x7F).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

BAD_QUERY_MESSAGE = (
    "The address of this page contains a character that cannot be typed, such as an "
    "invisible control character. Remove it from the address, or go back and search again."
)


def has_control_characters(request: HttpRequest) -> bool:
    return any(
        CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value)
        for key, values in request.GET.lists()
        for value in values
    )


class RejectControlCharactersMiddleware:
    """400 with a plain explanation for a GET parameter holding a control character."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_control_characters(request):
            return render(request, "400.html", {"message": BAD_QUERY_MESSAGE}, status=400)
        return self.get_response(request)
