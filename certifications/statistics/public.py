"""The public form of a report: every count as a cell, small counts suppressed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext

from agencies.models import Agency

from ..choices import DenialReason
from .figures import Figures, Report
from .suppression import PRIMARY, SECONDARY, Group, suppress_cells

DENIAL_COLUMNS = [f"denied_{reason.value}" for reason in DenialReason]


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


# The displays are stored in the snapshot in English (language-neutral codes for the page):
# display_localized shows them in the reader's language, numbers formatted by Django.
NOT_SHOWN = "not shown"
NONE_DECIDED = "none decided"
FEWER_THAN = "fewer than "


def display_localized(text: str) -> str:
    """A stored display ("fewer than 5", "not shown", "none decided", "12.5%", "4") in the
    active language."""
    if text == NOT_SHOWN:
        return gettext("not shown")
    if text == NONE_DECIDED:
        return gettext("none decided")
    if text.startswith(FEWER_THAN):
        return gettext("fewer than %(threshold)s") % {"threshold": text.removeprefix(FEWER_THAN)}
    number = text.removesuffix("%")
    try:
        value = int(number) if number.isdigit() else float(number)
    except ValueError:
        return text
    return number_format(value) + text[len(number) :]


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
