"""The due date stored at submission: Minn. Stat. 611A.95 subd. 2 (90 days; 14 in removal
proceedings) or the agency's stricter policy, whichever is earlier, with the basis in words."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from certifications.services.intake import certification_request_submit

from ..factories import AgencyFactory, PointOfContactFactory
from .intake_support import (
    attach_notice_to_appear,
    complete_request,
    fast_passwords,  # noqa: F401 - fixture
    private_media,  # noqa: F401 - fixture
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fast_passwords", "private_media", "noon_in_minnesota"),
]
TODAY = datetime.date(2026, 3, 2)


@pytest.fixture
def noon_in_minnesota():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 18, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _submit(personas, *, removal: bool, policy_days=None, policy_expedited_days=None):
    agency = AgencyFactory(
        name="Saint Paul Police Department",
        policy_response_days=policy_days,
        policy_expedited_days=policy_expedited_days,
    )
    PointOfContactFactory(agency=agency, is_primary=True)
    obj = complete_request(personas, agency=agency, in_removal_proceedings=removal)
    if removal:
        attach_notice_to_appear(obj, personas.advocate_a)
    return certification_request_submit(cert_request=obj, actor=personas.advocate_a)


def test_statute_gives_90_days(personas):
    obj = _submit(personas, removal=False)
    assert obj.due_date == TODAY + datetime.timedelta(days=90)
    assert obj.deadline_basis == "Minn. Stat. 611A.95: 90 days"


def test_statute_gives_14_days_in_removal_proceedings(personas):
    obj = _submit(personas, removal=True)
    assert obj.due_date == TODAY + datetime.timedelta(days=14)
    assert obj.deadline_basis == "Minn. Stat. 611A.95: 14 days, removal proceedings"


def test_agency_policy_of_30_days_is_earlier_and_wins(personas):
    obj = _submit(personas, removal=False, policy_days=30, policy_expedited_days=7)
    assert obj.due_date == TODAY + datetime.timedelta(days=30)
    assert obj.deadline_basis.startswith("Saint Paul Police Department policy: 30 days")


def test_agency_policy_of_7_days_wins_in_removal_proceedings(personas):
    obj = _submit(personas, removal=True, policy_days=30, policy_expedited_days=7)
    assert obj.due_date == TODAY + datetime.timedelta(days=7)
    assert obj.deadline_basis.startswith(
        "Saint Paul Police Department policy: 7 days, removal proceedings"
    )


def test_a_laxer_agency_policy_loses_to_the_statute(personas):
    obj = _submit(personas, removal=True, policy_days=120, policy_expedited_days=30)
    assert obj.due_date == TODAY + datetime.timedelta(days=14)
    assert obj.deadline_basis == "Minn. Stat. 611A.95: 14 days, removal proceedings"


def test_the_policy_of_the_agency_routed_to_applies(personas):
    # A covered agency without a contact keeps the request (escalated to the coordinator at
    # once): its own stricter policy applies, not the coordinator's rules.
    lonely = AgencyFactory(name="Lonely Police", policy_response_days=10)
    obj = certification_request_submit(
        cert_request=complete_request(personas, agency=lonely), actor=personas.advocate_a
    )
    assert obj.agency == lonely
    assert obj.escalated_at is not None
    assert obj.due_date == TODAY + datetime.timedelta(days=10)


def test_the_due_date_is_shown_with_its_basis_on_the_request_page(client, personas):
    obj = _submit(personas, removal=True, policy_days=30, policy_expedited_days=7)
    client.force_login(personas.advocate_a)
    body = client.get(f"/requests/{obj.pk}/").content.decode()
    assert "Mar 9, 2026" in body
    assert "Saint Paul Police Department policy: 7 days, removal proceedings" in body
