from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and audit"

    def ready(self) -> None:
        from allauth.account.decorators import secure_admin_login
        from django.contrib import admin

        from . import receivers  # noqa: F401 - connects the sign-in audit receivers

        # The admin's own login form checks the password only: it would skip the second
        # factor and the lockout page. Send it through the portal's sign-in instead.
        admin.site.login = secure_admin_login(admin.site.login)
