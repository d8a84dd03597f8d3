from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .approvals import user_can_approve_accounts

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
    "approvals": "accounts:approval_list",
    "audit": "accounts:audit_list",
    "change_password": "account_change_password",
    "mfa": "mfa_index",
    "login": "account_login",
    "logout": "account_logout",
}


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        # Leads, agency heads and the coordinator find the accounts waiting for them here.
        "can_approve_accounts": user is not None and user_can_approve_accounts(user),
        "PORTAL_NAME": _("Minnesota U/T Visa Certification Portal"),
        "DEBUG": settings.DEBUG,
        # Reversed on each request, as `{% url %}` would be: the request's URLconf and script
        # prefix apply, and no process keeps a copy of its own.
        "nav": {key: reverse(name) for key, name in NAV_URL_NAMES.items()},
    }
