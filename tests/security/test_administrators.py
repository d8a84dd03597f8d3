"""Administrators have no route to victim data: not superusers, no change to their own role or
access, no password setting, no second-factor secrets, no impersonation, every role change and
invitation in the portal's audit trail. Through HTTP with the personas."""

from __future__ import annotations

import importlib
import re

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import AuditAction, AuditEntry, Invitation, Role, SessionRecord, User
from accounts.permissions import ADMINISTRATORS_GROUP
from accounts.services import user_change_check, user_save_by_admin
from tests.factories import UserFactory, give_totp, totp_secret_for

from .canary import CANARY_STRINGS, seed_canary_request

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module(
    "accounts.migrations.0005_administrators_not_superusers_and_approval"
)


def _admin_client(personas) -> Client:
    client = Client()
    client.force_login(personas.admin)
    return client


def _change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def _change_form_data(user: User, **changes) -> dict:
    """What the admin's change form posts for `user` (its editable fields), with `changes`."""
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "organization": user.organization_id or "",
        "is_active": "on" if user.is_active else "",
        "_save": "Save",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _assert_no_canary(response) -> None:
    body = response.content.decode(errors="replace")
    for canary in CANARY_STRINGS:
        assert canary not in body


def test_administrator_is_staff_with_the_group_and_not_a_superuser(personas):
    admin_user = User.objects.get(pk=personas.admin.pk)
    assert admin_user.is_staff
    assert not admin_user.is_superuser
    assert admin_user.groups.filter(name=ADMINISTRATORS_GROUP).exists()


def test_the_group_grants_exactly_the_directory_accounts_invitations_and_audit(personas):
    perms = set(
        Group.objects.get(name=ADMINISTRATORS_GROUP).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    apps_granted = {app for app, _ in perms}
    assert apps_granted == {"agencies", "accounts", "certifications"}
    assert {codename for app, codename in perms if app == "certifications"} == {
        "view_formedition",
        "add_formedition",
        "change_formedition",
    }
    accounts_perms = {codename for app, codename in perms if app == "accounts"}
    assert accounts_perms == {
        "view_user",
        "change_user",
        "view_organization",
        "add_organization",
        "change_organization",
        "view_invitation",
        "change_invitation",
        "view_auditentry",
    }
    # Every model of the directory, every action.
    assert ("agencies", "change_agency") in perms
    assert ("agencies", "delete_pointofcontact") in perms
    assert not personas.admin.has_perm("mfa.view_authenticator")
    assert not personas.admin.has_perm("certifications.view_certificationrequest")


def test_the_data_migration_turns_administrator_superusers_into_staff(personas):
    old = UserFactory(
        email="old.admin@example.org",
        role=Role.ADMINISTRATOR,
        organization=None,
        is_staff=True,
        is_superuser=True,
        approved_at=None,
    )
    MIGRATION.forwards(django_apps, None)
    old.refresh_from_db()
    assert old.is_staff and not old.is_superuser
    assert old.groups.filter(name=ADMINISTRATORS_GROUP).exists()
    assert old.approved_at is not None


def test_administrator_cannot_make_themselves_an_advocate_in_the_admin(personas, media_root):
    """The attack to stop: re-role oneself to an advocate, then read a request."""
    request, attachment, _ = seed_canary_request(personas)
    client = _admin_client(personas)
    form = client.get(_change_url(personas.admin))
    assert form.status_code == 200
    # Role, organization and access are shown, not editable, on one's own record.
    assert 'name="role"' not in form.content.decode()
    assert 'name="is_superuser"' not in form.content.decode()
    response = client.post(
        _change_url(personas.admin),
        _change_form_data(
            personas.admin,
            role=Role.ADVOCATE,
            organization=personas.org_a.pk,
            is_superuser="on",
            is_staff="on",
        ),
    )
    assert response.status_code == 302
    personas.admin.refresh_from_db()
    assert personas.admin.role == Role.ADMINISTRATOR
    assert personas.admin.organization_id is None
    assert not personas.admin.is_superuser
    assert not AuditEntry.objects.filter(action=AuditAction.ROLE_CHANGE).exists()
    for url in (
        reverse("certifications:detail", args=[request.pk]),
        reverse("certifications:attachment_download", args=[attachment.pk]),
    ):
        assert client.get(url).status_code == 404


def test_the_service_refuses_a_change_of_ones_own_role_whatever_the_form(personas):
    me = User.objects.get(pk=personas.admin.pk)
    me.role, me.organization = Role.ADVOCATE, personas.org_a
    with pytest.raises(PermissionDenied, match="your own role"):
        user_save_by_admin(actor=personas.admin, user=me, changed=["role", "organization"])
    assert User.objects.get(pk=personas.admin.pk).role == Role.ADMINISTRATOR
    for field in ("is_staff", "is_superuser", "groups", "user_permissions", "is_organization_lead"):
        with pytest.raises(PermissionDenied):
            user_change_check(actor=personas.admin, user=personas.admin, changed=[field])


def test_nobody_but_a_superuser_grants_superuser_or_staff(personas):
    client = _admin_client(personas)
    target = personas.advocate_b
    assert 'name="is_superuser"' not in client.get(_change_url(target)).content.decode()
    response = client.post(
        _change_url(target), _change_form_data(target, is_superuser="on", is_staff="on")
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_superuser and not target.is_staff
    for field in ("is_superuser", "is_staff", "groups", "user_permissions", "email"):
        with pytest.raises(PermissionDenied, match="operators"):
            user_change_check(actor=personas.admin, user=target, changed=[field])


def test_administrators_cannot_set_or_reset_anothers_password(personas):
    client = _admin_client(personas)
    url = reverse("admin:auth_user_password_change", args=[personas.advocate_a.pk])
    assert client.get(url).status_code == 404
    new = "another-long-password-77"
    response = client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 404
    personas.advocate_a.refresh_from_db()
    assert not personas.advocate_a.check_password(new)
    page = client.get(_change_url(personas.advocate_a)).content.decode()
    assert "password/" not in page
    assert 'name="password' not in page
    # Nor create an account (with a password of their choosing) in the admin.
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403


def test_the_authenticator_model_is_not_in_the_admin_and_no_secret_is_shown(personas):
    """The attack to stop: read and overwrite another user's TOTP secret in the admin."""
    assert not admin.site.is_registered(Authenticator)
    client = _admin_client(personas)
    authenticator = Authenticator.objects.get(user=personas.contact_x)
    assert client.get("/admin/mfa/authenticator/").status_code == 404
    change = f"/admin/mfa/authenticator/{authenticator.pk}/change/"
    assert client.get(change).status_code == 404
    assert client.post(change, {"data": "{}"}).status_code == 404
    secret = totp_secret_for(personas.contact_x.email)
    stored = authenticator.data["secret"]
    for url in (
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        _change_url(personas.contact_x),
        reverse(
            "admin:agencies_pointofcontact_change", args=[personas.contact_x.point_of_contact.pk]
        ),
    ):
        body = client.get(url).content.decode()
        assert secret not in body
        assert stored not in body
        assert "/admin/mfa/" not in body


def test_nothing_of_certifications_is_in_the_admin_but_the_form_editions(personas, media_root):
    """The form editions (USCIS's blank PDFs and their structure) hold no victim data; every
    other model of the app (requests, their people, files, messages, events) stays out."""
    seed_canary_request(personas)
    registered = {
        model._meta.model_name
        for model in admin.site._registry
        if model._meta.app_label == "certifications"
    }
    assert registered == {"formedition"}
    client = _admin_client(personas)
    index = client.get(reverse("admin:index"))
    shown = set(re.findall(r"/admin/certifications/(\w+)/", index.content.decode()))
    assert shown == {"formedition"}
    _assert_no_canary(index)
    assert client.get("/admin/certifications/formedition/").status_code == 200
    for model in django_apps.get_app_config("certifications").get_models():
        if model._meta.model_name == "formedition":
            continue
        url = f"/admin/certifications/{model._meta.model_name}/"
        assert client.get(url).status_code == 404, url


def test_administrators_get_no_other_models_of_the_admin(personas):
    """E-mail addresses (a verified address receives the password reset), groups and the
    lockout records are for the operators."""
    client = _admin_client(personas)
    for url in (
        "/admin/account/emailaddress/",
        "/admin/auth/group/",
        "/admin/axes/accessattempt/",
        "/admin/accounts/user/add/",
        f"/admin/accounts/user/{personas.advocate_a.pk}/delete/",
    ):
        assert client.get(url).status_code == 403, url


def test_the_administrator_gets_404_on_every_page_of_a_request(personas, media_root):
    request, attachment, _ = seed_canary_request(personas)
    client = _admin_client(personas)
    urls = [
        reverse("certifications:detail", args=[request.pk]),
        reverse("certifications:review", args=[request.pk]),
        reverse("certifications:edit", args=[request.pk, "victim"]),
        reverse("certifications:documents", args=[request.pk]),
        reverse("certifications:document_download", args=[request.pk, "supplement-b"]),
        reverse("certifications:document_download", args=[request.pk, "cover-letter"]),
        reverse("certifications:victim_letter", args=[request.pk]),
        reverse("certifications:victim_letter_download", args=[request.pk]),
        reverse("certifications:attachment_download", args=[attachment.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        _assert_no_canary(response)
    for url in (reverse("certifications:dashboard"), reverse("certifications:queue")):
        _assert_no_canary(client.get(url))


def _url_names(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found.append(str(entry.pattern))
            found += _url_names(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.append(prefix + str(entry.pattern) + " " + (entry.name or ""))
    return found


def test_there_is_no_way_to_sign_in_as_someone_else(settings):
    words = ("hijack", "loginas", "login_as", "impersonat", "become_user", "switch_user")
    routes = " ".join(_url_names(get_resolver())).lower()
    apps = " ".join(settings.INSTALLED_APPS + settings.MIDDLEWARE).lower()
    for word in words:
        assert word not in routes
        assert word not in apps


def test_a_role_change_in_the_admin_is_audited_and_waits_for_approval(
    personas, media_root, django_capture_on_commit_callbacks, mailoutbox
):
    request, _, _ = seed_canary_request(personas)
    client = _admin_client(personas)
    mover = personas.advocate_b
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _change_url(mover), _change_form_data(mover, organization=personas.org_a.pk)
        )
    assert response.status_code == 302
    # Organization A has no lead: the coordinator approves, and is told (no names, no data).
    [notice] = mailoutbox
    assert notice.to == [personas.coordinator.email]
    assert reverse("accounts:approval_list") in notice.body
    assert mover.full_name not in notice.body and mover.email not in notice.body
    entry = AuditEntry.objects.get(action=AuditAction.ROLE_CHANGE)
    assert entry.user_id == personas.admin.pk
    assert entry.target == f"accounts.user:{mover.pk}"
    assert entry.detail == (
        f"role advocate -> advocate; organization accounts.organization:{personas.org_b.pk} "
        f"-> accounts.organization:{personas.org_a.pk}; waits for approval"
    )
    mover.refresh_from_db()
    assert not mover.is_approved
    assert not mover.is_advocate
    moved = Client()
    moved.force_login(mover)
    assert moved.get(reverse("certifications:detail", args=[request.pk])).status_code == 302
    assert moved.get(reverse("home")).url == reverse("accounts:approval_pending")


def test_re_roling_another_user_to_administrator_gives_the_group_not_superuser(personas):
    client = _admin_client(personas)
    target = personas.advocate_b
    client.post(
        _change_url(target), _change_form_data(target, role=Role.ADMINISTRATOR, organization="")
    )
    target.refresh_from_db()
    assert target.role == Role.ADMINISTRATOR
    assert target.is_staff and not target.is_superuser
    assert target.groups.filter(name=ADMINISTRATORS_GROUP).exists()
    detail = AuditEntry.objects.get(action=AuditAction.ROLE_CHANGE).detail
    assert detail.startswith("role advocate -> administrator")


def test_reset_second_factor_deletes_authenticators_ends_sessions_and_forces_enrolment(personas):
    contact = personas.contact_x
    victim_client = Client()
    victim_client.force_login(contact)
    assert SessionRecord.objects.filter(user=contact).exists()
    client = _admin_client(personas)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [contact.pk]},
    )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=contact).exists()
    assert not SessionRecord.objects.filter(user=contact).exists()
    entry = AuditEntry.objects.get(action=AuditAction.MFA_RESET)
    assert (entry.user_id, entry.target) == (personas.admin.pk, f"accounts.user:{contact.pk}")
    # The old session is gone; the next sign-in must enrol a new factor.
    assert victim_client.get(reverse("certifications:queue")).status_code == 302
    again = Client()
    again.force_login(contact)
    assert again.get(reverse("home")).url == reverse("mfa_activate_totp")
    give_totp(contact)


def test_invitations_created_and_revoked_are_in_the_audit_trail(personas):
    client = _admin_client(personas)
    response = client.post(
        reverse("accounts:invitation_new"),
        {
            "email": "new.person@example.org",
            "full_name": "New Person",
            "role": Role.ADVOCATE,
            "organization": personas.org_a.pk,
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new.person@example.org")
    created = AuditEntry.objects.get(action=AuditAction.INVITATION)
    assert created.target == f"accounts.invitation:{invitation.pk}"
    assert created.detail == f"created: advocate of accounts.organization:{personas.org_a.pk}"
    assert "new.person" not in created.detail and "New Person" not in created.detail
    response = client.post(
        reverse("admin:accounts_invitation_changelist"),
        {"action": "revoke", "_selected_action": [invitation.pk]},
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    revoked = AuditEntry.objects.filter(action=AuditAction.INVITATION).exclude(pk=created.pk)
    assert [e.detail for e in revoked] == [
        f"revoked: advocate of accounts.organization:{personas.org_a.pk}"
    ]


def test_making_someone_a_lead_is_audited_and_never_for_oneself(personas):
    client = _admin_client(personas)
    target = personas.advocate_a
    response = client.post(
        _change_url(target), _change_form_data(target, is_organization_lead="on")
    )
    assert response.status_code == 302
    assert User.objects.get(pk=target.pk).is_organization_lead
    entry = AuditEntry.objects.get(action=AuditAction.ROLE_CHANGE)
    assert (entry.target, entry.detail) == (f"accounts.user:{target.pk}", "organization lead: yes")
    # The lead keeps the access approved before; only a new role or place waits.
    assert User.objects.get(pk=target.pk).is_advocate
    own = client.get(_change_url(personas.admin)).content.decode()
    assert 'name="is_organization_lead"' not in own
