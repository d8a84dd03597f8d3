"""Statistics snapshots: compute the figures of a period once and store them for the pages.

The pages (`certifications.views.statistics`) read the newest snapshot of their period while it
is fresh (`STATS_SNAPSHOT_MAX_AGE_SECONDS`); beat refreshes the default period's
(`certifications.tasks.statistics_snapshot_refresh`); the coordinator can recompute the shown
period at once. Readers never lock anything: a new snapshot is written whole in one
transaction and readers take the newest committed one.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import StatisticsSnapshot, StatisticsSnapshotRow
from ..statistics.figures import default_period, statistics_report
from ..statistics.public import public_report
from ..statistics.selectors import statistics_snapshot_fresh
from ..statistics.snapshot_json import (
    figures_to_json,
    month_to_json,
    public_month_to_json,
    public_row_to_json,
)

logger = logging.getLogger(__name__)

# Snapshots of periods nobody looked at again are deleted after this long (they went stale
# long before: this only bounds the table).
SNAPSHOT_KEEP = datetime.timedelta(days=3)


def statistics_snapshot_compute(*, start: datetime.date, end: datetime.date) -> StatisticsSnapshot:
    """Compute the period's figures and store them as the newest snapshot.

    1. Compute the report (a fixed number of aggregate queries) and its public, suppressed
       form, outside any transaction: it takes a while and locks nothing.
    2. In one transaction, write the snapshot and one row per agency (one bulk insert), then
       delete the period's older snapshots except the one just replaced (a reader that picked
       it a moment ago can still read its rows) and every snapshot older than SNAPSHOT_KEEP.
    Running it twice for the same period leaves the newer result; nothing else changes.
    """
    computed_at = timezone.now()
    report = statistics_report(start=start, end=end)
    public = public_report(report)
    columns = ("certified", "denied", "withdrawn", "pending")
    with transaction.atomic():
        snapshot = StatisticsSnapshot.objects.create(
            period_start=start,
            period_end=end,
            computed_at=computed_at,
            statewide=figures_to_json(report.statewide),
            months=[month_to_json(m) for m in report.months],
            threshold=public.threshold,
            public_statewide=public_row_to_json(public.statewide),
            public_months=[public_month_to_json(m) for m in public.months],
            any_hidden=public.any_hidden,
            public_agencies_charted=any(row.cells[c].value for row in public.rows for c in columns),
            agency_count=len(report.agencies),
        )
        StatisticsSnapshotRow.objects.bulk_create(
            StatisticsSnapshotRow(
                snapshot=snapshot,
                agency=item.agency,
                position=position,
                agency_name=item.name,
                figures=figures_to_json(item.figures),
                public=public_row_to_json(row),
            )
            for position, (item, row) in enumerate(zip(report.agencies, public.rows, strict=True))
        )
        replaced = list(
            StatisticsSnapshot.objects.filter(period_start=start, period_end=end)
            .exclude(pk=snapshot.pk)
            .order_by("-computed_at", "-id")
            .values_list("pk", flat=True)[1:]
        )
        StatisticsSnapshot.objects.filter(
            Q(pk__in=replaced) | Q(computed_at__lt=computed_at - SNAPSHOT_KEEP)
        ).delete()
    logger.info(
        "statistics snapshot %s computed for %s to %s (%s agencies)",
        snapshot.pk,
        start.isoformat(),
        end.isoformat(),
        snapshot.agency_count,
    )
    return snapshot


class TooManyComputations(Exception):
    """Anonymous visitors asked for more new periods than the server computes a minute."""


def _public_budget_spend(client: str | None) -> bool:
    """Take one of this client address's computations for the current minute; False when
    they are all spent. Counted in the shared cache per address and per clock minute (the
    minute is in the key, so the count is the same in every web process and needs no clean-up).
    """
    minute = int(timezone.now().timestamp()) // 60
    key = f"stats-public-computes:{client or 'unknown'}:{minute}"
    cache.add(key, 0, timeout=120)
    try:
        spent = cache.incr(key)
    except ValueError:  # the entry was evicted between add and incr
        cache.set(key, 1, timeout=120)
        spent = 1
    return spent <= settings.STATS_PUBLIC_COMPUTES_PER_MINUTE


def statistics_snapshot_get(
    *, start: datetime.date, end: datetime.date, public: bool = False, client: str | None = None
) -> StatisticsSnapshot:
    """The fresh snapshot of the period, computing it now if there is none.

    Why a page view may write: the default period is kept fresh by beat, so only the first
    viewer of another period (or of one unlooked-at for an hour) waits for the computation;
    everyone after reads the stored figures. The write is a cache fill: it changes no record.

    `public`: for the public page, which needs no sign-in. A new period costs the server a
    computation over every request of the period and anyone can name one, so computations of
    periods other than the default are capped at STATS_PUBLIC_COMPUTES_PER_MINUTE per client
    address (`client`, from accounts.security.client_ip): one visitor spending its budget
    leaves everyone else theirs. Beyond it, TooManyComputations.
    """
    snapshot = statistics_snapshot_fresh(start=start, end=end)
    if snapshot is not None:
        return snapshot
    if public and (start, end) != default_period() and not _public_budget_spend(client):
        raise TooManyComputations
    return statistics_snapshot_compute(start=start, end=end)
