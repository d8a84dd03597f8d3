"""CSV cells that a spreadsheet will not run (OWASP "CSV injection").

A cell that starts with = + - @ (or a tab or carriage return) is a formula to Excel and
LibreOffice: an agency name or an audit detail typed as `=HYPERLINK(...)` would run on the
administrator's machine. Every CSV the portal writes passes its text cells through
`spreadsheet_safe`, which prefixes such a cell with an apostrophe (shown as text, not stored by
the spreadsheet); the directory import reads its own exports back with `spreadsheet_text`.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """The cell as written to a CSV: text that would start a formula gets a leading "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_text(value: str) -> str:
    """The text of a cell written by `spreadsheet_safe` (the import's reading of an export)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
