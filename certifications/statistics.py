"""Transparency figures: who certifies, how often and how fast, per agency and statewide.

Everything here is aggregated in the database; no function loops over request rows in Python
(the loops below run over agencies, months or a handful of percentile rows). No victim data is
read: only status, dates, agency, denial-reason category and transfer events.

Definitions (the same ones the pages, the CSV and the annual report print):
- received: submitted (to the portal) during the period;
- certified / denied: decided during the period (`decided_at`), denied split by reason category;
- withdrawn: withdrawn during the period (`closed_at`);
- pending: submitted on or before the last day of the period and not closed by its end;
- decided late: decided (certified or denied) during the period after its due date (the
  earliest of Minn. Stat. 611A.95's 90/14 days and the agency's own stricter policy);
- days to decision: calendar days from submission to decision, decided during the period;
- transfers: transfer and re-route events during the period on requests now at the agency
  (a transferred request counts at the agency that holds it now: that is who must answer).
Dates are local calendar dates (TIME_ZONE), periods are inclusive.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone

from agencies.models import Agency

from .choices import Action, DenialReason, Status
from .models import CertificationRequest, RequestEvent

TRANSFER_ACTIONS = (Action.TRANSFER.value, Action.REROUTE.value)
DECIDED_STATUSES = (Status.CERTIFIED.value, Status.DENIED.value)

# The additive columns (cells that sum across agencies to the statewide total).
COUNT_COLUMNS = ["received", "certified", "denied", "withdrawn", "pending", "late", "transfers"]
DENIAL_COLUMNS = [f"denied_{reason.value}" for reason in DenialReason]


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
    """The last twelve calendar months, this month included (the pages' and the beat's)."""
    today = today or timezone.localdate()
    month = today.month - 11
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return datetime.date(year, month, 1), today


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
    annotations: dict[str, Any] = {
        "received": Count("id", filter=_in_period("submitted_at", start, end)),
        "certified": Count("id", filter=decided & Q(status=Status.CERTIFIED)),
        "denied": Count("id", filter=decided & Q(status=Status.DENIED)),
        "withdrawn": Count(
            "id", filter=Q(status=Status.WITHDRAWN) & _in_period("closed_at", start, end)
        ),
        "pending": Count("id", filter=pending),
        # Minn. Stat. 611A.95 subd. 2: an answer after the due date is late.
        "late": Count("id", filter=decided & Q(decided_at__date__gt=F("due_date"))),
        "on_time": Count("id", filter=decided & Q(decided_at__date__lte=F("due_date"))),
    }
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
    statewide = Figures(denied_by_reason={reason.value: 0 for reason in DenialReason})
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
    statewide.transfers = sum(transfers.values())
    statewide.median_days, statewide.p90_days = percentiles.get(None, (None, None))
    months = _months(start, end) if include_months else []
    return Report(start=start, end=end, agencies=result, statewide=statewide, months=months)


# --- Small-count suppression for the public page ---------------------------------------------
#
# Why: a public "1 denial at the Example County Sheriff for 'not helpful'" can identify a victim
# in a small county. Rule (the usual statistical-disclosure practice, e.g. CDC/CMS cell
# suppression):
# 1. Primary: every count from 1 to STATS_SUPPRESS_BELOW - 1 is shown as "fewer than N".
#    Zero is shown: it identifies nobody.
# 2. Complementary: wherever cells are tied by a sum that the page also shows, a suppressed cell
#    must never be the only unknown of the sum, or subtraction reveals it. The tied groups are:
#    each column across all agencies plus the statewide total; the denial reasons with the
#    denied total; late + on time = certified + denied (the on-time count is never printed but
#    follows from the others); received against certified, denied, withdrawn and pending (equal
#    when the period covers all history); and each monthly series with its period total.
#    A relation that exposes a hidden cell (a lone hidden cell, or hidden cells that the
#    remainder pins down: two "fewer than 5" under a remainder of 2 are both 1) gets its
#    smallest other cell suppressed too ("not shown"); this repeats until no relation exposes
#    one. Zeros are hidden only when nothing else is left.
# 3. Derived figures follow their counts: the share on time only when late and on-time are both
#    shown; median and 90th percentile only when at least N decisions stand behind them.

PRIMARY = "primary"
SECONDARY = "secondary"


Group = tuple[list[Any], list[Any]]  # (parts, totals): sum(parts) == sum(totals)


def _group_exposes(
    parts: list[Any], totals: list[Any], values: dict[Any, int], hidden: dict[Any, str], n: int
) -> bool:
    """True if the shown cells of this relation pin down a hidden one.

    Hidden cells are intervals: "fewer than n" is 1..n-1 (zeros are shown), "not shown" is
    0..infinity. With every total shown, the hidden parts must add up to the remainder; a
    hidden part whose interval narrows to one value under that constraint is exposed.
    """
    unknown = [k for k in parts + totals if k in hidden]
    if not unknown:
        return False
    if len(unknown) == 1:
        return True
    if any(k in hidden for k in totals):
        return False  # two or more unknowns, one of them an unbounded total
    remainder = sum(values[k] for k in totals) - sum(values[k] for k in parts if k not in hidden)
    inf = float("inf")
    bounds = [(1, n - 1) if hidden[k] == PRIMARY else (0, inf) for k in unknown]
    # The other cells' bounds are the sums over all unknowns less the cell's own, summed once
    # rather than per cell (a column of a thousand agencies can hold hundreds of unknowns).
    sum_lo = sum(lo for lo, _ in bounds)
    unbounded = sum(1 for _, hi in bounds if hi == inf)
    sum_hi_bounded = sum(hi for _, hi in bounds if hi != inf)
    for lo, hi in bounds:
        if lo == hi:
            continue  # already known from its label alone (n = 2); nothing more to protect
        others_lo = sum_lo - lo
        if hi == inf:
            others_hi = inf if unbounded > 1 else sum_hi_bounded
        else:
            others_hi = inf if unbounded else sum_hi_bounded - hi
        if max(lo, remainder - others_hi) >= min(hi, remainder - others_lo):
            return True
    return False


def suppress_cells(values: dict[Any, int], groups: list[Group], threshold: int) -> dict[Any, str]:
    """Which cells to hide: {key: PRIMARY | SECONDARY}. See the rule above.

    Each relation is checked on its own (not a full linear-programming audit across
    relations); the loop repeats until no relation exposes a hidden cell.
    """
    hidden: dict[Any, str] = {k: PRIMARY for k, v in values.items() if 0 < v < threshold}
    # Whether a relation exposes a cell depends only on which of its cells are hidden. A
    # relation found safe stays safe until one of its cells is hidden, so each pass skips the
    # relations none of whose cells changed since they were last checked: the passes visit
    # the remaining relations in the same order and pick the same cells as checking them all,
    # without rescanning a thousand-agency column for every cell hidden elsewhere.
    groups_of: dict[Any, list[int]] = {}
    for index, (parts, totals) in enumerate(groups):
        for key in parts + totals:
            groups_of.setdefault(key, []).append(index)
    dirty = [True] * len(groups)
    changed = True
    while changed:
        changed = False
        for index, (parts, totals) in enumerate(groups):
            if not dirty[index]:
                continue
            dirty[index] = False
            if not _group_exposes(parts, totals, values, hidden, threshold):
                continue
            candidates = [k for k in parts + totals if k not in hidden]
            if not candidates:
                continue
            # The smallest positive cell loses least information; a zero only if nothing else.
            pick = min(candidates, key=lambda k: (values[k] == 0, values[k]))
            hidden[pick] = SECONDARY
            for other in groups_of[pick]:
                dirty[other] = True
            changed = True
    return hidden


@dataclass
class Cell:
    value: int | None
    display: str
    hidden: bool = False


@dataclass
class PublicRow:
    agency: Agency | None
    cells: dict[str, Cell]
    denial_cells: list[tuple[str, Cell]]
    share_on_time: str
    median_days: str
    p90_days: str
    name: str = ""

    def __post_init__(self) -> None:
        if not self.name and self.agency is not None:
            self.name = self.agency.name


@dataclass
class PublicMonth:
    month: datetime.date
    cells: dict[str, Cell]


@dataclass
class PublicReport:
    start: datetime.date
    end: datetime.date
    threshold: int
    rows: list[PublicRow]
    statewide: PublicRow
    months: list[PublicMonth]
    any_hidden: bool
    # Read back from a snapshot, `rows` is one page of agencies: whether the chart of all of
    # them has anything to draw was decided when the snapshot was computed.
    all_agencies_charted: bool | None = None

    @property
    def months_charted(self) -> bool:
        """False when every monthly count is hidden or zero: an empty chart says nothing."""
        return any(c.value for m in self.months for c in m.cells.values())

    @property
    def agencies_charted(self) -> bool:
        if self.all_agencies_charted is not None:
            return self.all_agencies_charted
        columns = ("certified", "denied", "withdrawn", "pending")
        return any(r.cells[c].value for r in self.rows for c in columns)


ROW_COLUMNS = ["received", "certified", "denied", "withdrawn", "pending", "late", "transfers"]
MONTH_COLUMNS = ["received", "certified", "denied", "withdrawn"]


def _fmt_days(value: float | None) -> str:
    if value is None:
        return "none decided"
    return f"{value:g}"


def public_report(report: Report, *, threshold: int | None = None) -> PublicReport:
    """The report with small counts suppressed (primary and complementary)."""
    n = settings.STATS_SUPPRESS_BELOW if threshold is None else threshold
    keyed: list[tuple[Any, Figures]] = [(a.agency.pk, a.figures) for a in report.agencies]
    keyed.append(("state", report.statewide))
    row_fields = [*ROW_COLUMNS, "on_time", *DENIAL_COLUMNS]
    values: dict[Any, int] = {}
    for key, fig in keyed:
        for name in ROW_COLUMNS + ["on_time"]:
            values[(key, name)] = getattr(fig, name)
        for reason, count in fig.denied_by_reason.items():
            values[(key, f"denied_{reason}")] = count
    for month in report.months:
        for name in MONTH_COLUMNS:
            values[(month.month, name)] = getattr(month, name)
    groups: list[Group] = []
    agency_keys = [key for key, _ in keyed if key != "state"]
    for name in row_fields:
        groups.append(([(key, name) for key in agency_keys], [("state", name)]))
    for key, _ in keyed:
        groups.append(([(key, c) for c in DENIAL_COLUMNS], [(key, "denied")]))
        groups.append(([(key, "late"), (key, "on_time")], [(key, "certified"), (key, "denied")]))
        # Equal only when the period covers all history; protected anyway.
        groups.append(
            (
                [(key, c) for c in ("certified", "denied", "withdrawn", "pending")],
                [(key, "received")],
            )
        )
    for name in MONTH_COLUMNS:
        groups.append(([(m.month, name) for m in report.months], [("state", name)]))
    hidden = suppress_cells(values, groups, n)

    def cell(key: Any) -> Cell:
        value = values[key]
        if hidden.get(key) == PRIMARY:
            return Cell(value=None, display=f"fewer than {n}", hidden=True)
        if hidden.get(key) == SECONDARY:
            return Cell(value=None, display="not shown", hidden=True)
        return Cell(value=value, display=str(value))

    def row(key: Any, agency: Agency | None, fig: Figures) -> PublicRow:
        share_hidden = (key, "late") in hidden or (key, "on_time") in hidden
        if fig.share_on_time is None:
            share = "none decided"
        elif share_hidden:
            share = "not shown"
        else:
            share = f"{fig.share_on_time:g}%"
        enough = fig.decided >= n
        return PublicRow(
            agency=agency,
            cells={name: cell((key, name)) for name in ROW_COLUMNS},
            denial_cells=[(label, cell((key, f"denied_{r}"))) for r, label, _ in fig.denial_rows()],
            share_on_time=share,
            median_days=_fmt_days(fig.median_days) if enough or not fig.decided else "not shown",
            p90_days=_fmt_days(fig.p90_days) if enough or not fig.decided else "not shown",
        )

    rows = [row(a.agency.pk, a.agency, a.figures) for a in report.agencies]
    months = [
        PublicMonth(month=m.month, cells={c: cell((m.month, c)) for c in MONTH_COLUMNS})
        for m in report.months
    ]
    return PublicReport(
        start=report.start,
        end=report.end,
        threshold=n,
        rows=rows,
        statewide=row("state", None, report.statewide),
        months=months,
        any_hidden=bool(hidden),
    )


# --- Snapshots: the figures as JSON (certifications.models.StatisticsSnapshot) ----------------
#
# Plain JSON (no pickle): the rows are read by every page view and must stay readable by the
# next release of this code. Denial reasons are stored by code and labelled when read back.


def figures_to_json(figures: Figures) -> dict[str, Any]:
    return asdict(figures)


def figures_from_json(data: dict[str, Any]) -> Figures:
    return Figures(**{name: data[name] for name in Figures.__dataclass_fields__ if name in data})


def month_to_json(month: MonthFigures) -> dict[str, Any]:
    return {**asdict(month), "month": month.month.isoformat()}


def month_from_json(data: dict[str, Any]) -> MonthFigures:
    return MonthFigures(**{**data, "month": datetime.date.fromisoformat(data["month"])})


def _cell_to_json(cell: Cell) -> list[Any]:
    return [cell.value, cell.display, cell.hidden]


def _cell_from_json(data: list[Any]) -> Cell:
    value, display, hidden = data
    return Cell(value=value, display=display, hidden=hidden)


def public_row_to_json(row: PublicRow) -> dict[str, Any]:
    labels = {reason.label: reason.value for reason in DenialReason}
    return {
        "cells": {name: _cell_to_json(cell) for name, cell in row.cells.items()},
        "denials": [[labels.get(label, label), _cell_to_json(c)] for label, c in row.denial_cells],
        "share_on_time": row.share_on_time,
        "median_days": row.median_days,
        "p90_days": row.p90_days,
    }


def public_row_from_json(data: dict[str, Any], *, agency: Agency | None, name: str) -> PublicRow:
    labels = dict(DenialReason.choices)
    return PublicRow(
        agency=agency,
        name=name,
        cells={key: _cell_from_json(cell) for key, cell in data["cells"].items()},
        denial_cells=[(labels.get(code, code), _cell_from_json(c)) for code, c in data["denials"]],
        share_on_time=data["share_on_time"],
        median_days=data["median_days"],
        p90_days=data["p90_days"],
    )


def public_month_to_json(month: PublicMonth) -> dict[str, Any]:
    return {
        "month": month.month.isoformat(),
        "cells": {name: _cell_to_json(cell) for name, cell in month.cells.items()},
    }


def public_month_from_json(data: dict[str, Any]) -> PublicMonth:
    return PublicMonth(
        month=datetime.date.fromisoformat(data["month"]),
        cells={name: _cell_from_json(cell) for name, cell in data["cells"].items()},
    )
