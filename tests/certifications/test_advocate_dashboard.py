"""The advocate's dashboard: status, agency, due date, days left, filters, constant queries."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certifications.choices import Status
from certifications.services.intake import certification_request_submit

from .intake_support import (
    complete_request,
    fast_passwords,  # noqa: F401 - fixture
    private_media,  # noqa: F401 - fixture
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fast_passwords", "private_media"),
]
DASHBOARD = "/requests/"


def _filed(personas, n: int, submit_every: int = 2):
    made = []
    for i in range(n):
        obj = complete_request(personas, victim_given_name=f"Person{i}")
        if i % submit_every == 0:
            obj = certification_request_submit(cert_request=obj, actor=personas.advocate_a)
        made.append(obj)
    return made


def _query_count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_costs_the_same_queries_for_1_and_30_requests(client, personas):
    client.force_login(personas.advocate_a)
    _filed(personas, 1)
    # The first page of a session also counts the bell's notifications (then once a minute).
    first = _query_count(client)
    one = _query_count(client)
    assert one == first - 1
    _filed(personas, 29)
    thirty = _query_count(client)
    assert one == thirty
    # The page's own reads (the rows, their further report numbers), plus session, user, and
    # the session save that keeps the 30-minute idle timeout (a savepoint, an UPDATE, a
    # release).
    assert one <= 10


def test_the_home_page_of_an_advocate_is_the_dashboard(client, personas):
    obj = complete_request(personas)
    client.force_login(personas.advocate_a)
    response = client.get("/")
    assert response.status_code == 200
    assert obj.reference in response.content.decode()
    assert reverse("certifications:new") in response.content.decode()


@time_machine.travel(datetime.datetime(2026, 3, 2, 18, 0, tzinfo=datetime.UTC), tick=False)
def test_rows_show_status_agency_due_date_days_left_and_routing_reason(client, personas):
    submitted = certification_request_submit(
        cert_request=complete_request(personas), actor=personas.advocate_a
    )
    draft = complete_request(personas)
    client.force_login(personas.advocate_a)
    body = client.get(DASHBOARD).content.decode()
    assert submitted.reference in body
    assert draft.reference in body
    assert "Submitted" in body and "Draft" in body
    assert "Agency X Police Department" in body
    assert "May 31, 2026" in body
    assert "90 days left" in body
    assert "Routed to Agency X Police Department" in body
    # Open requests come before drafts.
    assert body.index(submitted.reference) < body.index(draft.reference)


def test_overdue_and_due_soon_rows_are_highlighted(client, personas):
    with time_machine.travel(datetime.datetime(2026, 2, 1, 18, 0, tzinfo=datetime.UTC)):
        late = certification_request_submit(
            cert_request=complete_request(personas), actor=personas.advocate_a
        )
    with time_machine.travel(datetime.datetime(2026, 4, 1, 18, 0, tzinfo=datetime.UTC)):
        soon = certification_request_submit(
            cert_request=complete_request(personas), actor=personas.advocate_a
        )
    with time_machine.travel(datetime.datetime(2026, 6, 25, 18, 0, tzinfo=datetime.UTC)):
        client.force_login(personas.advocate_a)
        body = client.get(DASHBOARD).content.decode()
        assert "54 days overdue" in body
        assert "row-overdue" in body
        assert "5 days left" in body
        assert "row-due-soon" in body
        overdue_only = client.get(DASHBOARD, {"due": "overdue"}).content.decode()
        assert late.reference in overdue_only
        assert soon.reference not in overdue_only
        week = client.get(DASHBOARD, {"due": "week"}).content.decode()
        assert soon.reference in week
        assert late.reference not in week


def test_filters_and_search_by_reference(client, personas):
    first, second, third = _filed(personas, 3)
    client.force_login(personas.advocate_a)
    body = client.get(DASHBOARD, {"reference": second.reference}).content.decode()
    assert second.reference in body
    assert first.reference not in body
    body = client.get(DASHBOARD, {"status": Status.DRAFT}).content.decode()
    assert second.reference in body
    assert first.reference not in body and third.reference not in body
    # Agency: part of the name, matching where it went or, for a draft, the agency chosen.
    assert first.agency == personas.agency_x and second.requested_agency == personas.agency_x
    body = client.get(DASHBOARD, {"agency": " x police "}).content.decode()
    assert all(r.reference in body for r in (first, second, third))
    body = client.get(DASHBOARD, {"agency": "Sheriff"}).content.decode()
    assert not any(r.reference in body for r in (first, second, third))
    assert "No request matches these filters." in body
    body = client.get(DASHBOARD, {"status": "nonsense"}).content.decode()
    assert "Select a valid choice" in body


def test_the_heading_names_the_organization_with_rows_or_without(client, personas):
    """The name comes with the page's rows; an empty dashboard, which reads no rows, reads it
    apart: the same number of queries either way, but for the rows' further report numbers
    (one query for the page, none without rows)."""
    client.force_login(personas.advocate_a)
    name = personas.org_a.name
    client.get(DASHBOARD)
    empty = _query_count(client)
    assert f"Certification requests: <bdi>{name}</bdi>" in client.get(DASHBOARD).content.decode()
    _filed(personas, 2)
    assert _query_count(client) == empty + 1
    assert f"Certification requests: <bdi>{name}</bdi>" in client.get(DASHBOARD).content.decode()
