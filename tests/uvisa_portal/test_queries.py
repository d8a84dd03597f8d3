"""A queryset built once per process gives every caller a fresh clone (uvisa_portal/queries.py)."""

from __future__ import annotations

import pytest

from agencies.models import Agency
from tests.factories import AgencyFactory
from uvisa_portal.queries import built_once

pytestmark = pytest.mark.django_db


def test_each_call_is_a_clone_that_reads_the_rows_as_they_are_now():
    builds = []

    @built_once
    def agencies():
        builds.append(1)
        return Agency.objects.order_by("name")

    AgencyFactory(name="First")
    first = agencies()
    assert [a.name for a in first] == ["First"]  # evaluated: this clone keeps its rows
    AgencyFactory(name="Second")
    second = agencies()
    assert second is not first
    assert [a.name for a in second] == ["First", "Second"]
    assert [a.name for a in first] == ["First"]
    assert [a.name for a in agencies().filter(name="Second")] == ["Second"]
    assert len(builds) == 1


def test_the_lists_built_once_show_what_was_just_added(client, personas):
    """The directory's list and details are built once; a new agency and its county appear."""
    from tests.factories import CountyFactory

    client.force_login(personas.advocate_a)
    client.get("/directory/", {"name": "Lakeside"})
    agency = AgencyFactory(name="Lakeside Police Department")
    agency.counties.add(CountyFactory(name="Zephyr"))
    body = client.get("/directory/", {"name": "Lakeside"}).content.decode()
    assert "Lakeside Police Department" in body
    assert "Zephyr" in body


def test_a_shape_of_the_day_is_built_once_a_day_and_each_call_is_a_clone():
    import datetime

    from uvisa_portal.queries import built_once_a_day

    builds = []

    @built_once_a_day
    def named_before(day: datetime.date):
        builds.append(day)
        return Agency.objects.filter(name__lt=f"Z{day.isoformat()}").order_by("name")

    monday, tuesday = datetime.date(2026, 3, 2), datetime.date(2026, 3, 3)
    AgencyFactory(name="First")
    first = named_before(monday)
    assert [a.name for a in first] == ["First"]
    AgencyFactory(name="Second")
    assert [a.name for a in named_before(monday)] == ["First", "Second"]
    assert named_before(monday) is not first
    named_before(tuesday)
    named_before(tuesday)
    assert builds == [monday, tuesday]
