"""Queries compiled once and prepared once per connection (uvisa_portal/prepared.py), on SQLite
and PostgreSQL: the same rows as the ORM, converted columns, related rows attached, slots."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency, PointOfContact
from tests.factories import AgencyFactory, PointOfContactFactory
from uvisa_portal.prepared import PreparedQuery

pytestmark = pytest.mark.django_db

CONTACTS = PreparedQuery(
    "test_contacts_of_agency",
    lambda agency: PointOfContact.objects.filter(agency_id=agency).order_by("name"),
    fields=["id", "agency_id", "name", "last_training_date"],
    related={"agency": ("name", "certified_crimes")},
    agency=int,
)
# A literal % in the SQL, beside a slot: Django writes it %%, PREPARE must see one %.
LIKE_PERCENT = PreparedQuery(
    "test_agencies_named_with_percent",
    lambda first: Agency.objects.filter(name__contains="100%", pk__gte=first).order_by("pk"),
    fields=["id", "name"],
    first=int,
)
# A page of a list: limit and offset are slots; planned with its values on each call.
CONTACTS_PAGE = PreparedQuery(
    "test_contacts_page",
    lambda agency: PointOfContact.objects.filter(agency_id=agency).order_by("name", "pk"),
    fields=["name"],
    sliced=True,
    plan_once=False,
    agency=int,
)
TRAINED_SINCE = PreparedQuery(
    "test_contacts_trained_since",
    lambda since: PointOfContact.objects.filter(last_training_date__gte=since).order_by("pk"),
    fields=["id"],
    since=datetime.date,
)


def test_the_rows_are_the_orms_with_columns_converted_and_related_rows_attached():
    agency = AgencyFactory(name="Lakeside Police Department", certified_crimes=["assault"])
    other = AgencyFactory(name="Other")
    PointOfContactFactory(agency=agency, name="Bea", last_training_date=datetime.date(2026, 3, 1))
    PointOfContactFactory(agency=agency, name="Al", last_training_date=None)
    PointOfContactFactory(agency=other, name="Cy")

    for _ in range(2):  # the first call compiles (and prepares), the second reuses
        with CaptureQueriesContext(connection) as ctx:
            contacts = CONTACTS.objects(agency=agency.pk)
        assert len(ctx.captured_queries) == 1
        assert [c.name for c in contacts] == ["Al", "Bea"]
        # Converted as the ORM converts: a date, and the related row's JSON as a list.
        assert contacts[1].last_training_date == datetime.date(2026, 3, 1)
        with CaptureQueriesContext(connection) as ctx:
            assert contacts[0].agency.name == "Lakeside Police Department"
            assert contacts[0].agency.certified_crimes == ["assault"]
            assert contacts[0].agency_id == agency.pk
        assert ctx.captured_queries == []
    # The fields not read are deferred, as with only(): reading one costs a query.
    assert "title" in contacts[0].get_deferred_fields()
    assert CONTACTS.objects(agency=other.pk)[0].name == "Cy"
    assert CONTACTS.rows(agency=other.pk)[0][2] == "Cy"


@pytest.mark.django_db(transaction=True)  # closes the connection, as CONN_MAX_AGE does
def test_it_runs_prepared_once_per_connection_on_postgresql_and_compiled_on_sqlite():
    agency = AgencyFactory()
    PointOfContactFactory(agency=agency, name="Al")
    if connection.vendor == "sqlite":
        # The compiled SQL with the values (sqlite3 keeps its own statement cache).
        with CaptureQueriesContext(connection) as ctx:
            assert [c.name for c in CONTACTS.objects(agency=agency.pk)] == ["Al"]
        assert ctx.captured_queries[0]["sql"].startswith("SELECT ")
        assert f"= {agency.pk}" in ctx.captured_queries[0]["sql"]
        return

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM pg_prepared_statements ORDER BY name")
            return [row[0] for row in cursor.fetchall()]

    connection.close()
    with transaction.atomic():
        with CaptureQueriesContext(connection) as ctx:
            assert [c.name for c in CONTACTS.objects(agency=agency.pk)] == ["Al"]
        # The page's query is the EXECUTE; preparing is not one of its queries.
        assert [q["sql"] for q in ctx.captured_queries] == [
            f"EXECUTE test_contacts_of_agency({agency.pk})"
        ]
        transaction.set_rollback(True)
    # PREPARE is not undone by the rollback (PostgreSQL manual, "PREPARE").
    assert "test_contacts_of_agency" in prepared()
    assert [c.name for c in CONTACTS.objects(agency=agency.pk)] == ["Al"]
    assert prepared().count("test_contacts_of_agency") == 1
    # A new connection prepares it again.
    connection.close()
    assert [c.name for c in CONTACTS.objects(agency=agency.pk)] == ["Al"]
    assert prepared().count("test_contacts_of_agency") == 1


def test_a_literal_percent_and_a_date_slot():
    first = AgencyFactory(name="Office 100% staffed")
    AgencyFactory(name="Office 100 staffed")
    assert [a.pk for a in LIKE_PERCENT.objects(first=first.pk)] == [first.pk]
    assert LIKE_PERCENT.objects(first=first.pk + 1) == []

    old = PointOfContactFactory(last_training_date=datetime.date(2025, 1, 1))
    new = PointOfContactFactory(last_training_date=datetime.date(2026, 6, 1))
    assert [c.pk for c in TRAINED_SINCE.objects(since=datetime.date(2026, 1, 1))] == [new.pk]
    since_2024 = TRAINED_SINCE.objects(since=datetime.date(2024, 1, 1))
    assert [c.pk for c in since_2024] == [old.pk, new.pk]


def test_an_id_out_of_range_matches_nothing_without_a_query():
    # As the ORM answers an id beyond the column (a URL can carry any number of digits).
    with CaptureQueriesContext(connection) as ctx:
        assert CONTACTS.objects(agency=2**63) == []
        assert CONTACTS.objects(agency=0) == []
    assert ctx.captured_queries == []


def test_slots_and_names_are_checked():
    with pytest.raises(ImproperlyConfigured, match="taken"):
        PreparedQuery("test_contacts_of_agency", lambda: Agency.objects.all())
    with pytest.raises(ImproperlyConfigured, match="lower case"):
        PreparedQuery("Bad Name", lambda: Agency.objects.all())
    unused = PreparedQuery(
        "test_slot_not_used", lambda agency: Agency.objects.all(), fields=["id"], agency=int
    )
    with pytest.raises(ImproperlyConfigured, match="not in the SQL"):
        unused.rows(agency=1)
    with pytest.raises(TypeError, match="takes"):
        CONTACTS.rows(agency=1, other=2)


def test_a_sliced_query_reads_any_page_with_the_same_statement():
    agency = AgencyFactory()
    for name in "EDCBA":
        PointOfContactFactory(agency=agency, name=name)
    pages = []
    with CaptureQueriesContext(connection) as ctx:
        for offset in (0, 2, 4, 6):
            rows = CONTACTS_PAGE.rows(agency=agency.pk, limit=2, offset=offset)
            pages.append([name for (name,) in rows])
    assert pages == [["A", "B"], ["C", "D"], ["E"], []]
    # plan_once=False: the compiled SQL with the values, never EXECUTE (PostgreSQL plans it
    # with the values each time); one statement shape for every page.
    shapes = {q["sql"].split(" LIMIT ")[0] for q in ctx.captured_queries}
    assert len(shapes) == 1 and next(iter(shapes)).startswith("SELECT ")
    assert ctx.captured_queries[1]["sql"].endswith(" LIMIT 2 OFFSET 2")
    with pytest.raises(ValueError, match="0 or more"):
        CONTACTS_PAGE.rows(agency=agency.pk, limit=2, offset=-1)
    with pytest.raises(ImproperlyConfigured, match="slice"):
        PreparedQuery("test_sliced_twice", lambda: Agency.objects.all(), sliced=True, limit=int)
