"""Figures computed in the database, checked against a data set worked out by hand."""

from __future__ import annotations

import datetime
import re

import pytest

from certifications.statistics.figures import agency_figures, statistics_report
from certifications.statistics.public import public_report
from certifications.statistics.suppression import PRIMARY, SECONDARY, suppress_cells

from .stats_data import END, START, build_known_data_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(personas):
    return build_known_data_set(personas)


def _by_name(report, name):
    return next(a.figures for a in report.agencies if a.agency.name == name)


def test_agency_figures_match_the_hand_worked_numbers(personas, known):
    x = agency_figures(agency=personas.agency_x, start=START, end=END)
    assert (x.received, x.certified, x.denied, x.withdrawn, x.pending) == (6, 3, 1, 1, 2)
    assert (x.late, x.on_time, x.share_on_time, x.transfers) == (1, 3, 75.0, 0)
    assert x.denied_by_reason["not_helpful"] == 1
    assert sum(x.denied_by_reason.values()) == 1
    assert (x.median_days, x.p90_days) == (35.5, 60)

    y = agency_figures(agency=personas.agency_y, start=START, end=END)
    assert (y.received, y.certified, y.denied, y.withdrawn, y.pending) == (3, 1, 1, 1, 0)
    assert (y.late, y.on_time, y.share_on_time, y.transfers) == (2, 0, 0.0, 2)
    assert y.denied_by_reason["no_information"] == 1
    assert (y.median_days, y.p90_days) == (111, 125)


def test_statewide_figures_and_months_match_the_hand_worked_numbers(personas, known):
    report = statistics_report(start=START, end=END)
    s = report.statewide
    assert (s.received, s.certified, s.denied, s.withdrawn, s.pending) == (9, 4, 2, 2, 2)
    assert (s.late, s.on_time, s.share_on_time, s.transfers) == (3, 3, 50.0, 2)
    assert (s.median_days, s.p90_days) == (50.5, 125)
    assert _by_name(report, "Agency X Police Department").received == 6
    dps = _by_name(report, "Minnesota Department of Public Safety")
    assert (dps.received, dps.decided, dps.median_days) == (0, 0, None)
    months = [
        (m.month.month, m.received, m.certified, m.denied, m.withdrawn) for m in report.months
    ]
    assert months == [
        (1, 3, 1, 0, 0),
        (2, 2, 1, 0, 0),
        (3, 2, 1, 1, 1),
        (4, 1, 0, 0, 1),
        (5, 0, 0, 1, 0),
        (6, 1, 1, 0, 0),
    ]


def test_a_narrower_period_counts_only_what_happened_in_it(personas, known):
    # March only: received r5 r9; certified r2; denied r3 (late); withdrawn r4.
    report = statistics_report(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31))
    s = report.statewide
    assert (s.received, s.certified, s.denied, s.withdrawn, s.late) == (2, 1, 1, 1, 1)
    # Open on 31 March: r5 (X), r8 (Y, denied in May), r9 (Y) -> 3; r10 not yet submitted.
    assert s.pending == 3
    assert (s.median_days, s.p90_days) == (45, 60)
    assert s.transfers == 0


def test_percentiles_of_an_odd_count_use_the_middle_value(personas, known):
    # February to March at X: decisions r1 (30), r2 (60), r3 (30) -> 30 30 60.
    x = agency_figures(
        agency=personas.agency_x, start=datetime.date(2026, 2, 1), end=datetime.date(2026, 3, 31)
    )
    assert (x.median_days, x.p90_days) == (30, 60)


def test_lone_suppressed_cell_gets_a_complement():
    # Row a: 3 (small) + 20 = total 23: 3 alone could be recovered by subtraction.
    values = {"a": 3, "b": 20, "c": 9, "total": 32}
    hidden = suppress_cells(values, [(["a", "b", "c"], ["total"])], 5)
    assert hidden == {"a": PRIMARY, "c": SECONDARY}


def test_suppression_repeats_until_no_group_has_a_lone_hidden_cell():
    # Hiding c for the first group leaves c alone in the second, which then hides d.
    values = {"a": 2, "b": 40, "c": 6, "d": 7, "e": 50, "t1": 48, "t2": 63}
    groups = [(["a", "b", "c"], ["t1"]), (["c", "d", "e"], ["t2"])]
    hidden = suppress_cells(values, groups, 5)
    assert hidden == {"a": PRIMARY, "c": SECONDARY, "d": SECONDARY}


def test_hidden_cells_that_add_up_to_less_than_the_threshold_get_a_complement():
    # Two "fewer than 5" cells (1..4 each) under a total of 2 are both 1: the total must go.
    values = {"a": 1, "b": 1, "c": 0, "d": 30, "t": 32}
    hidden = suppress_cells(values, [(["a", "b", "c", "d"], ["t"])], 5)
    assert hidden == {"a": PRIMARY, "b": PRIMARY, "d": SECONDARY}
    # ... and so are two cells of 4 under a remainder of 8.
    values = {"a": 4, "b": 4, "d": 30, "t": 38}
    hidden = suppress_cells(values, [(["a", "b", "d"], ["t"])], 5)
    assert hidden == {"a": PRIMARY, "b": PRIMARY, "d": SECONDARY}


def test_zero_is_shown_and_two_small_cells_need_no_complement():
    hidden = suppress_cells({"a": 0, "b": 2, "c": 3, "t": 5}, [(["a", "b", "c"], ["t"])], 5)
    assert hidden == {"b": PRIMARY, "c": PRIMARY}


def test_public_report_never_leaves_a_lone_hidden_cell_in_a_column(personas, known):
    report = public_report(statistics_report(start=START, end=END), threshold=5)
    rows = [*report.rows, report.statewide]
    for column in ("received", "certified", "denied", "withdrawn", "pending", "late"):
        hidden = [r for r in rows if r.cells[column].hidden]
        assert len(hidden) != 1, column
    x = next(r for r in report.rows if r.agency == personas.agency_x)
    # Y's 3 is suppressed; X's 6 must go too, or 9 - 6 - 0 gives Y's count away.
    assert x.cells["received"].display == "not shown"
    assert x.cells["certified"].display == "fewer than 5"
    assert x.median_days == "not shown"  # only 4 decisions behind it
    assert report.statewide.cells["received"].display == "9"
    assert report.any_hidden


def test_agency_figures_partial_renders_the_agency_figures(personas, known):
    from django.template.loader import render_to_string

    figures = agency_figures(agency=personas.agency_x, start=START, end=END)
    html = render_to_string(
        "statistics/_agency_figures.html",
        {"agency": personas.agency_x, "figures": figures, "period_start": START, "period_end": END},
    )
    text = " ".join(html.split())
    assert "Agency X Police Department: figures January 1, 2026 to June 30, 2026" in re.sub(
        r"</?bdi[^>]*>", "", text
    )
    assert '<dt class="col-sm-6 col-lg-3">Received</dt><dd class="col-sm-6 col-lg-3">6</dd>' in text
    assert "75.0%" in text and "35.5 / 60" in text


def test_agency_figures_cost_a_fixed_number_of_queries(personas, known, django_assert_num_queries):
    # One aggregate, one transfer count, two percentile queries (agency and statewide pass).
    with django_assert_num_queries(4):
        agency_figures(agency=personas.agency_x, start=START, end=END)


def test_period_bounds_select_the_same_local_days_as_date_lookups(personas):
    # The period is a half-open range on the datetime (midnight to midnight, America/Chicago)
    # so PostgreSQL can use an index; it must pick exactly the rows the local-date lookups
    # pick: around midnight, in UTC's next day, and across both DST changes of 2026.
    from django.db.models import Q

    from certifications.models import CertificationRequest
    from certifications.statistics.figures import _in_period

    from ..factories import make_request
    from .stats_data import TZ

    moments = [
        datetime.datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=TZ),  # 1 Jan in UTC
        datetime.datetime(2026, 1, 1, 0, 0, tzinfo=TZ),
        datetime.datetime(2026, 3, 7, 23, 30, tzinfo=TZ),
        datetime.datetime(2026, 3, 8, 3, 0, tzinfo=TZ),  # just after the spring change
        datetime.datetime(2026, 3, 8, 23, 59, 59, tzinfo=TZ),
        datetime.datetime(2026, 11, 1, 1, 30, tzinfo=TZ, fold=1),  # the repeated hour
        datetime.datetime(2026, 11, 1, 23, 59, 59, 999999, tzinfo=TZ),
        datetime.datetime(2026, 11, 2, 0, 0, tzinfo=TZ),
    ]
    for moment in moments:
        make_request(
            organization=personas.org_a, created_by=personas.advocate_a, submitted_at=moment
        )
    d = datetime.date
    periods = {
        (d(2026, 1, 1), d(2026, 1, 1)): 1,
        (d(2025, 12, 31), d(2025, 12, 31)): 1,
        (d(2026, 3, 8), d(2026, 3, 8)): 2,
        (d(2026, 3, 1), d(2026, 3, 7)): 1,
        (d(2026, 11, 1), d(2026, 11, 1)): 2,
        (d(2026, 1, 1), d(2026, 11, 1)): 6,
    }
    for (start, end), expected in periods.items():
        ours = set(
            CertificationRequest.objects.filter(_in_period("submitted_at", start, end)).values_list(
                "pk", flat=True
            )
        )
        by_date = set(
            CertificationRequest.objects.filter(
                Q(submitted_at__date__gte=start) & Q(submitted_at__date__lte=end)
            ).values_list("pk", flat=True)
        )
        assert ours == by_date, (start, end)
        assert len(ours) == expected, (start, end)
