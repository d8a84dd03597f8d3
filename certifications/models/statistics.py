"""The stored snapshots of the statistics pages' figures (aggregates and agency names only)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from agencies.models import Agency


class StatisticsSnapshot(models.Model):
    """The statistics of one period as computed at `computed_at`, for the pages to read.

    Why: computing the figures (and the public page's suppression) over every request takes
    seconds on a decade of the state's data; the pages read this instead while it is fresh
    (`STATS_SNAPSHOT_MAX_AGE_SECONDS`). A snapshot is written whole in one transaction with its
    rows and never changed; readers take the newest one of the period, so nobody reads half of
    one. Aggregates and agency names only: nothing about a request or a victim.
    """

    period_start = models.DateField()
    period_end = models.DateField()
    computed_at = models.DateTimeField(default=timezone.now)
    # The unsuppressed figures (certifications.statistics.Figures / MonthFigures as JSON).
    statewide = models.JSONField()
    months = models.JSONField()
    # The public page's figures, suppressed with `threshold` (STATS_SUPPRESS_BELOW then).
    threshold = models.PositiveSmallIntegerField()
    public_statewide = models.JSONField()
    public_months = models.JSONField()
    any_hidden = models.BooleanField(default=False)
    # Whether the public chart of all agencies has anything to draw (the page shows 50 rows).
    public_agencies_charted = models.BooleanField(default=False)
    agency_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-computed_at", "-id"]
        indexes = [
            # The pages' lookup: the newest snapshot of a period.
            models.Index(
                fields=["period_start", "period_end", "-computed_at"], name="stats_snap_period"
            ),
            models.Index(fields=["computed_at"], name="stats_snap_computed"),
        ]

    def __str__(self) -> str:
        return f"statistics {self.period_start} to {self.period_end} at {self.computed_at:%Y-%m-%d}"


class StatisticsSnapshotRow(models.Model):
    """One agency's figures in a snapshot, in the pages' order (`position`, by agency name)."""

    snapshot = models.ForeignKey(StatisticsSnapshot, on_delete=models.CASCADE, related_name="rows")
    # SET_NULL, not CASCADE: dropping a row would change the sums the suppression was worked
    # out against and could let a hidden count be recovered by subtraction; the name stays.
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveIntegerField()
    agency_name = models.CharField(max_length=255)
    figures = models.JSONField()
    public = models.JSONField()

    class Meta:
        ordering = ["snapshot", "position"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "position"], name="stats_row_position")
        ]

    def __str__(self) -> str:
        return f"{self.agency_name} in snapshot #{self.snapshot_id}"
