"""Reads of the statistics snapshots (aggregates only; anyone may read the public form)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from agencies.models import PointOfContact

from ..models import StatisticsSnapshot, StatisticsSnapshotRow
from .figures import AgencyFigures, Report
from .public import PublicReport
from .snapshot_json import (
    figures_from_json,
    month_from_json,
    public_month_from_json,
    public_row_from_json,
)


def statistics_snapshot_fresh(
    *, start: datetime.date, end: datetime.date
) -> StatisticsSnapshot | None:
    """The newest snapshot of the period computed within STATS_SNAPSHOT_MAX_AGE_SECONDS with
    the current suppression threshold, or None. One query (index `stats_snap_period`)."""
    oldest = timezone.now() - datetime.timedelta(seconds=settings.STATS_SNAPSHOT_MAX_AGE_SECONDS)
    return (
        StatisticsSnapshot.objects.filter(
            period_start=start,
            period_end=end,
            computed_at__gte=oldest,
            # Suppressed with another threshold, its public cells are not today's rule.
            threshold=settings.STATS_SUPPRESS_BELOW,
        )
        .order_by("-computed_at", "-id")
        .first()
    )


def statistics_snapshot_rows(
    *,
    snapshot: StatisticsSnapshot,
    agency_name: str = "",
    public: bool = False,
    with_agencies: bool = False,
) -> QuerySet[StatisticsSnapshotRow]:
    """The snapshot's agency rows in the pages' order (by agency name), optionally only those
    whose name contains `agency_name`. Each row carries the unsuppressed figures, or with
    `public` the suppressed cells only; `with_agencies` adds each agency's directory entry
    and its active primary contact (`agency.primary_contacts`) for the public page's cards
    (a join and one prefetch)."""
    rows = StatisticsSnapshotRow.objects.filter(snapshot=snapshot).order_by("position")
    if agency_name:
        rows = rows.filter(agency_name__icontains=agency_name)
    if not public:
        return rows.defer("public")
    rows = rows.defer("figures")
    if with_agencies:
        # The page names each agency's active primary contact only (at most one per agency,
        # a database constraint), not the five or so contacts a large agency keeps.
        primary = Prefetch(
            "agency__contacts",
            queryset=PointOfContact.objects.filter(is_primary=True, is_active=True),
            to_attr="primary_contacts",
        )
        rows = rows.select_related("agency").prefetch_related(primary)
    return rows


def statistics_snapshot_report(
    *, snapshot: StatisticsSnapshot, rows: Iterable[StatisticsSnapshotRow]
) -> Report:
    """The unsuppressed Report the pages and charts use, with the agencies of `rows` only."""
    return Report(
        start=snapshot.period_start,
        end=snapshot.period_end,
        agencies=[
            AgencyFigures(agency=None, name=row.agency_name, figures=figures_from_json(row.figures))
            for row in rows
        ],
        statewide=figures_from_json(snapshot.statewide),
        months=[month_from_json(m) for m in snapshot.months],
    )


def _loaded_agency(row: StatisticsSnapshotRow):
    # Only when the query joined it: the charts want names, and a lazy load per row would cost
    # a query per agency.
    field = StatisticsSnapshotRow._meta.get_field("agency")
    return row.agency if field.is_cached(row) else None


def statistics_snapshot_public_report(
    *, snapshot: StatisticsSnapshot, rows: Iterable[StatisticsSnapshotRow]
) -> PublicReport:
    """The suppressed PublicReport, with the agencies of `rows` only. Every cell comes from
    the snapshot as suppressed over all agencies: nothing is recomputed from a page of rows,
    which would check the sums against the wrong totals."""
    return PublicReport(
        start=snapshot.period_start,
        end=snapshot.period_end,
        threshold=snapshot.threshold,
        rows=[
            public_row_from_json(row.public, agency=_loaded_agency(row), name=row.agency_name)
            for row in rows
        ],
        statewide=public_row_from_json(snapshot.public_statewide, agency=None, name="Statewide"),
        months=[public_month_from_json(m) for m in snapshot.public_months],
        any_hidden=snapshot.any_hidden,
        all_agencies_charted=snapshot.public_agencies_charted,
    )
