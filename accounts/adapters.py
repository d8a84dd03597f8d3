from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter

from uvisa_portal import crypto


class PortalAccountAdapter(DefaultAccountAdapter):
    """No open sign-up: accounts are created by administrators through invitations."""

    def is_open_for_signup(self, request) -> bool:
        return False


class PortalMFAAdapter(DefaultMFAAdapter):
    """Users whose role requires a second factor cannot remove their authenticator app
    (CJIS 5.6.2.2); advocates may turn it on and off."""

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
