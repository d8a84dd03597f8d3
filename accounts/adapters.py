from allauth.account.adapter import DefaultAccountAdapter


class PortalAccountAdapter(DefaultAccountAdapter):
    """No open sign-up: accounts are created by administrators through invitations."""

    def is_open_for_signup(self, request) -> bool:
        return False
