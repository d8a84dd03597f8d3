"""The agency queue's query is answered from an index at statewide scale (issue: `EXPLAIN` of the
queue's query shows an index scan)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from agencies.models import PointOfContact
from bench.seed import PERSONA_EMAILS
from certifications.selectors import certification_requests_agency_queue

pytestmark = pytest.mark.django_db


def queue_queryset(agency_id: int):
    """The queue page's own query: the agency's open requests, most urgent first."""
    contact = PointOfContact.objects.select_related("user").get(
        agency_id=agency_id, email=PERSONA_EMAILS["contact"]
    )
    return certification_requests_agency_queue(user=contact.user)


def seed_as_in_production() -> None:
    """4,000 requests over 20 agencies: enough rows that the planner prefers the indexes on
    its own, with fresh statistics. No planner settings are forced.

    Committed (the tests are `transaction=True`) and vacuumed, as autovacuum leaves a
    production table: an index answers without the table only on pages the visibility map
    marks all-visible, and inside a test's transaction nothing is, while the rows earlier
    tests rolled back are still there. The plans then depended on which tests ran first (a
    bitmap scan of req_agency_status_due and a sort for the queue; a table scan for the
    reference search after the agency views' tests)."""
    call_command("seed_benchmark", "--scale", "0.02", stdout=io.StringIO())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE certifications_certificationrequest")


@pytest.mark.django_db(transaction=True)
def test_the_queue_query_uses_the_open_requests_index():
    seed_as_in_production()
    agency_id = PointOfContact.objects.get(email=PERSONA_EMAILS["contact"]).agency_id
    assert queue_queryset(agency_id).exists()

    # The page's 25 rows, sorted by urgency: the open requests are read from their partial
    # index.
    page_ids = queue_queryset(agency_id).values_list("pk", flat=True)[:25]
    plan = page_ids.explain()

    if connection.vendor == "postgresql":
        # An index scan of the agency's open requests (the partial index or the agency's
        # status index: the order is computed, so the planner may take either); no table scan.
        assert "Index" in plan, plan
        assert "req_open_urgency" in plan or "req_agency_status_due" in plan, plan
        assert "Seq Scan on certifications_certificationrequest" not in plan, plan
    else:
        # SQLite: EXPLAIN QUERY PLAN says SEARCH ... USING (COVERING) INDEX; its planner
        # takes either index of the agency's open requests.
        assert "SEARCH certifications_certificationrequest USING" in plan, plan
        assert "INDEX req_open_urgency" in plan or "INDEX req_agency_status_due" in plan, plan


@pytest.mark.django_db(transaction=True)
def test_the_reference_search_uses_its_own_index():
    # The dashboard's and the queues' "reference contains" filter: a trigram index on
    # PostgreSQL (migration 0005); SQLite scans the organization's rows.
    from accounts.models import User
    from certifications.forms.filters import AdvocateDashboardFilter
    from certifications.selectors import certification_requests_for_advocate_dashboard

    seed_as_in_production()
    advocate = User.objects.get(email=PERSONA_EMAILS["advocate"])
    dashboard = certification_requests_for_advocate_dashboard(user=advocate)
    wanted = dashboard.order_by("-id").values_list("reference", flat=True)[50]
    found = AdvocateDashboardFilter({"reference": wanted.lower()}, queryset=dashboard).qs
    assert list(found.values_list("reference", flat=True)) == [wanted]

    plan = found.explain()

    if connection.vendor == "postgresql":
        assert "req_reference_trgm" in plan, plan
    else:
        assert "certifications_certificationrequest" in plan, plan


def test_the_coordinator_overview_reads_its_list_from_the_open_requests_indexes():
    # The overview's list (selectors.coordinator_statewide_requests): other agencies' open
    # requests, escalated or overdue, which the partial indexes of open requests hold. At test
    # scale the planner may rightly read the few dozen rows another way, so bitmap scans are
    # priced out here and the test checks that the list's filter is one an index serves.
    from django.db import transaction

    from accounts.models import User
    from certifications.selectors import coordinator_statewide_requests

    call_command("seed_benchmark", "--scale", "0.02", stdout=io.StringIO())
    coordinator = User.objects.get(email=PERSONA_EMAILS["coordinator"])
    statewide = coordinator_statewide_requests(user=coordinator)
    assert statewide.exists()
    page = statewide.values_list("pk", flat=True)[:25]

    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            plan = page.explain()
        assert "Index" in plan and "req_" in plan, plan
    else:
        # SQLite has no planner settings; its plan reads one of the requests' indexes.
        plan = page.explain()
        assert "USING INDEX req_" in plan or "USING COVERING INDEX req_" in plan, plan
