from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from uvisa_portal.admin_errors import ValidValuesAdminMixin

from .invitations import invitation_revoke
from .models import AuditEntry, Invitation, Organization, User
from .services import (
    SELF_PROTECTED_FIELDS,
    SUPERUSER_ONLY_FIELDS,
    user_deactivate,
    user_mfa_reset,
    user_save_by_admin,
)

# The second factor's secrets are never shown to or set by anyone in the admin (CJIS 5.6.2.2):
# an administrator resets a user's factor instead (UserAdmin's action), and the user enrols again.
if admin.site.is_registered(Authenticator):
    admin.site.unregister(Authenticator)


@admin.register(Organization)
class OrganizationAdmin(ValidValuesAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(ValidValuesAdminMixin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "role",
        "organization",
        "is_active",
        "approved_at",
        "last_login",
    ]
    list_filter = ["role", "is_active", "is_organization_lead", "organization"]
    search_fields = ["email", "full_name"]
    actions = ["deactivate_users", "reset_second_factor"]
    # No password here: nobody sets or resets another person's password (they reset their own
    # by e-mail); `user_change_password` answers 404 below.
    fieldsets = (
        (None, {"fields": ("email",)}),
        ("Person", {"fields": ("full_name", "role", "organization", "is_organization_lead")}),
        ("Approval", {"fields": ("approved_at", "approved_by")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "role", "organization", "password1", "password2"),
            },
        ),
    )

    def has_add_permission(self, request) -> bool:
        # Invitations are the only way an account is created (accounts/invitations.py).
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = {"approved_at", "approved_by", "last_login", "date_joined"}
        if not request.user.is_superuser:
            fields |= SUPERUSER_ONLY_FIELDS - {"password"}
        if obj is not None and obj.pk == request.user.pk:
            fields |= SELF_PROTECTED_FIELDS
        return sorted(fields)

    def user_change_password(self, request, id, form_url=""):
        # Not even the page: an administrator who sets a password can sign in as that person.
        raise Http404(_("No such page."))

    @admin.action(description=_("Deactivate the selected users and end their sessions"))
    def deactivate_users(self, request, queryset) -> None:
        queryset = queryset.exclude(pk=request.user.pk)
        for user in queryset:
            user_deactivate(user=user, actor=request.user, request=request)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)s user deactivated.", "%(count)s users deactivated.", count)
            % {"count": count},
        )

    @admin.action(description=_("Reset second factor (they set it up again at next sign-in)"))
    def reset_second_factor(self, request, queryset) -> None:
        for user in queryset:
            user_mfa_reset(user=user, actor=request.user, request=request)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Second factor reset for %(count)s user.",
                "Second factor reset for %(count)s users.",
                count,
            )
            % {"count": count},
        )

    def save_model(self, request, obj, form, change) -> None:
        # The rules live in the service: a form that slipped a field through is refused there.
        user_save_by_admin(actor=request.user, user=obj, changed=form.changed_data, request=request)


@admin.register(Invitation)
class InvitationAdmin(ValidValuesAdminMixin, admin.ModelAdmin):
    """Invitations are sent from the portal's "Invite a user" page; here they can be read."""

    list_display = ["email", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email"]
    readonly_fields = [f.name for f in Invitation._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Revoke the selected invitations"), permissions=["change"])
    def revoke(self, request, queryset) -> None:
        revoked = sum(
            invitation_revoke(invitation=invitation, actor=request.user, request=request)
            for invitation in queryset
        )
        self.message_user(request, f"{revoked} invitation(s) revoked.")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Searchable, never editable: the audit trail is append-only (CJIS 5.4)."""

    list_display = ["created_at", "user_label", "action", "target", "ip_address"]
    list_filter = ["action"]
    search_fields = ["user_label", "target"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
