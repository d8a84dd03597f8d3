"""Who Minn. Stat. 611A.95 binds (subd. 1: state and local law enforcement), and what follows:
the statute's clock and wording only for covered agencies, requested dates for the others, no
opting out of a form for covered agencies, honest transfers, later expedites, aging-out
urgency in the queue, and lateness only against a deadline that binds."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from agencies.models import AgencyKind, AgencyLevel, StatuteCoverage
from certifications.choices import Action, Status, Urgency
from certifications.models import Notification
from certifications.services.intake import certification_request_submit
from certifications.services.reminders import requests_escalate_overdue
from certifications.services.review import certification_request_transfer
from certifications.statistics import statistics_report
from tests.factories import (
    AgencyFactory,
    PointOfContactFactory,
    make_release,
    make_submitted_request,
)

from .intake_support import (
    complete_request,
    fast_passwords,  # noqa: F401 - fixture
    pdf_upload,
    private_media,  # noqa: F401 - fixture
)
from .stats_data import at, certify, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords", "private_media")]


def _federal(**fields):
    fields.setdefault("name", "Federal Bureau of Investigation")
    return AgencyFactory(
        kind=AgencyKind.FEDERAL_LE,
        level=AgencyLevel.FEDERAL,
        **fields,
    )


def _prosecutor(**fields):
    fields.setdefault("name", "Example County Attorney")
    return AgencyFactory(
        kind=AgencyKind.PROSECUTOR,
        level=AgencyLevel.COUNTY,
        **fields,
    )


# --- 1. Coverage as data ---------------------------------------------------------------------


def test_coverage_defaults_by_kind_and_level():
    assert AgencyFactory().statute_coverage == StatuteCoverage.COVERED
    assert (
        AgencyFactory(kind=AgencyKind.SHERIFF, level=AgencyLevel.COUNTY).statute_coverage
        == StatuteCoverage.COVERED
    )
    assert _federal().statute_coverage == StatuteCoverage.NOT_COVERED
    assert AgencyFactory(level=AgencyLevel.TRIBAL).statute_coverage == StatuteCoverage.NOT_COVERED
    assert _prosecutor().statute_coverage == StatuteCoverage.UNDECIDED
    assert not _prosecutor(name="Other Attorney").is_covered


def _submit(personas, agency, **fields):
    PointOfContactFactory(agency=agency, is_primary=True)
    obj = complete_request(personas, agency=agency, **fields)
    return certification_request_submit(cert_request=obj, actor=personas.advocate_a)


def test_a_covered_agency_gets_the_statutes_clock(personas):
    obj = _submit(personas, AgencyFactory(name="Covered PD"))
    assert obj.deadline_source == "statute"
    assert obj.deadline_basis == "Minn. Stat. 611A.95: 90 days"
    assert obj.due_date == obj.received_by_agency_on + datetime.timedelta(days=90)


def test_an_undecided_agency_without_a_policy_gets_a_requested_date_in_neutral_words(personas):
    obj = _submit(personas, _prosecutor())
    assert obj.deadline_source == "requested"
    assert obj.deadline_basis.startswith("Requested response: 90 days")
    assert "611A.95" not in obj.deadline_basis


def test_an_uncovered_agency_with_its_own_policy_gets_that_date(personas):
    obj = _submit(personas, _federal(policy_response_days=45))
    assert obj.deadline_source == "policy"
    assert obj.due_date == obj.received_by_agency_on + datetime.timedelta(days=45)
    assert obj.deadline_basis == (
        "Federal Bureau of Investigation policy: 45 days (the agency's own published policy)"
    )


def test_the_request_page_names_a_requested_date_as_such(client, personas):
    obj = _submit(personas, _federal())
    client.force_login(personas.advocate_a)
    body = client.get(f"/requests/{obj.pk}/").content.decode()
    assert "Response requested by" in body
    assert "Requested response: 90 days" in body


# --- Admin: a coverage decision needs its note; a covered agency accepts both forms -----------


def _admin_post(agency, **changes):
    data = {
        "name": agency.name,
        "kind": agency.kind,
        "level": agency.level,
        "is_active": "on",
        "statute_coverage": agency.statute_coverage,
        "statute_coverage_note": agency.statute_coverage_note,
        "state": "MN",
        "accepts_u": "on",
        "accepts_t": "on",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_refuses_a_coverage_change_without_a_note_and_keeps_it_with_one(client, personas):
    agency = _prosecutor()
    client.force_login(personas.admin)
    url = f"/admin/agencies/agency/{agency.pk}/change/"
    response = client.post(url, _admin_post(agency, statute_coverage="covered"))
    assert response.status_code == 200
    assert "a change of coverage needs its note" in response.content.decode()
    agency.refresh_from_db()
    assert agency.statute_coverage == StatuteCoverage.UNDECIDED
    note = "County counsel's opinion of 2026-11-30: the office investigates; covered."
    response = client.post(
        url, _admin_post(agency, statute_coverage="covered", statute_coverage_note=note)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agency.refresh_from_db()
    assert agency.statute_coverage == StatuteCoverage.COVERED
    assert agency.statute_coverage_note == note


def test_admin_refuses_a_covered_agency_declining_a_form(client, personas):
    agency = AgencyFactory(name="Covered PD")
    client.force_login(personas.admin)
    response = client.post(
        f"/admin/agencies/agency/{agency.pk}/change/", _admin_post(agency, accepts_t=None)
    )
    assert response.status_code == 200
    assert "it must process U and T requests" in response.content.decode()
    agency.refresh_from_db()
    assert agency.accepts_t is True


# --- 2. Covered agencies keep their requests; directory health --------------------------------


def test_a_covered_agency_without_a_contact_keeps_the_request_escalated(client, personas):
    lonely = AgencyFactory(name="Lonely PD")
    obj = certification_request_submit(
        cert_request=complete_request(personas, agency=lonely), actor=personas.advocate_a
    )
    assert obj.agency == lonely
    assert obj.escalated_at is not None
    assert "Minn. Stat. 611A.95 binds Lonely PD, so it keeps the request." in obj.routing_reason
    event = obj.events.get(action=Action.ESCALATED)
    assert "the designated agent Minn. Stat. 611A.95 requires" in event.note
    subjects = set(Notification.objects.filter(event=event).values_list("subject", flat=True))
    assert subjects == {
        f"Request {obj.reference} was escalated: Lonely PD has no active point of contact"
    }
    client.force_login(personas.coordinator)
    assert obj.reference in client.get("/requests/statewide/").content.decode()


def test_an_uncovered_agency_declining_the_form_goes_to_the_coordinator(personas):
    declining = _federal(accepts_u=False)
    PointOfContactFactory(agency=declining, is_primary=True)
    obj = certification_request_submit(
        cert_request=complete_request(personas, agency=declining), actor=personas.advocate_a
    )
    assert obj.agency == personas.coordinator_agency
    assert "does not accept U visa requests on Form I-918 Supplement B" in obj.routing_reason


def test_directory_health_lists_a_covered_agency_without_a_contact_as_non_compliant(
    client, personas
):
    AgencyFactory(name="Silent PD")
    _prosecutor(name="Silent Attorney")
    client.force_login(personas.admin)
    body = client.get("/directory/health/").content.decode()
    compliant = body.index("Not compliant")
    others = body.index("No active point of contact (")
    assert compliant < body.index("Silent PD") < others < body.index("Silent Attorney")


# --- Escalation and statistics follow the binding deadline -------------------------------------


def test_only_covered_agencies_requests_are_escalated_the_others_get_a_reminder(personas):
    covered = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        due_date=timezone.localdate() - datetime.timedelta(days=2),
    )
    fbi = _federal()
    PointOfContactFactory(agency=fbi, is_primary=True)
    uncovered = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=fbi,
        due_date=timezone.localdate() - datetime.timedelta(days=2),
    )
    assert requests_escalate_overdue() == 1
    assert requests_escalate_overdue() == 0
    covered.refresh_from_db()
    uncovered.refresh_from_db()
    assert covered.escalated_at is not None
    assert uncovered.escalated_at is None
    assert not uncovered.events.filter(action=Action.ESCALATED).exists()
    reminders = uncovered.events.filter(action=Action.PAST_REQUESTED_DATE)
    assert reminders.count() == 1
    assert "late" not in reminders.get().note.lower()


def test_statistics_count_late_only_against_a_deadline_that_binds(personas):
    fbi = _federal()
    contact = personas.contact_x
    due = datetime.date(2026, 2, 1)
    certify(
        submitted(personas, agency=personas.agency_x, when=at(1, 2), due=due), at(3, 1), contact
    )
    certify(
        submitted(personas, agency=fbi, when=at(1, 2), due=due, source="requested"),
        at(3, 1),
        contact,
    )
    report = statistics_report(
        start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31), include_months=False
    )
    figures = {item.agency.pk: item.figures for item in report.agencies}
    assert figures[personas.agency_x.pk].late == 1
    assert figures[fbi.pk].late == 0
    assert figures[fbi.pk].on_time == 1
    assert report.statewide.late == 1


# --- 7. Transfers: both dates, each counted from its own day ----------------------------------


def test_a_transfer_keeps_the_statutes_first_request_and_counts_the_policy_from_receipt(personas):
    saint_paul = AgencyFactory(
        name="Saint Paul Police Department", policy_response_days=30, policy_expedited_days=7
    )
    PointOfContactFactory(agency=saint_paul, is_primary=True)
    first = timezone.now() - datetime.timedelta(days=70)
    obj = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        submitted_at=first,
    )
    make_release(obj, [saint_paul])
    obj = certification_request_transfer(
        cert_request=obj, actor=personas.contact_x, to_agency=saint_paul, reason="Their case."
    )
    today = timezone.localdate()
    # Statute: 90 days from the first request (20 days left); policy: 30 from receipt today.
    assert obj.due_date == timezone.localdate(first) + datetime.timedelta(days=90)
    assert obj.received_by_agency_on == today
    assert "from the first request of" in obj.deadline_basis
    assert "the portal's advocacy convention" in obj.deadline_basis
    assert "Saint Paul Police Department's own policy, 30 days from its receipt" in (
        obj.deadline_basis
    )
    for text in (obj.deadline_basis, obj.routing_reason):
        assert "((" not in text and "))" not in text and ".." not in text and ".)" not in text


# --- 8. Expedites raised after the request -----------------------------------------------------


def _raise(client, obj, **data):
    return client.post(f"/requests/{obj.pk}/expedite/", data)


def _city(name, **policy):
    agency = AgencyFactory(
        name=name,
        policy_response_days=30,
        policy_expedited_days=7,
        **policy,
    )
    PointOfContactFactory(agency=agency, is_primary=True)
    return agency


def _at(agency, personas, days_ago=3):
    return make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=agency,
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def test_a_later_raise_applies_a_policy_that_allows_it_not_the_statutes_14_days(client, personas):
    city = _city(
        "Minneapolis Police Department",
        policy_expedite_after_submission=True,
        policy_expedite_family=True,
    )
    obj = _at(city, personas)
    client.force_login(personas.advocate_a)
    response = _raise(client, obj, removal_of="family_member", notice_to_appear=pdf_upload("n.pdf"))
    assert response.status_code == 302
    obj.refresh_from_db()
    today = timezone.localdate()
    assert obj.in_removal_proceedings and obj.expedite_raised_on == today
    assert obj.due_date == today + datetime.timedelta(days=7)
    assert "removal proceedings raised on" in obj.deadline_basis
    assert "its policy allows a later raise" in obj.deadline_basis
    assert obj.events.filter(action=Action.EXPEDITE_RAISED).count() == 1
    assert obj.attachments.filter(kind="notice_to_appear").count() == 1


def test_a_later_raise_keeps_the_statutes_90_days_where_no_policy_allows_it(client, personas):
    obj = _at(personas.agency_x, personas)
    before = obj.due_date
    client.force_login(personas.advocate_a)
    response = _raise(client, obj, removal_of="victim", notice_to_appear=pdf_upload("n.pdf"))
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.due_date == before
    assert "the statute's 14 days apply only when raised with it" in obj.deadline_basis


def test_a_later_raise_without_proof_is_refused_beside_the_field(client, personas):
    obj = _at(personas.agency_x, personas)
    client.force_login(personas.advocate_a)
    response = _raise(client, obj, removal_of="victim")
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    obj.refresh_from_db()
    assert not obj.in_removal_proceedings


def test_a_family_members_proceedings_give_no_statutory_expedite(personas):
    obj = complete_request(
        personas, in_removal_proceedings=True, removal_proceedings_of="family_member"
    )
    from .intake_support import attach_notice_to_appear

    attach_notice_to_appear(obj, personas.advocate_a)
    obj = certification_request_submit(cert_request=obj, actor=personas.advocate_a)
    assert obj.due_date == obj.received_by_agency_on + datetime.timedelta(days=90)
    assert "the statute's 14 days are for the victim's own removal proceedings" in (
        obj.deadline_basis
    )


# --- 8. A derivative about to turn 21, shared as an urgency, rises in the queue ---------------


def test_a_shared_aging_out_urgency_raises_the_request_in_the_queue(client, personas):
    later = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        submitted_at=timezone.now() - datetime.timedelta(days=5),
    )
    needed_by = timezone.localdate() + datetime.timedelta(days=20)
    # Not shared: the age is known to the advocate only, and nothing changes.
    unshared = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        child_turns_21_on=needed_by,
    )
    client.force_login(personas.contact_x)
    body = client.get("/requests/queue/").content.decode()
    assert body.index(later.reference) < body.index(unshared.reference)
    assert "Urgent: decision needed by" not in body

    shared = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        child_turns_21_on=needed_by + datetime.timedelta(days=5),
        urgency_reason=Urgency.AGING_OUT,
        decision_needed_by=needed_by,
    )
    assert shared.status == Status.SUBMITTED
    body = client.get("/requests/queue/").content.decode()
    assert body.index(shared.reference) < body.index(later.reference)
    assert f"Urgent: decision needed by {needed_by:%b} {needed_by.day}, {needed_by:%Y}" in body
    assert "turns 21" not in body and "ages out" not in body


def test_routing_texts_do_not_nest_the_coordinators_name_in_parentheses(personas):
    personas.coordinator_agency.name = (
        "Minnesota Department of Public Safety (statewide coordinator)"
    )
    personas.coordinator_agency.save()
    declining = _federal(accepts_u=False)
    PointOfContactFactory(agency=declining, is_primary=True)
    obj = certification_request_submit(
        cert_request=complete_request(personas, agency=declining), actor=personas.advocate_a
    )
    assert obj.routing_reason == (
        "Routed to Minnesota Department of Public Safety (statewide coordinator) because Federal "
        "Bureau of Investigation does not accept U visa requests on Form I-918 Supplement B."
    )
    lonely = certification_request_submit(
        cert_request=complete_request(personas, agency=_prosecutor()), actor=personas.advocate_a
    )
    assert "))" not in lonely.routing_reason and ".." not in lonely.routing_reason
    assert "611A.95" not in lonely.routing_reason
