"""The figures of a period, aggregated in the database: per agency, statewide and per month.

See the package's docstring for what each figure counts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone

from agencies.models import Agency

from ..choices import Action, DenialReason, PetitionerKind, Status
from ..deadlines import BINDING_SOURCES
from ..models import CertificationRequest, RequestEvent

TRANSFER_ACTIONS = (Action.TRANSFER.value, Action.REROUTE.value)
DECIDED_STATUSES = (Status.CERTIFIED.value, Status.DENIED.value)


@dataclass
class Figures:
    """The figures of one agency (or the whole state) for one period."""

    received: int = 0
    certified: int = 0
    denied: int = 0
    withdrawn: int = 0
    pending: int = 0
    late: int = 0
    on_time: int = 0
    transfers: int = 0
    denied_by_reason: dict[str, int] = field(default_factory=dict)
    # Requests received, by who petitions (8 CFR 214.14(a)(14), (b)(2)-(3)).
    received_by_petitioner: dict[str, int] = field(default_factory=dict)
    median_days: float | None = None
    p90_days: float | None = None

    @property
    def decided(self) -> int:
        return self.certified + self.denied

    @property
    def share_on_time(self) -> float | None:
        """Share of decisions made within the deadline, as a percentage (None if none)."""
        if not self.decided:
            return None
        return round(100 * self.on_time / self.decided, 1)

    @property
    def certified_share(self) -> float | None:
        if not self.decided:
            return None
        return round(100 * self.certified / self.decided, 1)

    def petitioner_rows(self) -> list[tuple[str, str, int]]:
        return [
            (kind.value, kind.label, self.received_by_petitioner.get(kind.value, 0))
            for kind in PetitionerKind
        ]

    def denial_rows(self) -> list[tuple[str, str, int]]:
        return [
            (reason.value, reason.label, self.denied_by_reason.get(reason.value, 0))
            for reason in DenialReason
        ]


@dataclass
class AgencyFigures:
    # None only when read back from a snapshot whose agency has since been deleted.
    agency: Agency | None
    figures: Figures
    name: str = ""

    def __post_init__(self) -> None:
        if not self.name and self.agency is not None:
            self.name = self.agency.name


@dataclass
class MonthFigures:
    month: datetime.date
    received: int = 0
    certified: int = 0
    denied: int = 0
    withdrawn: int = 0


@dataclass
class Report:
    start: datetime.date
    end: datetime.date
    agencies: list[AgencyFigures]
    statewide: Figures
    months: list[MonthFigures]


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last twelve months: the twelve months ending today, from the same date a year ago
    through today, both included. The one definition the queue's figures, the statistics pages
    and the beat's snapshot share. A 29 February counts from 28 February a year before."""
    today = today or timezone.localdate()
    try:
        start = today.replace(year=today.year - 1)
    except ValueError:
        start = today.replace(year=today.year - 1, day=28)
    return start, today


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the current time zone (TIME_ZONE), as an aware value."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _in_period(field_name: str, start: datetime.date, end: datetime.date) -> Q:
    """`field` falls on a local calendar day from `start` to `end`, both included.

    Why a half-open range on the datetime rather than `field__date__gte/lte`: the `__date`
    form converts every row to a local date first (`(field AT TIME ZONE ...)::date`), which
    PostgreSQL cannot answer from an index on the column. Midnight of `start` and of the day
    after `end` in TIME_ZONE select exactly the same rows.
    """
    return Q(
        **{
            f"{field_name}__gte": _day_start(start),
            f"{field_name}__lt": _day_start(end + datetime.timedelta(days=1)),
        }
    )


def _count_annotations(start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """The conditional counts, one SQL aggregate each (COUNT ... FILTER / CASE on SQLite)."""
    decided = Q(status__in=DECIDED_STATUSES) & _in_period("decided_at", start, end)
    after_end = _day_start(end + datetime.timedelta(days=1))
    pending = Q(submitted_at__lt=after_end) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=after_end)
    )
    late = Q(deadline_source__in=sorted(BINDING_SOURCES), decided_at__date__gt=F("due_date"))
    annotations: dict[str, Any] = {
        "received": Count("id", filter=_in_period("submitted_at", start, end)),
        "certified": Count("id", filter=decided & Q(status=Status.CERTIFIED)),
        "denied": Count("id", filter=decided & Q(status=Status.DENIED)),
        "withdrawn": Count(
            "id", filter=Q(status=Status.WITHDRAWN) & _in_period("closed_at", start, end)
        ),
        "pending": Count("id", filter=pending),
        # Late only against a deadline that binds the agency: the statute's (Minn. Stat. 611A.95
        # subd. 2, covered agencies) or its own published policy. A requested date binds
        # nobody, so a decision after it is not late; "on time" is every other decision, so
        # late + on time = certified + denied (`suppression`).
        "late": Count("id", filter=decided & late),
        "on_time": Count("id", filter=decided & ~late),
    }
    for kind in PetitionerKind:
        annotations[f"received_petitioner_{kind.value}"] = Count(
            "id", filter=_in_period("submitted_at", start, end) & Q(petitioner_kind=kind.value)
        )
    for reason in DenialReason:
        annotations[f"denied_{reason.value}"] = Count(
            "id", filter=decided & Q(status=Status.DENIED, denial_reason=reason.value)
        )
    return annotations


def _submitted() -> QuerySet[CertificationRequest]:
    # Drafts were never sent to anybody: they are no agency's figures.
    return CertificationRequest.objects.exclude(status=Status.DRAFT).exclude(
        submitted_at__isnull=True
    )


def _figures_from_row(row: dict[str, Any]) -> Figures:
    return Figures(
        received=row.get("received", 0),
        certified=row.get("certified", 0),
        denied=row.get("denied", 0),
        withdrawn=row.get("withdrawn", 0),
        pending=row.get("pending", 0),
        late=row.get("late", 0),
        on_time=row.get("on_time", 0),
        denied_by_reason={
            reason.value: row.get(f"denied_{reason.value}", 0) for reason in DenialReason
        },
        received_by_petitioner={
            kind.value: row.get(f"received_petitioner_{kind.value}", 0) for kind in PetitionerKind
        },
    )


def _percentiles(
    start: datetime.date, end: datetime.date, agency_ids: list[int] | None
) -> dict[int | None, tuple[float | None, float | None]]:
    """Median and 90th percentile of days to decision per agency, and statewide (key None).

    Why window functions: PostgreSQL has percentile_cont but SQLite has no percentile
    aggregate, and loading every decided row to sort it in Python would grow with the data.
    ROW_NUMBER() and COUNT() OVER (PARTITION BY agency ORDER BY days) run on both databases
    (SQLite >= 3.25), and the filter on those window values (Django wraps the query and
    filters outside, i.e. QUALIFY) returns at most three rows per agency: the two middle ranks
    (the median is their mean) and the nearest-rank 90th percentile, ceil(0.9 n).
    Two queries, one partitioned by agency and one statewide, whatever the data size.
    """
    days = ExpressionWrapper(
        F("decided_at__date") - F("submitted_at__date"), output_field=DurationField()
    )
    decided = _submitted().filter(
        Q(status__in=DECIDED_STATUSES) & _in_period("decided_at", start, end)
    )
    if agency_ids is not None:
        decided = decided.filter(agency_id__in=agency_ids)
    result: dict[int | None, tuple[float | None, float | None]] = {}
    for partition in (True, False):
        window_args: dict[str, Any] = {"partition_by": [F("agency_id")]} if partition else {}
        qs = (
            decided.annotate(days=days)
            .annotate(
                rank=Window(RowNumber(), order_by=[F("days").asc(), F("id").asc()], **window_args),
                n=Window(Count("id"), **window_args),
            )
            .values_list("agency_id", "days", "rank", "n")
            .order_by()
        )
        # Ranks wanted, with n the number of decisions: (n+1)//2, n//2+1 and ceil(0.9 n). The
        # 90th-percentile rank is computed in integers: ceil(9n/10) = (9n + 9) // 10.
        rows = qs.filter(
            Q(rank=(F("n") + 1) / 2) | Q(rank=F("n") / 2 + 1) | Q(rank=(F("n") * 9 + 9) / 10)
        )
        picked: dict[int | None, dict[int, float]] = {}
        counts: dict[int | None, int] = {}
        for agency_id, delta, rank, n in rows:
            key = agency_id if partition else None
            picked.setdefault(key, {})[rank] = _as_days(delta)
            counts[key] = n
        for key, by_rank in picked.items():
            n = counts[key]
            median = (by_rank[(n + 1) // 2] + by_rank[n // 2 + 1]) / 2
            result[key] = (median, by_rank[(9 * n + 9) // 10])
    return result


def _as_days(value: Any) -> float:
    if isinstance(value, datetime.timedelta):
        return value.total_seconds() / 86400
    # SQLite returns the duration in microseconds when the backend cannot convert it.
    return float(value) / 86_400_000_000


def _transfers(
    start: datetime.date, end: datetime.date, agency_ids: list[int] | None
) -> dict[int | None, int]:
    qs = RequestEvent.objects.filter(
        Q(action__in=TRANSFER_ACTIONS) & _in_period("created_at", start, end)
    )
    if agency_ids is not None:
        qs = qs.filter(request__agency_id__in=agency_ids)
    rows = qs.values("request__agency_id").annotate(n=Count("id")).order_by()
    return {row["request__agency_id"]: row["n"] for row in rows}


def _months(start: datetime.date, end: datetime.date) -> list[MonthFigures]:
    """Statewide trend per calendar month: three GROUP BY month queries."""
    base = _submitted()
    by_month: dict[datetime.date, MonthFigures] = {}
    month = start.replace(day=1)
    while month <= end:
        by_month[month] = MonthFigures(month=month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)

    def merge(qs: QuerySet, field_name: str, target: str | None = None) -> None:
        for row in (
            qs.annotate(month=TruncMonth(field_name))
            .values("month", "status")
            .annotate(n=Count("id"))
            .order_by()
        ):
            key = row["month"]
            if isinstance(key, datetime.datetime):
                key = key.date()
            if key not in by_month:
                continue
            attr = target or row["status"]
            setattr(by_month[key], attr, getattr(by_month[key], attr) + row["n"])

    merge(base.filter(_in_period("submitted_at", start, end)), "submitted_at", target="received")
    merge(
        base.filter(Q(status__in=DECIDED_STATUSES) & _in_period("decided_at", start, end)),
        "decided_at",
    )
    merge(
        base.filter(Q(status=Status.WITHDRAWN) & _in_period("closed_at", start, end)),
        "closed_at",
    )
    return list(by_month.values())


def agency_figures(*, agency: Agency, start: datetime.date, end: datetime.date) -> Figures:
    """One agency's figures for the period (the agency queue page shows them)."""
    row = _submitted().filter(agency=agency).aggregate(**_count_annotations(start, end))
    figures = _figures_from_row(row)
    figures.transfers = _transfers(start, end, [agency.pk]).get(agency.pk, 0)
    figures.median_days, figures.p90_days = _percentiles(start, end, [agency.pk]).get(
        agency.pk, (None, None)
    )
    return figures


def statistics_report(
    *, start: datetime.date, end: datetime.date, include_months: bool = True
) -> Report:
    """Figures of every active agency (and any agency that holds requests) and the state.

    A fixed number of queries whatever the number of agencies or requests: agencies, one
    grouped aggregate, transfers, two percentile queries and three monthly queries.
    """
    rows = {
        row["agency_id"]: row
        for row in _submitted()
        .values("agency_id")
        .annotate(**_count_annotations(start, end))
        .order_by()
    }
    agencies = list(
        Agency.objects.filter(Q(is_active=True) | Q(pk__in=[k for k in rows if k]))
        .prefetch_related("contacts")
        .order_by("name")
    )
    transfers = _transfers(start, end, None)
    percentiles = _percentiles(start, end, None)
    result: list[AgencyFigures] = []
    statewide = Figures(
        denied_by_reason={reason.value: 0 for reason in DenialReason},
        received_by_petitioner={kind.value: 0 for kind in PetitionerKind},
    )
    for agency in agencies:
        figures = _figures_from_row(rows.get(agency.pk, {}))
        figures.transfers = transfers.get(agency.pk, 0)
        figures.median_days, figures.p90_days = percentiles.get(agency.pk, (None, None))
        result.append(AgencyFigures(agency=agency, figures=figures))
    # Statewide = the sum over every agency row (including requests not routed to anybody).
    for row in rows.values():
        part = _figures_from_row(row)
        for name in ("received", "certified", "denied", "withdrawn", "pending", "late", "on_time"):
            setattr(statewide, name, getattr(statewide, name) + getattr(part, name))
        for key, value in part.denied_by_reason.items():
            statewide.denied_by_reason[key] += value
        for key, value in part.received_by_petitioner.items():
            statewide.received_by_petitioner[key] += value
    statewide.transfers = sum(transfers.values())
    statewide.median_days, statewide.p90_days = percentiles.get(None, (None, None))
    months = _months(start, end) if include_months else []
    return Report(start=start, end=end, agencies=result, statewide=statewide, months=months)
