from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

# The links of the navigation bar (templates/_nav.html), by the name the template uses.
NAV_URL_NAMES = {
    "home": "home",
    "directory": "agencies:directory",
    "queue": "certifications:queue",
    "coordinator": "certifications:coordinator",
    "notifications": "certifications:notifications",
    "statistics": "statistics:figures",
    "public_statistics": "statistics:public",
    "admin": "admin:index",
    "invite": "accounts:invitation_new",
    "audit": "accounts:audit_list",
    "change_password": "account_change_password",
    "mfa": "mfa_index",
    "login": "account_login",
    "logout": "account_logout",
}


def portal(request: HttpRequest) -> dict:
    return {
        "PORTAL_NAME": "Minnesota U/T Visa Certification Portal",
        "DEBUG": settings.DEBUG,
        # Reversed on each request, as `{% url %}` would be: the request's URLconf and script
        # prefix apply, and no process keeps a copy of its own.
        "nav": {key: reverse(name) for key, name in NAV_URL_NAMES.items()},
    }
