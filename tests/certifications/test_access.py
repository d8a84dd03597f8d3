"""certifications/access.py: each branch of who sees a request and what they may do with it."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from agencies.models import PointOfContact
from certifications import access
from certifications.access import (
    ADVOCATE,
    AGENCY,
    AGENCY_OWN_ACTIONS,
    COORDINATOR_OTHER_ACTIONS,
    COORDINATOR_OWN_ACTIONS,
    Viewer,
    attachment_access,
    certification_request_access,
    certification_requests_visible_to,
    viewer_for,
)
from certifications.choices import AttachmentKind, Status
from certifications.models import Attachment, CertificationRequest
from tests.factories import (
    AgencyFactory,
    PointOfContactFactory,
    UserFactory,
    make_request,
    make_submitted_request,
)

pytestmark = pytest.mark.django_db


def _submitted(personas, agency=None, **fields) -> CertificationRequest:
    return make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=agency or personas.agency_x,
        **fields,
    )


def _draft(personas) -> CertificationRequest:
    return make_request(organization=personas.org_a, created_by=personas.advocate_a)


def _visible(user) -> set[int]:
    return set(certification_requests_visible_to(user=user).values_list("pk", flat=True))


def _attach(cert_request: CertificationRequest, kind: str) -> Attachment:
    return Attachment.objects.create(
        request=cert_request,
        kind=kind,
        file=f"attachments/test-{kind}.pdf",
        original_name="file.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
    )


# --- viewer_for: which rule applies ------------------------------------------------------------


def test_an_anonymous_user_sees_nothing():
    assert viewer_for(AnonymousUser()) is None
    assert not certification_requests_visible_to(user=AnonymousUser()).exists()


def test_a_deactivated_user_sees_nothing(personas):
    _draft(personas)
    assert viewer_for(personas.deactivated) is None
    personas.advocate_a.is_active = False
    assert viewer_for(personas.advocate_a) is None
    assert _visible(personas.advocate_a) == set()


def test_an_advocate_without_an_organization_sees_nothing(personas):
    # The database refuses such an account (advocate_has_organization); the rule too.
    loose = UserFactory.build(role=Role.ADVOCATE, organization=None)
    assert viewer_for(loose) is None


def test_an_advocate_is_ruled_by_the_organization(personas):
    assert viewer_for(personas.advocate_a) == Viewer(organization_id=personas.org_a.pk)


def test_an_administrator_never_sees_victim_data(personas):
    _submitted(personas)
    assert viewer_for(personas.admin) is None
    assert _visible(personas.admin) == set()


def test_an_agency_user_without_an_active_contact_sees_nothing(personas):
    _submitted(personas)
    PointOfContact.objects.filter(user=personas.contact_x).update(is_active=False)
    personas.contact_x.refresh_from_db()
    assert viewer_for(personas.contact_x) is None
    orphan = UserFactory(role=Role.AGENCY_CONTACT, organization=None)
    assert viewer_for(orphan) is None


def test_an_agency_contact_is_ruled_by_the_agency(personas):
    # A designated certifying official (the personas are): may record decisions.
    assert viewer_for(personas.contact_x) == Viewer(agency_id=personas.agency_x.pk, may_sign=True)


def test_a_coordinator_linked_to_an_ordinary_agency_gets_that_agency_only(personas):
    mislinked = UserFactory(role=Role.COORDINATOR, organization=None)
    PointOfContactFactory(agency=personas.agency_y, user=mislinked)
    assert viewer_for(mislinked) == Viewer(agency_id=personas.agency_y.pk)
    overdue_elsewhere = _submitted(
        personas, due_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    at_y = _submitted(personas, agency=personas.agency_y)
    assert _visible(mislinked) == {at_y.pk}
    assert overdue_elsewhere.pk not in _visible(mislinked)


def test_the_statewide_coordinator_is_ruled_statewide(personas):
    assert viewer_for(personas.coordinator) == Viewer(
        agency_id=personas.coordinator_agency.pk, statewide=True, may_sign=True
    )


# --- visibility_condition: which requests ------------------------------------------------------


def test_advocates_see_their_organizations_requests_drafts_included(personas):
    draft = _draft(personas)
    submitted = _submitted(personas)
    assert _visible(personas.advocate_a) == {draft.pk, submitted.pk}
    assert _visible(personas.advocate_b) == set()


def test_agencies_see_their_own_requests_never_drafts(personas):
    draft = _draft(personas)
    CertificationRequest.objects.filter(pk=draft.pk).update(agency=personas.agency_x)
    own = _submitted(personas)
    other = _submitted(personas, agency=personas.agency_y)
    assert _visible(personas.contact_x) == {own.pk}
    assert _visible(personas.contact_y) == {other.pk}


def test_the_coordinator_sees_its_own_and_other_agencies_escalated_or_overdue_open_requests(
    personas,
):
    today = timezone.localdate()
    own = _submitted(personas, agency=personas.coordinator_agency)
    escalated = _submitted(personas)
    CertificationRequest.objects.filter(pk=escalated.pk).update(escalated_at=timezone.now())
    overdue = _submitted(personas, due_date=today - datetime.timedelta(days=1))
    on_time = _submitted(personas)
    closed = _submitted(personas, due_date=today - datetime.timedelta(days=1))
    CertificationRequest.objects.filter(pk=closed.pk).update(
        status=Status.WITHDRAWN, closed_at=timezone.now(), escalated_at=timezone.now()
    )
    _draft(personas)
    visible = _visible(personas.coordinator)
    assert visible == {own.pk, escalated.pk, overdue.pk}
    assert on_time.pk not in visible


# --- certification_request_access: the request and what may be done ----------------------------


def test_outsiders_get_404(personas):
    request = _submitted(personas)
    for outsider in (personas.contact_y, personas.advocate_b, personas.admin, AnonymousUser()):
        with pytest.raises(Http404):
            certification_request_access(user=outsider, pk=request.pk)


def test_a_missing_request_is_404(personas):
    with pytest.raises(Http404):
        certification_request_access(user=personas.advocate_a, pk=987654)


def test_the_advocate_may_act_as_advocate_and_sees_the_notice_to_appear(personas):
    request = _submitted(personas)
    found = certification_request_access(user=personas.advocate_a, pk=request.pk, require=ADVOCATE)
    assert found.cert_request == request
    assert found.actions == {ADVOCATE}
    assert found.can_act_as_advocate
    assert not found.can_act_as_agency
    assert found.sees_notice_to_appear
    with pytest.raises(Http404):
        certification_request_access(user=personas.advocate_a, pk=request.pk, require=AGENCY)
    with pytest.raises(Http404):
        certification_request_access(user=personas.advocate_a, pk=request.pk, require="certify")


def test_the_agencys_contact_takes_the_agencys_actions_and_never_sees_the_notice(personas):
    request = _submitted(personas)
    found = certification_request_access(user=personas.contact_x, pk=request.pk, require=AGENCY)
    assert found.agency_actions == AGENCY_OWN_ACTIONS
    assert found.allows("transfer")
    assert not found.allows("reroute")
    assert not found.can_act_as_advocate
    assert not found.sees_notice_to_appear
    with pytest.raises(Http404):
        certification_request_access(user=personas.contact_x, pk=request.pk, require="reroute")
    with pytest.raises(Http404):
        certification_request_access(user=personas.contact_x, pk=request.pk, require=ADVOCATE)


def test_the_coordinator_decides_what_was_routed_to_dps_and_reroutes_the_rest(personas):
    own = _submitted(personas, agency=personas.coordinator_agency)
    found = certification_request_access(user=personas.coordinator, pk=own.pk)
    assert found.agency_actions == COORDINATOR_OWN_ACTIONS
    assert "transfer" not in found.actions
    overdue = _submitted(personas, due_date=timezone.localdate() - datetime.timedelta(days=2))
    found = certification_request_access(user=personas.coordinator, pk=overdue.pk)
    assert found.agency_actions == COORDINATOR_OTHER_ACTIONS
    with pytest.raises(Http404):
        certification_request_access(user=personas.coordinator, pk=overdue.pk, require="certify")


def test_no_agency_acts_on_a_draft_nor_on_another_agencys_request():
    # Unreachable through the rule (agencies see neither), refused all the same.
    draft = CertificationRequest(status=Status.DRAFT, agency_id=1)
    assert access._actions(Viewer(agency_id=1), draft) == frozenset()
    other = CertificationRequest(status=Status.SUBMITTED, agency_id=2)
    assert access._actions(Viewer(agency_id=1), other) == frozenset()


def test_the_queryset_given_is_read_through_the_rule(personas):
    other = _submitted(personas, agency=personas.agency_y)
    with pytest.raises(Http404):
        certification_request_access(
            user=personas.contact_x,
            pk=other.pk,
            queryset=CertificationRequest.objects.select_related("agency"),
        )


# --- attachments: the Notice-to-Appear rule ---------------------------------------------------


def test_an_attachment_is_visible_exactly_when_its_request_is(personas):
    request = _submitted(personas)
    report = _attach(request, AttachmentKind.POLICE_REPORT)
    found, request_access = attachment_access(user=personas.contact_x, pk=report.pk)
    assert found == report
    assert request_access.cert_request == request
    for outsider in (personas.contact_y, personas.advocate_b, personas.admin, AnonymousUser()):
        with pytest.raises(Http404):
            attachment_access(user=outsider, pk=report.pk)


def test_the_notice_to_appear_stays_with_the_advocate(personas):
    request = _submitted(personas, in_removal_proceedings=True)
    notice = _attach(request, AttachmentKind.NOTICE_TO_APPEAR)
    report = _attach(request, AttachmentKind.POLICE_REPORT)
    found, _ = attachment_access(user=personas.advocate_a, pk=notice.pk)
    assert found == notice
    with pytest.raises(Http404):
        attachment_access(user=personas.contact_x, pk=notice.pk)
    agency_view = certification_request_access(user=personas.contact_x, pk=request.pk)
    assert agency_view.shown_attachments([notice, report]) == [report]
    advocate_view = certification_request_access(user=personas.advocate_a, pk=request.pk)
    assert advocate_view.shown_attachments([notice, report]) == [notice, report]


def test_removing_an_attachment_requires_the_advocates_rights(personas):
    request = _submitted(personas)
    report = _attach(request, AttachmentKind.POLICE_REPORT)
    attachment_access(user=personas.advocate_a, pk=report.pk, require=ADVOCATE)
    with pytest.raises(Http404):
        attachment_access(user=personas.contact_x, pk=report.pk, require=ADVOCATE)


def test_a_second_agency_of_the_same_name_changes_nothing(personas):
    twin = AgencyFactory(name=personas.agency_x.name)
    request = _submitted(personas, agency=twin)
    assert request.pk not in _visible(personas.contact_x)
