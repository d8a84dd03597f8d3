"""Django's and allauth's authentication backends, loading each signed-in user with their
organization.

Every advocate page names the organization (the dashboard's heading, the request page's
parties), so the user and the organization come in one query rather than two on each
request (issue 10: a query per page costs Django about 0.5 ms). Nothing else changes: the
same password checks, the same `user_can_authenticate` rule for inactive accounts.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend

from .models import User


class _UserWithOrganization:
    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("organization").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class PortalModelBackend(_UserWithOrganization, ModelBackend):
    """Django's backend (the admin's sign-in, `Client.force_login`)."""


class PortalAuthenticationBackend(_UserWithOrganization, AuthenticationBackend):
    """allauth's backend (the portal's sign-in by e-mail address)."""
