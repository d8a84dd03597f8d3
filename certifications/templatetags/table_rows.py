"""Rows of plain-text tables prepared by a view (the statistics pages' per-agency tables).

Built in Python for the reason the request lists are (request_rows.py): 25 rows of a dozen
or more cells through the template engine cost more than the rest of the page (issue 10).
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe

from uvisa_portal.html import text as _e

register = template.Library()


@register.simple_tag
def header_rows(table: Iterable[tuple[str, Iterable[str]]]) -> SafeString:
    """One <tr> per (name, cells) pair: the name as the row's header, then one cell each."""
    html = [
        f'<tr><th scope="row">{_e(name)}</th>{"".join(f"<td>{_e(c)}</td>" for c in cells)}</tr>'
        for name, cells in table
    ]
    return mark_safe("\n    ".join(html))  # noqa: S308 - every value passed through _e
