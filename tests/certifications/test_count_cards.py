"""Every count card that names a list equals that list's size: the agency's queue and the
statewide coordinator's overview, each card read from the page and its list fetched through
the card's own link (through HTTP). And one "last twelve months" for every figure."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from certifications.choices import Action, Status
from certifications.services import certification_request_transition
from certifications.statistics import default_period
from tests.factories import make_release, make_submitted_request

pytestmark = pytest.mark.django_db

CARD = re.compile(
    r'<a class="card card-body[^"]*" href="([^"]+)"><span class="fs-3 fw-semibold[^"]*">'
    r"(\d+)</span> ([^<]+)</a>"
)


def _request(personas, agency, *, due_in=None, status=None, actor=None):
    obj = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=agency,
        status=status,
        actor=actor,
        due_date=(timezone.localdate() + datetime.timedelta(days=due_in))
        if due_in is not None
        else None,
    )
    make_release(obj, [agency])
    return obj


def _a_mix(personas, agency, actor):
    _request(personas, agency)  # new, due later
    _request(personas, agency, due_in=3)  # new, due this week
    _request(personas, agency, due_in=-2)  # new, overdue
    _request(personas, agency, due_in=-5, status=Status.INFO_REQUESTED, actor=actor)
    _request(personas, agency, due_in=20, status=Status.IN_REVIEW, actor=actor)
    closed = _request(personas, agency, due_in=-9, status=Status.IN_REVIEW, actor=actor)
    # A closed request past its old due date is on no open list and in no card.
    certification_request_transition(
        cert_request=closed, action=Action.WITHDRAW, actor=personas.advocate_a
    )


def _cards(html: str) -> list[tuple[str, int, str]]:
    found = [(href.replace("&amp;", "&"), int(n), label) for href, n, label in CARD.findall(html)]
    assert found, "no count card on the page"
    return found


def _list_size(client, page_url: str, href: str, page_html: str) -> int:
    if href.startswith("#"):
        # A list on the same page: its rows, under its heading, up to the next heading.
        section = page_html[page_html.index(f'id="{href[1:]}"') :]
        section = section[: section.find("<h2", 10) if "<h2" in section[10:] else None]
        table = section[: section.find("</table>")] if "</table>" in section else ""
        return table.count("<tr") - table.count("<thead><tr") - table.count("<thead>\n    <tr")
    url = href if href.startswith("/") else page_url + href
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page_obj"].paginator.count


def test_every_card_of_the_queue_equals_the_size_of_the_list_it_opens(client, personas):
    _a_mix(personas, personas.agency_x, personas.contact_x)
    client.force_login(personas.contact_x)
    url = reverse("certifications:queue")
    html = client.get(url).content.decode()
    cards = _cards(html)
    assert len(cards) == 4
    sizes = {label: (n, _list_size(client, url, href, html)) for href, n, label in cards}
    for label, (shown, size) in sizes.items():
        assert shown == size, (label, shown, size)
    # The mix itself: 3 new, 1 due this week... proves the cards count something.
    assert sizes["Overdue"][0] == 2
    assert sizes["Waiting on the advocate"][0] == 1


def test_every_card_of_the_coordinators_overview_equals_the_size_of_its_list(client, personas):
    # Requests routed to DPS, and overdue requests at a local agency: the overview's two lists.
    _a_mix(personas, personas.coordinator_agency, personas.coordinator)
    _request(personas, personas.agency_x, due_in=-3)
    _request(personas, personas.agency_y, due_in=-1)
    _request(personas, personas.agency_y, due_in=10)  # on time, not escalated: not shown
    client.force_login(personas.coordinator)
    url = reverse("certifications:coordinator")
    html = client.get(url).content.decode()
    cards = _cards(html)
    assert len(cards) == 5
    for href, shown, label in cards:
        assert shown == _list_size(client, url, href, html), label
    by_label = {label: n for _, n, label in cards}
    # An overdue request at a local agency is counted by a card, never shown under "0".
    assert by_label["Escalated or overdue at local agencies"] == 2
    assert by_label["Routed to you, overdue"] == 2


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (datetime.date(2026, 12, 1), datetime.date(2025, 12, 1)),
        (datetime.date(2026, 1, 15), datetime.date(2025, 1, 15)),
        (datetime.date(2028, 2, 29), datetime.date(2027, 2, 28)),
    ],
)
def test_the_last_twelve_months_run_from_the_same_date_a_year_ago_through_today(today, start):
    assert default_period(today) == (start, today)


def test_the_queue_and_the_statistics_page_name_the_same_period(client, personas):
    moment = timezone.make_aware(datetime.datetime(2026, 12, 1, 10, 0))
    with time_machine.travel(moment, tick=False):
        _request(personas, personas.agency_x)
        client.force_login(personas.contact_x)
        queue = client.get(reverse("certifications:queue")).content.decode()
        assert "figures of the last twelve months, December 1, 2025 to December 1, 2026" in queue
        # The queue's figures say when they were counted.
        assert "Counted at <time" in queue and "Dec 1, 2026, 10:00 a.m." in queue
        client.force_login(personas.coordinator)
        stats = client.get(reverse("statistics:figures")).content.decode()
        assert "Statewide, the last twelve months, December 1, 2025 to December 1, 2026" in stats
        assert "Figures as of <time" in stats
        assert "January 1, 2026" not in stats
