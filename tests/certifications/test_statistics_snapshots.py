"""Statistics snapshots: the pages and charts read stored figures, computed once per period."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditAction, AuditEntry
from certifications.models import StatisticsSnapshot, StatisticsSnapshotRow
from certifications.services.statistics import statistics_snapshot_compute
from certifications.statistics.figures import default_period
from certifications.tasks import statistics_snapshot_refresh

from ..factories import AgencyFactory, PointOfContactFactory
from .stats_data import (
    END,
    PERIOD,
    START,
    TZ,
    at,
    build_known_data_set,
    certify,
    page_figure,
    page_text,
    submitted,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(personas):
    return build_known_data_set(personas)


def _agency_row(html: str, name: str) -> list[str]:
    match = re.search(rf'<th scope="row"[^>]*><bdi>{re.escape(name)}</bdi></th>(.*?)</tr>', html)
    assert match, name
    return re.findall(r"<td>([^<]*)</td>", match.group(1))


def _table_agencies(html: str) -> list[str]:
    body = re.search(r'id="agency-table">.*?<tbody>(.*?)</tbody>', html).group(1)
    return re.findall(r'<th scope="row"[^>]*><bdi>([^<]*)</bdi></th>', body)


def _add_agencies(personas, count: int, prefix: str = "Scale Agency") -> None:
    for i in range(count):
        agency = AgencyFactory(name=f"{prefix} {i:02d}")
        PointOfContactFactory(agency=agency, is_primary=True)


# --- computed once, then read -----------------------------------------------------------------


@pytest.mark.parametrize("page", ["statistics:figures", "statistics:public"])
def test_the_first_view_computes_a_snapshot_and_the_second_reads_it(client, personas, known, page):
    client.force_login(personas.coordinator)
    assert not StatisticsSnapshot.objects.exists()
    with CaptureQueriesContext(connection) as first:
        assert client.get(reverse(page), PERIOD).status_code == 200
    snapshot = StatisticsSnapshot.objects.get()
    assert (snapshot.period_start, snapshot.period_end) == (START, END)
    assert snapshot.rows.count() == 3  # X, Y and the coordinator's agency

    with CaptureQueriesContext(connection) as second:
        response = client.get(reverse(page), PERIOD)
    assert response.status_code == 200
    # Read, not computed again: the same snapshot, in fewer queries.
    assert list(StatisticsSnapshot.objects.values_list("pk", flat=True)) == [snapshot.pk]
    assert len(second.captured_queries) < len(first.captured_queries)
    assert page_figure(page_text(response), "received") == "9"


def test_the_second_view_shows_the_snapshot_until_it_is_recomputed(client, personas, known):
    # Figures are as of the snapshot: a decision made since shows after a recompute.
    client.force_login(personas.coordinator)
    assert (
        page_figure(page_text(client.get(reverse("statistics:figures"), PERIOD)), "received") == "9"
    )
    submitted(personas, agency=personas.agency_x, when=at(6, 1), due=datetime.date(2026, 8, 30))
    assert (
        page_figure(page_text(client.get(reverse("statistics:figures"), PERIOD)), "received") == "9"
    )
    statistics_snapshot_compute(start=START, end=END)
    assert (
        page_figure(page_text(client.get(reverse("statistics:figures"), PERIOD)), "received")
        == "10"
    )


@pytest.mark.parametrize("page", ["statistics:figures", "statistics:public"])
def test_reading_a_page_costs_the_same_queries_for_3_and_63_agencies(
    client, personas, known, django_assert_num_queries, page
):
    client.force_login(personas.coordinator)
    client.get(reverse(page), PERIOD)  # computes
    with CaptureQueriesContext(connection) as small:
        response = client.get(reverse(page), PERIOD)
    assert len(_table_agencies(page_text(response))) == 3
    _add_agencies(personas, 60)
    statistics_snapshot_compute(start=START, end=END)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse(page), PERIOD)
    assert len(_table_agencies(page_text(response))) == 25  # the first page of 63
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse(page), {**PERIOD, "page": 3})
    assert len(_table_agencies(page_text(response))) == 13


@pytest.mark.parametrize("page", ["statistics:figures", "statistics:public"])
def test_each_page_and_filter_shows_its_agencies_and_new_figures_show_at_once(
    client, personas, known, page
):
    client.force_login(personas.coordinator)
    _add_agencies(personas, 30)
    statistics_snapshot_compute(start=START, end=END)
    first = page_text(client.get(reverse(page), PERIOD))
    page_two = page_text(client.get(reverse(page), {**PERIOD, "page": 2}))
    assert _table_agencies(page_two) != _table_agencies(first)
    filtered = page_text(client.get(reverse(page), {**PERIOD, "agency": "Scale Agency 07"}))
    assert _table_agencies(filtered) == ["Scale Agency 07"]
    received = page_figure(first, "received")
    submitted(personas, agency=personas.agency_x, when=at(6, 1), due=datetime.date(2026, 8, 30))
    statistics_snapshot_compute(start=START, end=END)
    assert page_figure(page_text(client.get(reverse(page), PERIOD)), "received") == str(
        int(received) + 1
    )


def test_a_directory_edit_shows_on_the_public_cards_at_once(client, personas, known):
    # The cards show the directory as it is now: only the figures are as of the snapshot.
    agency = personas.agency_x
    statistics_snapshot_compute(start=START, end=END)
    assert "651-555-0199" not in page_text(client.get(reverse("statistics:public"), PERIOD))
    agency.phone = "651-555-0199"
    agency.save(update_fields=["phone"])
    assert "651-555-0199" in page_text(client.get(reverse("statistics:public"), PERIOD))


def test_a_stale_snapshot_is_recomputed_by_the_next_viewer(client, personas, known, settings):
    settings.STATS_SNAPSHOT_MAX_AGE_SECONDS = 600
    now = datetime.datetime(2026, 7, 10, 9, 0, tzinfo=TZ)
    with time_machine.travel(now, tick=False):
        client.get(reverse("statistics:public"), PERIOD)
    first = StatisticsSnapshot.objects.get()
    submitted(personas, agency=personas.agency_x, when=at(6, 2), due=datetime.date(2026, 8, 31))
    with time_machine.travel(now + datetime.timedelta(seconds=599), tick=False):
        html = page_text(client.get(reverse("statistics:public"), PERIOD))
    assert page_figure(html, "received") == "9"  # still fresh: read, not recomputed
    assert StatisticsSnapshot.objects.get().pk == first.pk
    with time_machine.travel(now + datetime.timedelta(seconds=601), tick=False):
        html = page_text(client.get(reverse("statistics:public"), PERIOD))
    assert page_figure(html, "received") == "10"
    newest = StatisticsSnapshot.objects.order_by("-computed_at").first()
    assert newest.pk != first.pk
    assert newest.computed_at == now + datetime.timedelta(seconds=601)
    assert "Jul 10, 2026, 9:10 a.m. CDT</time>" in html


def test_a_snapshot_suppressed_with_another_threshold_is_not_shown(client, personas, known):
    client.get(reverse("statistics:public"), PERIOD)
    assert StatisticsSnapshot.objects.get().threshold == 5
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(django_settings, "STATS_SUPPRESS_BELOW", 1)
        html = page_text(client.get(reverse("statistics:public"), PERIOD))
    assert page_figure(html, "certified") == "4"  # not the snapshot's "fewer than 5"
    assert sorted(StatisticsSnapshot.objects.values_list("threshold", flat=True)) == [1, 5]


def test_old_snapshots_are_pruned_when_a_new_one_is_written(personas, known):
    # Of one period the newest two are kept (a reader may have just picked the older one);
    # any period's snapshots older than a few days go.
    other_start = datetime.date(2025, 1, 1)
    with time_machine.travel(datetime.datetime(2026, 7, 1, 8, 0, tzinfo=TZ), tick=False):
        forgotten = statistics_snapshot_compute(start=other_start, end=END)
    with time_machine.travel(datetime.datetime(2026, 7, 10, 8, 0, tzinfo=TZ), tick=False):
        ids = [statistics_snapshot_compute(start=START, end=END).pk for _ in range(3)]
    assert sorted(StatisticsSnapshot.objects.values_list("pk", flat=True)) == ids[1:]
    assert not StatisticsSnapshot.objects.filter(pk=forgotten.pk).exists()
    assert not StatisticsSnapshotRow.objects.filter(snapshot_id__in=[forgotten.pk, ids[0]])


# --- "Figures as of" and "Recompute now" ------------------------------------------------------


@pytest.mark.parametrize("page", ["statistics:figures", "statistics:public"])
def test_pages_say_when_the_figures_were_computed_and_how_often(client, personas, known, page):
    client.force_login(personas.coordinator)
    with time_machine.travel(datetime.datetime(2026, 7, 10, 14, 5, tzinfo=TZ), tick=False):
        html = page_text(client.get(reverse(page), PERIOD))
    # Local time, not UTC.
    shown = 'Figures as of <time datetime="2026-07-10T14:05:00-05:00">Jul 10, 2026, 2:05 p.m. CDT'
    assert shown in html
    assert "more than 60 minutes old" in html and "every 30 minutes" in html


def test_only_the_coordinators_page_offers_recompute(client, personas, known):
    client.force_login(personas.coordinator)
    assert "Recompute now" in page_text(client.get(reverse("statistics:figures"), PERIOD))
    assert "Recompute now" not in page_text(client.get(reverse("statistics:public"), PERIOD))


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_recompute_now_refreshes_the_period_and_is_audited(client, personas, known, who):
    user = getattr(personas, who)
    client.force_login(user)
    client.get(reverse("statistics:figures"), PERIOD)
    submitted(personas, agency=personas.agency_y, when=at(6, 3), due=datetime.date(2026, 9, 1))
    response = client.post(reverse("statistics:recompute"), PERIOD)
    assert response.status_code == 302
    assert (
        response["Location"] == f"{reverse('statistics:figures')}?start=2026-01-01&end=2026-06-30"
    )
    html = page_text(client.get(response["Location"]))
    assert page_figure(html, "received") == "10"
    assert "The figures were recomputed." in html
    entry = AuditEntry.objects.get(action=AuditAction.STATISTICS_RECOMPUTE)
    assert entry.user == user
    newest = StatisticsSnapshot.objects.order_by("-computed_at", "-id").first()
    assert entry.target == f"statistics-snapshot:{newest.pk}"
    assert entry.detail == "figures 2026-01-01 to 2026-06-30"


def test_recompute_needs_csrf_token(personas, known):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.coordinator)
    assert client.post(reverse("statistics:recompute"), PERIOD).status_code == 403
    assert not StatisticsSnapshot.objects.exists()


@pytest.mark.parametrize("who", ["advocate_a", "contact_x", "contact_y"])
def test_recompute_is_not_found_for_other_roles(client, personas, known, who):
    client.force_login(personas.all_users()[who])
    assert client.post(reverse("statistics:recompute"), PERIOD).status_code == 404
    assert not StatisticsSnapshot.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.STATISTICS_RECOMPUTE).exists()


def test_recompute_sends_anonymous_visitors_to_sign_in_and_computes_nothing(client, known):
    response = client.post(reverse("statistics:recompute"), PERIOD)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not StatisticsSnapshot.objects.exists()


def test_recompute_explains_a_bad_period(client, personas):
    client.force_login(personas.coordinator)
    for data in ({"start": "2026-06-30", "end": "2026-01-01"}, {"start": "soon"}, {}):
        response = client.post(reverse("statistics:recompute"), data)
        assert response.status_code == 400
        assert "Choose a valid period" in response.content.decode()
    assert not StatisticsSnapshot.objects.exists()


# --- pagination and the name filter -----------------------------------------------------------


def test_agency_table_is_paginated_by_name_and_links_keep_the_period(client, personas, known):
    _add_agencies(personas, 60)
    client.force_login(personas.coordinator)
    html = page_text(client.get(reverse("statistics:figures"), PERIOD))
    names = _table_agencies(html)
    assert len(names) == 25 and names == sorted(names)
    assert "63 agencies, 1 to 25 shown." in html
    assert 'href="?start=2026-01-01&amp;end=2026-06-30&amp;page=2">Next</a>' in html
    page_2 = page_text(client.get(reverse("statistics:figures"), {**PERIOD, "page": 2}))
    assert len(_table_agencies(page_2)) == 25
    assert "Page 2 of 3" in page_2
    assert (
        len(
            _table_agencies(
                page_text(client.get(reverse("statistics:figures"), {**PERIOD, "page": 3}))
            )
        )
        == 13
    )
    # The statewide summary, denial reasons and months are whole on every page.
    assert page_figure(page_2, "received") == "9"
    assert (
        "Victim has not been, is not being and is not likely to be helpful: <strong>1</strong>"
        in page_2
    )
    assert page_2.count('<tr><th scope="row">') >= 6  # six months
    # A page number that is not one shows the nearest page rather than an error.
    assert client.get(reverse("statistics:figures"), {**PERIOD, "page": "x"}).status_code == 200
    last = page_text(client.get(reverse("statistics:figures"), {**PERIOD, "page": 99}))
    assert "Page 3 of 3" in last


def test_name_filter_finds_agencies_and_pages_keep_it(client, personas, known):
    _add_agencies(personas, 60)
    _add_agencies(personas, 55, prefix="Other Office")
    client.force_login(personas.coordinator)
    html = page_text(client.get(reverse("statistics:figures"), {**PERIOD, "agency": "agency x"}))
    assert _table_agencies(html) == ["Agency X Police Department"]
    assert _agency_row(html, "Agency X Police Department")[0] == "6"
    assert page_figure(html, "received") == "9"  # the statewide row stays whole
    html = page_text(client.get(reverse("statistics:figures"), {**PERIOD, "agency": "office"}))
    assert "56 agencies, 1 to 25 shown." in html
    assert 'href="?start=2026-01-01&amp;end=2026-06-30&amp;agency=office&amp;page=2"' in html
    html = page_text(client.get(reverse("statistics:figures"), {**PERIOD, "agency": "nothing"}))
    assert _table_agencies(html) == []
    assert 'No agency\'s name contains "nothing".' in html
    too_long = client.get(reverse("statistics:figures"), {**PERIOD, "agency": "x" * 101})
    assert too_long.status_code == 200
    assert "at most 100 characters" in too_long.content.decode()


_CARD_TITLE = r'<h3 class="h5 card-title" id="agency-card-\d+"><bdi>([^<]*)</bdi></h3>'


def test_public_cards_follow_the_tables_page(client, personas, known):
    _add_agencies(personas, 60)
    html = page_text(client.get(reverse("statistics:public"), {**PERIOD, "page": 3}))
    rows = _table_agencies(html)
    cards = re.findall(_CARD_TITLE, html)
    assert len(rows) == 13 and cards == rows
    html = page_text(client.get(reverse("statistics:public"), {**PERIOD, "agency": "Agency Y"}))
    cards = re.findall(_CARD_TITLE, html)
    assert cards == ["Agency Y Sheriff&#x27;s Office"]


def test_a_deleted_agency_keeps_its_row_until_the_next_snapshot(client, personas, known):
    # The suppression was worked out with every row: dropping one could give a hidden count
    # away by subtraction, so the row stays (without the directory entry) until recomputed.
    gone = AgencyFactory(name="Closed Agency")
    client.get(reverse("statistics:public"), PERIOD)
    gone.delete()
    html = page_text(client.get(reverse("statistics:public"), PERIOD))
    assert "Closed Agency" in _table_agencies(html)
    assert "No longer in the directory." in html


# --- suppression from the snapshot ------------------------------------------------------------


def _small_counts_shown(html: str) -> list[str]:
    """Every agency-table, statewide or month cell that shows a count from 1 to 4."""
    cells = re.findall(r"<td>([^<]*)</td>", html)
    cells += re.findall(r'data-figure="[a-z_]+">([^<]*)<', html)
    cells += re.findall(r"<li>[^<:]*: ([^<]*)</li>", html)
    return [c for c in cells if c.strip().isdigit() and 0 < int(c) < 5]


def test_public_page_read_from_the_snapshot_shows_no_small_count(client, personas, known):
    _add_agencies(personas, 60)
    client.get(reverse("statistics:public"), PERIOD)  # computes
    for params in ({}, {"page": 2}, {"agency": "Agency X"}, {"agency": "Agency Y"}):
        html = page_text(client.get(reverse("statistics:public"), {**PERIOD, **params}))
        assert _small_counts_shown(html) == [], params
    # One agency alone on the page keeps the cells suppressed over all agencies: X's 6
    # received stays hidden, or 9 - 6 would give Y's 3 away.
    html = page_text(client.get(reverse("statistics:public"), {**PERIOD, "agency": "Agency X"}))
    assert _agency_row(html, "Agency X Police Department")[:2] == ["not shown", "fewer than 5"]
    html = page_text(client.get(reverse("statistics:public"), {**PERIOD, "agency": "Agency Y"}))
    assert _agency_row(html, "Agency Y Sheriff&#x27;s Office")[0] == "fewer than 5"
    assert page_figure(html, "received") == "9"


def test_the_guard_finds_a_small_count(client, personas, known, settings):
    # The check above can fail: with suppression off the same page shows 1s and 3s.
    settings.STATS_SUPPRESS_BELOW = 1
    html = page_text(client.get(reverse("statistics:public"), PERIOD))
    assert _small_counts_shown(html)


# --- charts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "chart,who", [("statistics:chart", "coordinator"), ("statistics:public_chart", None)]
)
def test_charts_are_drawn_from_the_snapshot(
    client, personas, known, settings, chart, who, django_assert_num_queries
):
    settings.STATS_SUPPRESS_BELOW = 1  # so every bar is drawn
    if who:
        client.force_login(getattr(personas, who))
    first = client.get(reverse(chart, args=["agencies"]), PERIOD)  # computes
    assert first.status_code == 200
    small = {}
    for kind in ("agencies", "months"):
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse(chart, args=[kind]), PERIOD)
        small[kind] = len(queries.captured_queries)
    _add_agencies(personas, 60)
    statistics_snapshot_compute(start=START, end=END)
    late = submitted(
        personas, agency=personas.agency_y, when=at(6, 5), due=datetime.date(2026, 9, 1)
    )
    certify(late, at(6, 6), personas.contact_y)
    snapshots = list(StatisticsSnapshot.objects.values_list("pk", flat=True))
    for kind in ("agencies", "months"):
        # The same queries for 3 agencies as for 63: the snapshot and all its rows.
        with django_assert_num_queries(small[kind]):
            response = client.get(reverse(chart, args=[kind]), PERIOD)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
    body = client.get(reverse(chart, args=["agencies"]), PERIOD).content.decode()
    assert "Agency Y Sheriff" in body and "Agency X Police Department" in body
    # Drawn from the snapshot: the decision made since computed nothing new.
    assert list(StatisticsSnapshot.objects.values_list("pk", flat=True)) == snapshots


# --- the beat task ----------------------------------------------------------------------------


def test_beat_task_refreshes_the_default_period_and_can_run_twice(personas, known):
    with time_machine.travel(datetime.datetime(2026, 7, 10, 9, 0, tzinfo=TZ), tick=False):
        start, end = default_period()
        assert (start, end) == (datetime.date(2025, 7, 10), datetime.date(2026, 7, 10))
        first = statistics_snapshot_refresh()
        snapshot = StatisticsSnapshot.objects.get(pk=first)
        assert (snapshot.period_start, snapshot.period_end) == (start, end)
        assert snapshot.statewide["received"] == 10  # r6 (Dec 2025) and the nine of 2026
        ids = [statistics_snapshot_refresh() for _ in range(2)]
    # Running again writes a newer snapshot with the same figures and prunes the oldest.
    kept = StatisticsSnapshot.objects.filter(period_start=start, period_end=end)
    assert sorted(kept.values_list("pk", flat=True)) == ids
    assert {s.statewide["received"] for s in kept} == {10}


def test_beat_schedule_refreshes_before_the_figures_go_stale():
    entry = django_settings.CELERY_BEAT_SCHEDULE["statistics-snapshot-refresh"]
    assert entry["task"] == "certifications.tasks.statistics_snapshot_refresh"
    assert entry["task"] == statistics_snapshot_refresh.name
    interval = entry["schedule"].total_seconds()
    assert interval == 1800
    assert interval < django_settings.STATS_SNAPSHOT_MAX_AGE_SECONDS == 3600


# --- the public page cannot be made to compute without end ---------------------------------------


def test_the_public_page_computes_a_bounded_number_of_new_periods_a_minute(client, settings):
    settings.STATS_PUBLIC_COMPUTES_PER_MINUTE = 2
    for day in (1, 2):
        response = client.get(
            reverse("statistics:public"), {"start": f"2026-01-0{day}", "end": END}
        )
        assert response.status_code == 200
    # A third new period within the minute: a plain 503 that says when to come back.
    third = {"start": "2026-01-03", "end": END.isoformat()}
    busy = client.get(reverse("statistics:public"), third)
    assert busy.status_code == 503
    assert busy["Retry-After"] == "60"
    assert "try again in a minute" in busy.content.decode()
    chart = client.get(reverse("statistics:public_chart", args=["months"]), third)
    assert chart.status_code == 503
    # Periods already computed, and the default period, are always served.
    assert (
        client.get(reverse("statistics:public"), {"start": "2026-01-01", "end": END}).status_code
        == 200
    )
    assert client.get(reverse("statistics:public")).status_code == 200
    # A minute later the limit is free again.
    with time_machine.travel(datetime.datetime.now(tz=TZ) + datetime.timedelta(seconds=61)):
        assert client.get(reverse("statistics:public"), third).status_code == 200
    assert StatisticsSnapshot.objects.count() == 4
