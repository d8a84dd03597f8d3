"""Snapshots: the figures as JSON (certifications.models.StatisticsSnapshot).

Plain JSON (no pickle): the rows are read by every page view and must stay readable by the
next release of this code. Denial reasons are stored by code and labelled when read back.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict
from typing import Any

from agencies.models import Agency

from ..choices import DenialReason
from .figures import Figures, MonthFigures
from .public import Cell, PublicMonth, PublicRow, display_localized


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
    return Cell(value=value, display=display_localized(display), hidden=hidden)


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
        share_on_time=display_localized(data["share_on_time"]),
        median_days=display_localized(data["median_days"]),
        p90_days=display_localized(data["p90_days"]),
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
