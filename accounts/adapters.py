from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.core.exceptions import PermissionDenied

from uvisa_portal import crypto

from .security import client_ip


class PortalAccountAdapter(DefaultAccountAdapter):
    """No open sign-up: accounts are created by administrators through invitations."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request) -> str:
        """allauth's per-address rate limits (sign-in, password reset) count the same client
        address as the lockout and the audit trail (TRUSTED_PROXY_COUNT)."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address


class PortalMFAAdapter(DefaultMFAAdapter):
    """No one whose role requires a second factor (every role: accounts.models
    MFA_REQUIRED_ROLES) can remove their authenticator app (CJIS 5.6.2.2, IA-2)."""

    def can_delete_authenticator(self, authenticator) -> bool:
        from allauth.mfa.models import Authenticator

        user = authenticator.user
        if authenticator.type == Authenticator.Type.TOTP and user.requires_mfa:
            return False
        return super().can_delete_authenticator(authenticator)

    # TOTP secrets and recovery-code seeds are encrypted with the key ring from the
    # environment: a copy of the database alone cannot mint codes (CJIS 5.6.2.2.1; OWASP
    # ASVS 2.9.1: secrets of authenticators protected at rest).
    def encrypt(self, text: str) -> str:
        return crypto.encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt_text(encrypted_text)
