from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import AuditEntry, Invitation, Organization, User
from .services import user_deactivate, user_sessions_end


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "organization", "is_active", "last_login"]
    list_filter = ["role", "is_active", "organization"]
    search_fields = ["email", "full_name"]
    actions = ["deactivate_users"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "role", "organization")}),
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

    @admin.action(description="Deactivate the selected users and end their sessions")
    def deactivate_users(self, request, queryset) -> None:
        for user in queryset:
            user_deactivate(user=user, actor=request.user, request=request)
        self.message_user(request, f"{queryset.count()} user(s) deactivated.")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Deactivation ends every session of the user at once (CJIS 5.5.6).
            user_sessions_end(user=obj)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are sent from the portal's "Invite a user" page; here they can be read."""

    list_display = ["email", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email"]
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


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
