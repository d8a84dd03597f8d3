"""Invitations (no open sign-up) and the audit trail pages (search, export, read-only admin)."""

from __future__ import annotations

import csv
import io

import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.invitations import invitation_create
from accounts.models import AuditAction, AuditEntry, Invitation, Role, User
from accounts.services import audit_log
from tests.factories import PointOfContactFactory

NEW_PASSWORD = "a long and unusual passphrase 7"


def _token_from_mail() -> str:
    body = mail.outbox[-1].body
    link = next(line for line in body.splitlines() if "/people/invitations/" in line)
    return link.rstrip("/").rsplit("/", 1)[-1]


def test_administrator_invites_an_advocate_who_sets_a_password(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("accounts:invitation_new"),
        {
            "email": "New.Advocate@example.org",
            "full_name": "New Advocate",
            "role": Role.ADVOCATE,
            "organization": personas.org_a.pk,
        },
    )
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["new.advocate@example.org"]
    token = _token_from_mail()
    client.logout()
    url = reverse("accounts:invitation_accept", args=[token])
    assert client.get(url).status_code == 200
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="new.advocate@example.org")
    assert user.role == Role.ADVOCATE and user.organization == personas.org_a
    assert user.check_password(NEW_PASSWORD)
    # The link works once.
    assert client.get(url).status_code == 404


def test_agency_contact_invitation_links_the_directory_entry(personas):
    contact = PointOfContactFactory(agency=personas.agency_x, user=None)
    invitation, token = invitation_create(
        email="officer@example.org",
        full_name="Officer",
        role=Role.AGENCY_CONTACT,
        point_of_contact=contact,
        invited_by=personas.admin,
    )
    from accounts.invitations import invitation_accept

    user = invitation_accept(invitation=invitation, password=NEW_PASSWORD)
    contact.refresh_from_db()
    assert contact.user == user
    assert user.requires_mfa


def test_invitation_link_expires(client, personas, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _, token = invitation_create(
            email="late@example.org",
            full_name="Late",
            role=Role.ADVOCATE,
            organization=personas.org_a,
            invited_by=personas.admin,
        )
    url = reverse("accounts:invitation_accept", args=[token])
    later = start + timezone.timedelta(days=settings.INVITATION_VALID_DAYS, minutes=1)
    with time_machine.travel(later, tick=False):
        response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 404
    assert "does not work" in response.content.decode()
    assert not User.objects.filter(email="late@example.org").exists()


def test_invitation_refuses_weak_password_beside_the_field(client, personas):
    _, token = invitation_create(
        email="weak@example.org",
        full_name="Weak",
        role=Role.ADVOCATE,
        organization=personas.org_a,
        invited_by=personas.admin,
    )
    url = reverse("accounts:invitation_accept", args=[token])
    response = client.post(url, {"password1": "short", "password2": "short"})
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.filter(email="weak@example.org").exists()


def test_only_administrators_can_invite(client, personas):
    for user in (personas.advocate_a, personas.contact_x, personas.coordinator):
        client.force_login(user)
        assert client.get(reverse("accounts:invitation_new")).status_code == 404
    assert Invitation.objects.count() == 0


def test_invitation_token_is_stored_only_as_a_hash(personas):
    invitation, token = invitation_create(
        email="hash@example.org",
        full_name="Hash",
        role=Role.ADVOCATE,
        organization=personas.org_a,
        invited_by=personas.admin,
    )
    assert token not in invitation.token_hash


# --- the audit trail ---


def test_administrator_searches_the_audit_trail(client, personas):
    audit_log(action=AuditAction.REQUEST_VIEW, user=personas.advocate_a, target="UV-2026-00001")
    audit_log(action=AuditAction.EXPORT, user=personas.contact_x, target="queue")
    client.force_login(personas.admin)
    response = client.get(reverse("accounts:audit_list"), {"q": "UV-2026", "action": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "UV-2026-00001" in body
    assert ">queue<" not in body
    response = client.get(reverse("accounts:audit_list"), {"action": AuditAction.EXPORT})
    assert ">queue<" in response.content.decode()


def test_audit_export_is_csv_and_is_itself_audited(client, personas):
    audit_log(
        action=AuditAction.VICTIM_DATA_VIEW,
        user=personas.advocate_a,
        target="UV-2026-00001",
        outcome="not_found",
    )
    audit_log(action=AuditAction.REQUEST_VIEW, user=personas.advocate_a, target="=HYPERLINK()")
    client.force_login(personas.admin)
    response = client.get(reverse("accounts:audit_export"), {"q": ""})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["time", "user", "action"]
    # What came of each look (CJIS 5.4.1.1) goes out with it.
    assert rows[0][-1] == "outcome"
    assert [r[-1] for r in rows[1:] if r[3] == "UV-2026-00001"] == ["not_found"]
    targets = [r[3] for r in rows[1:]]
    assert "UV-2026-00001" in targets
    assert "'=HYPERLINK()" in targets  # spreadsheet formula neutralised
    assert AuditEntry.objects.filter(
        action=AuditAction.EXPORT,
        user=personas.admin,
        target="accounts:audit_export",
        outcome="200",
    ).exists()


def test_non_administrators_cannot_see_the_audit_trail(client, personas):
    for user in (personas.advocate_a, personas.contact_x, personas.coordinator):
        client.force_login(user)
        assert client.get(reverse("accounts:audit_list")).status_code == 404
        assert client.get(reverse("accounts:audit_export")).status_code == 404


def test_nobody_can_change_or_delete_audit_entries_in_the_admin(client, personas):
    entry = audit_log(action=AuditAction.LOGIN, user=personas.advocate_a)
    client.force_login(personas.admin)
    assert client.get(reverse("admin:accounts_auditentry_changelist")).status_code == 200
    change = reverse("admin:accounts_auditentry_change", args=[entry.pk])
    # The change page is read-only: a POST does nothing.
    client.post(change, {"action": "logout", "target": "tampered"})
    assert client.post(reverse("admin:accounts_auditentry_add"), {}).status_code == 403
    assert (
        client.post(
            reverse("admin:accounts_auditentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    client.post(
        reverse("admin:accounts_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    entry.refresh_from_db()
    assert entry.action == AuditAction.LOGIN and entry.target == ""
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_audit_entries_refuse_changes_through_the_orm(personas):
    import pytest
    from django.core.exceptions import ValidationError

    entry = audit_log(action=AuditAction.LOGIN, user=personas.advocate_a)
    entry.target = "x"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


def test_directory_changes_keep_their_history(personas):
    agency = personas.agency_x
    agency.phone = "651-555-0199"
    agency.save()
    assert agency.history.count() >= 2
    assert agency.history.first().phone == "651-555-0199"
    contact = personas.contact_x.point_of_contact
    contact.title = "Lieutenant"
    contact.save()
    assert contact.history.first().title == "Lieutenant"
