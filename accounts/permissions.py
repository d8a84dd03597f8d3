"""What administrators may do in the Django admin: exactly the directory, accounts, invitations
and the audit trail (view only). Nothing of certification requests.

Administrators are staff with the "Administrators" group, never superusers (CJIS 5.5.2.1 least
privilege; OWASP ASVS 4.1.3): a superuser passes every permission check, including ones added
later. `administrators_group_sync` takes an app registry so the data migration and the
post_migrate receiver share it (the migration runs with historical models).
"""

from __future__ import annotations

ADMINISTRATORS_GROUP = "Administrators"

# Every model of these apps, every permission: the directory.
FULL_APPS = ("agencies",)

# (app label, model) -> permitted actions. Users are never added in the admin (invitations are
# the only way an account is created) nor deleted (they are deactivated, keeping the trail).
MODEL_ACTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("accounts", "user"): ("view", "change"),
    ("accounts", "organization"): ("view", "add", "change"),
    # "change" only for the revoke action: every field of an invitation is read-only.
    ("accounts", "invitation"): ("view", "change"),
    ("accounts", "auditentry"): ("view",),
    # USCIS's form editions and their blank official PDFs: no victim data, never deleted.
    ("certifications", "formedition"): ("view", "add", "change"),
}


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ids = list(
        Permission.objects.filter(content_type__app_label__in=FULL_APPS).values_list(
            "pk", flat=True
        )
    )
    for (app_label, model), actions in MODEL_ACTIONS.items():
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        if content_type is None:
            continue
        codenames = [f"{action}_{model}" for action in actions]
        ids += Permission.objects.filter(
            content_type=content_type, codename__in=codenames
        ).values_list("pk", flat=True)
    return ids


def administrators_group_sync(apps):
    """Create the group if needed and give it exactly the permissions above (idempotent)."""
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=ADMINISTRATORS_GROUP)
    group.permissions.set(_permissions(apps))
    return group


def administrator_access_set(*, user, apps=None) -> None:
    """Give `user` the admin site through the group when they are an administrator, and take
    it away otherwise: the role decides, never a flag set by hand. Never a superuser."""
    from django.apps import apps as global_apps

    apps = apps or global_apps
    Group = apps.get_model("auth", "Group")
    is_admin = user.role == "administrator"
    type(user).objects.filter(pk=user.pk).update(is_staff=is_admin, is_superuser=False)
    user.is_staff, user.is_superuser = is_admin, False
    group = Group.objects.filter(name=ADMINISTRATORS_GROUP).first()
    if group is None:
        group = administrators_group_sync(apps)
    if is_admin:
        user.groups.add(group)
    else:
        user.groups.remove(group)
