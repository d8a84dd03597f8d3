from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and audit")

    def ready(self) -> None:
        from allauth.account.decorators import secure_admin_login
        from django.contrib import admin
        from django.db.models.signals import post_migrate

        from . import receivers  # noqa: F401 - connects the sign-in audit receivers

        # The admin's own login form checks the password only: it would skip the second
        # factor and the lockout page. Send it through the portal's sign-in instead.
        admin.site.login = secure_admin_login(admin.site.login)

        post_migrate.connect(_sync_administrators_group, dispatch_uid="portal_admin_group")


def _sync_administrators_group(sender, apps=None, using="default", **kwargs) -> None:
    """After migrations (and after a test database flush, which empties the group tables), the
    administrators' group holds exactly its permissions (accounts/permissions.py)."""
    from django.apps import apps as global_apps

    from .permissions import administrators_group_sync

    # Once, after the last app: every app's permissions exist by then.
    with_models = [config for config in global_apps.get_app_configs() if config.models_module]
    if sender.label != with_models[-1].label:
        return
    administrators_group_sync(global_apps)
