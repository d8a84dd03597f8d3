"""Escaping for markup built in Python (list rows, filter-bar selects).

Why not `format_html`: it re-checks every argument for laziness and safety, which cost more
than the rest of a list page once rows were built in Python (bench/results/latest.md, issue
10). `text` is what Django's own `escape` does underneath (the standard library's
`html.escape` with quotes), without the wrappers. Use it on every value that comes from the
database or the request; constant markup needs nothing.
"""

from __future__ import annotations

from html import escape as _escape


def text(value: object) -> str:
    """`value` as text safe inside an element or a double-quoted attribute."""
    return _escape(str(value), quote=True)


_ID_MARK = 987654321987  # no row has this id


def link_around_id(viewname: str) -> tuple[str, str]:
    """The escaped URL of `viewname` for an object, cut around its id: a list builds each
    row's link as head + id + tail, one `reverse` per list instead of one per row (`reverse`
    cost a tenth of a list page; issue 10). Honours the script prefix, as `reverse` does."""
    from django.urls import reverse

    head, tail = reverse(viewname, args=[_ID_MARK]).split(str(_ID_MARK))
    return text(head), text(tail)
