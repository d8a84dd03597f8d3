"""No account that can see victim data comes from one administrator alone: new and re-roled
accounts wait for a lead of the organization, the agency's head, or the coordinator. Through
HTTP with the personas."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from accounts.approvals import accounts_pending_for, approvers_of
from accounts.models import AuditAction, AuditEntry, Role, User
from certifications.access import certification_requests_visible_to
from tests.factories import PointOfContactFactory, UserFactory, give_totp
from tests.security.canary import CANARY_STRINGS, seed_canary_request

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase-2026"


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _invite_and_accept(personas, **fields) -> User:
    """The administrator invites through the portal's page; the person accepts by the link."""
    admin_client = _signed_in(personas.admin)
    response = admin_client.post(reverse("accounts:invitation_new"), fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    body = next(m.body for m in reversed(mail.outbox) if m.to == [fields["email"]])
    link = re.search(r"(/people/invitations/\S+/)", body).group(1)
    response = Client().post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email=fields["email"])
    # Every role enrols a second factor first (RequireMFAMiddleware), then the account waits.
    assert _signed_in(user).get(reverse("home")).url == reverse("mfa_activate_totp")
    give_totp(user)
    return user


def _approve(approver: User, user: User) -> int:
    url = reverse("accounts:approval_approve", args=[user.pk])
    return _signed_in(approver).post(url).status_code


def _sees_nothing(user: User, request) -> None:
    client = _signed_in(user)
    for url in (
        reverse("home"),
        reverse("certifications:dashboard"),
        reverse("certifications:queue"),
        reverse("certifications:detail", args=[request.pk]),
        reverse("certifications:review", args=[request.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse("accounts:approval_pending")
    assert not certification_requests_visible_to(user=user).exists()
    assert not (user.is_advocate or user.is_agency_contact or user.is_coordinator)


def test_an_invited_outsider_waits_for_the_lead_and_sees_nothing_until_then(
    personas, lead_a, media_root
):
    """The attack to stop: an administrator invites an outside address as an advocate."""
    request, _, _ = seed_canary_request(personas)
    outsider = _invite_and_accept(
        personas,
        email="outsider@example.net",
        full_name="Outside Person",
        role=Role.ADVOCATE,
        organization=personas.org_a.pk,
    )
    assert outsider.approved_at is None
    _sees_nothing(outsider, request)
    waiting = _signed_in(outsider).get(reverse("accounts:approval_pending"))
    text = waiting.content.decode()
    assert "Your account is waiting for approval by a lead of Organization A Shelter." in re.sub(
        r"</?bdi[^>]*>", "", text
    )
    for canary in CANARY_STRINGS:
        assert canary not in text
    # The lead hears of it by e-mail (no victim data, no name), and finds it on their page.
    notice = next(m for m in mail.outbox if m.to == [lead_a.email])
    assert reverse("accounts:approval_list") in notice.body
    assert "Outside Person" not in notice.body
    page = _signed_in(lead_a).get(reverse("accounts:approval_list")).content.decode()
    assert "outsider@example.net" in page
    assert reverse("accounts:approval_approve", args=[outsider.pk]) in page
    # Nobody else may approve: not the administrator, not another advocate, not the coordinator
    # (the organization has a lead), not the other organization.
    for other in (personas.admin, personas.advocate_a, personas.coordinator, personas.advocate_b):
        assert _approve(other, outsider) == 404
    assert User.objects.get(pk=outsider.pk).approved_at is None
    assert _approve(lead_a, outsider) == 302
    outsider.refresh_from_db()
    assert outsider.approved_by == lead_a and outsider.is_advocate
    entry = AuditEntry.objects.get(action=AuditAction.ACCOUNT_APPROVAL)
    assert (entry.user_id, entry.target, entry.outcome) == (
        lead_a.pk,
        f"accounts.user:{outsider.pk}",
        "approved",
    )
    assert (
        _signed_in(outsider).get(reverse("certifications:detail", args=[request.pk])).status_code
        == 200
    )
    # A second click (or a second lead) changes nothing.
    assert _approve(lead_a, outsider) == 404
    assert AuditEntry.objects.filter(action=AuditAction.ACCOUNT_APPROVAL).count() == 1


def test_the_approvals_page_is_in_the_menu_of_approvers_only(personas, lead_a):
    assert (
        reverse("accounts:approval_list")
        in _signed_in(lead_a).get(reverse("home")).content.decode()
    )
    for user in (personas.advocate_a, personas.contact_x, personas.admin):
        client = _signed_in(user)
        assert reverse("accounts:approval_list") not in client.get(reverse("home")).content.decode()
        assert client.get(reverse("accounts:approval_list")).status_code == 404


def test_the_first_lead_of_an_organization_is_approved_by_the_coordinator(personas):
    first_lead = UserFactory(
        email="first.lead@example.org",
        organization=personas.org_b,
        is_organization_lead=True,
        approved_at=None,
    )
    assert list(approvers_of(user=first_lead)) == [personas.coordinator]
    text = _signed_in(first_lead).get(reverse("accounts:approval_pending")).content.decode()
    assert "the statewide coordinator" in text
    # An unapproved lead approves nobody, not even themselves.
    assert _approve(first_lead, first_lead) == 302  # sent to the waiting page
    assert User.objects.get(pk=first_lead.pk).approved_at is None
    page = _signed_in(personas.coordinator).get(reverse("accounts:approval_list")).content
    assert b"first.lead@example.org" in page
    assert _approve(personas.coordinator, first_lead) == 302
    first_lead.refresh_from_db()
    assert first_lead.is_organization_lead_active
    # From now on the lead, not the coordinator, approves the organization's advocates.
    newcomer = UserFactory(organization=personas.org_b, approved_at=None)
    assert list(approvers_of(user=newcomer)) == [first_lead]
    assert _approve(personas.coordinator, newcomer) == 404
    assert _approve(first_lead, newcomer) == 302


def test_a_new_agency_contact_waits_for_the_agency_head(personas, head_x, media_root):
    request, _, _ = seed_canary_request(personas)
    record = PointOfContactFactory(agency=personas.agency_x, name="New Officer")
    officer = _invite_and_accept(
        personas,
        email="new.officer@example.org",
        full_name="New Officer",
        role=Role.AGENCY_CONTACT,
        point_of_contact=record.pk,
    )
    _sees_nothing(officer, request)
    text = _signed_in(officer).get(reverse("accounts:approval_pending")).content.decode()
    assert "the head or a designated official of Agency X Police Department" in text
    for other in (personas.contact_x, personas.contact_y, personas.coordinator, personas.admin):
        assert _approve(other, officer) == 404
    assert _approve(head_x, officer) == 302
    officer.refresh_from_db()
    assert officer.is_agency_contact
    response = _signed_in(officer).get(reverse("certifications:review", args=[request.pk]))
    assert response.status_code == 200


def test_an_agencys_first_contact_is_approved_by_the_coordinator(personas):
    """Agency Y has no head with an account: its first contact waits for the coordinator."""
    record = PointOfContactFactory(agency=personas.agency_y, name="First Y")
    first = _invite_and_accept(
        personas,
        email="first.y@example.org",
        full_name="First Y",
        role=Role.AGENCY_CONTACT,
        point_of_contact=record.pk,
    )
    assert list(approvers_of(user=first)) == [personas.coordinator]
    assert first in accounts_pending_for(approver=personas.coordinator)
    assert _approve(personas.contact_y, first) == 404
    assert _approve(personas.coordinator, first) == 302
    assert User.objects.get(pk=first.pk).is_agency_contact


def test_refusing_deactivates_the_account_and_is_audited(personas, lead_a):
    pending = UserFactory(
        email="refused@example.org", organization=personas.org_a, approved_at=None
    )
    waiting = _signed_in(pending)
    response = _signed_in(lead_a).post(reverse("accounts:approval_refuse", args=[pending.pk]))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert not pending.is_active and pending.approved_at is None
    entry = AuditEntry.objects.get(action=AuditAction.ACCOUNT_APPROVAL)
    assert (entry.outcome, entry.target) == ("refused", f"accounts.user:{pending.pk}")
    # Its session ended with the refusal.
    assert waiting.get(reverse("accounts:approval_pending")).url.startswith(
        reverse("account_login")
    )


def test_approve_and_refuse_take_post_only(personas, lead_a):
    pending = UserFactory(organization=personas.org_a, approved_at=None)
    client = _signed_in(lead_a)
    assert client.get(reverse("accounts:approval_approve", args=[pending.pk])).status_code == 405
    assert client.get(reverse("accounts:approval_refuse", args=[pending.pk])).status_code == 405
    assert User.objects.get(pk=pending.pk).approved_at is None


def test_moving_a_contact_to_another_agency_in_the_admin_waits_for_that_agency(
    personas, media_root
):
    request, _, _ = seed_canary_request(personas)
    contact = personas.contact_y
    record = contact.point_of_contact
    client = _signed_in(personas.admin)
    url = reverse("admin:agencies_pointofcontact_change", args=[record.pk])
    data = {
        "agency": personas.agency_x.pk,
        "user": contact.pk,
        "name": record.name,
        "title": record.title,
        "division": "",
        "email": record.email,
        "phone": "",
        "role": record.role,
        "is_active": "on",
        "last_training_date": record.last_training_date.isoformat(),
        "training_records-TOTAL_FORMS": "0",
        "training_records-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    contact.refresh_from_db()
    assert contact.approved_at is None
    entry = AuditEntry.objects.get(action=AuditAction.ROLE_CHANGE)
    assert entry.target == f"accounts.user:{contact.pk}"
    assert f"agencies.agency:{personas.agency_x.pk}" in entry.detail
    _sees_nothing(contact, request)


def test_approve_account_command_is_for_the_first_coordinator_only(personas):
    personas.coordinator.approved_at = None
    personas.coordinator.save()
    # Nobody in the portal can approve the only coordinator: the operators do, on the server.
    assert not approvers_of(user=personas.coordinator).exists()
    out = io.StringIO()
    call_command("approve_account", personas.coordinator.email, stdout=out)
    assert User.objects.get(pk=personas.coordinator.pk).is_coordinator
    assert AuditEntry.objects.filter(action=AuditAction.ACCOUNT_APPROVAL, user=None).exists()
    pending = UserFactory(organization=personas.org_b, approved_at=None)
    with pytest.raises(CommandError, match="Someone in the portal can approve"):
        call_command("approve_account", pending.email)


def test_demo_accounts_come_approved_and_the_demo_administrator_is_not_a_superuser(settings):
    settings.DEBUG = True
    call_command("load_minnesota_directory", verbosity=0)
    call_command("load_demo_accounts", verbosity=0)
    assert not User.objects.filter(is_superuser=True).exists()
    assert all(user.is_approved for user in User.objects.all())
    admin_user = User.objects.get(email="admin@demo.example")
    assert admin_user.is_staff and admin_user.groups.filter(name="Administrators").exists()
    assert User.objects.get(email="lead@demo.example").is_organization_lead_active
    assert not User.objects.get(email="advocate@demo.example").is_organization_lead
