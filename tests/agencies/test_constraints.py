"""The database, not only a form, refuses a second coordinator or a second active primary."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from tests.factories import AgencyFactory, PointOfContactFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_statewide_coordinator():
    AgencyFactory(is_statewide_coordinator=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyFactory(is_statewide_coordinator=True)


def test_many_agencies_may_be_ordinary_agencies():
    AgencyFactory(is_statewide_coordinator=True)
    AgencyFactory()
    AgencyFactory()


def test_the_database_refuses_a_second_active_primary_contact():
    agency = AgencyFactory()
    PointOfContactFactory(agency=agency, is_primary=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        PointOfContactFactory(agency=agency, is_primary=True)


def test_an_inactive_former_primary_does_not_block_a_new_primary():
    agency = AgencyFactory()
    PointOfContactFactory(agency=agency, is_primary=True, is_active=False)
    PointOfContactFactory(agency=agency, is_primary=True)
    PointOfContactFactory(agency=AgencyFactory(), is_primary=True)


def test_the_database_refuses_a_zero_day_policy():
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyFactory(policy_response_days=0)
