from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

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


@functools.lru_cache(maxsize=16)
def _nav_urls(script_prefix: str, urlconf: str) -> dict[str, str]:
    # The same on every page and for every user: reversed once per process (and script
    # prefix), not a dozen times on each page.
    return {key: reverse(name) for key, name in NAV_URL_NAMES.items()}


def portal(request: HttpRequest) -> dict:
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    return {
        "PORTAL_NAME": "Minnesota U/T Visa Certification Portal",
        "DEBUG": settings.DEBUG,
        "nav": _nav_urls(get_script_prefix(), str(urlconf)),
    }
