"""One page of a sorted list and the list's size, read in one statement.

Django's `Paginator` counts the list in one query, then reads the page in a second: two
round trips to the database on every view of every list (issue 10 counts queries per page;
in production the database is another host, docker-compose.yml). Here the page's rows carry
the list's size, counted in the same statement one of two ways:

- `window`: `COUNT(*) OVER ()`. SQL computes a window over the filtered rows before ORDER BY
  and LIMIT (PostgreSQL manual, "Window Function Processing"; SQLite since 3.25), so it is
  the whole list's size, counted while the rows are read. The window keeps every row it
  counts, so this is for lists of at most a few thousand rows (the directory's agencies):
  0.35 ms less than Paginator's two queries there.
- otherwise a count of its own, as an uncorrelated scalar subquery, which the database runs
  once (PostgreSQL's InitPlan) on the narrowest index, as Paginator's COUNT(*) does. For
  lists of tens of thousands of rows (an organization's requests), where the window cost
  3.9 ms more than the count (26,000 requests; EXPLAIN ANALYZE on the benchmark data set).

Only a page past the end (an old link, a list that shrank) costs a second query to count
and a third to read the last page, as `Paginator.get_page` shows it.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, Func, IntegerField, QuerySet, Subquery, Window
from django.db.models.expressions import Star

_SIZE = "list_size_"


def page_number(number: str | int | None) -> int:
    """The page asked for, as `Paginator.get_page` reads it: anything not a whole number is
    the first page (a number below 1 is then shown as the last page, as past the end)."""
    if isinstance(number, float) and not number.is_integer():
        return 1
    try:
        return int(number)
    except (TypeError, ValueError):
        return 1


def _with_size(queryset: QuerySet, *, ids: bool, window: bool) -> QuerySet:
    if window:
        size = Window(Count("*"))
    else:
        # COUNT(*) as a plain function, not Django's Count aggregate, which would group the
        # subquery by the request's columns.
        count = Func(Star(), function="COUNT", output_field=IntegerField())
        size = Subquery(queryset.order_by().annotate(n=count).values("n"))
    sized = queryset.annotate(**{_SIZE: size})
    return sized.values_list("pk", _SIZE) if ids else sized


def _split(rows: list, ids: bool) -> tuple[list, int]:
    if ids:
        return [pk for pk, _size in rows], rows[0][1]
    return rows, getattr(rows[0], _SIZE)


def counted_page(
    queryset: QuerySet,
    number: str | int | None,
    per_page: int,
    *,
    ids: bool = False,
    window: bool = False,
) -> Page:
    """Page `number` of the sorted `queryset` (its model rows, or with `ids` only their ids),
    with the same numbering, last-page fallback and empty first page as
    `Paginator(queryset, per_page).get_page(number)`; `window` for short lists (above).

    A DISTINCT list is counted apart, by Paginator: a window would count its rows before
    DISTINCT drops the repeated ones."""
    if queryset.query.distinct:
        source = queryset.values_list("pk", flat=True) if ids else queryset
        page = Paginator(source, per_page).get_page(number)
        page.object_list = list(page.object_list)
        return page
    sized = _with_size(queryset, ids=ids, window=window)
    paginator = Paginator(sized, per_page)
    number = page_number(number)
    if number >= 1:
        start = (number - 1) * per_page
        rows = list(sized[start : start + per_page])
        if rows:
            object_list, paginator.count = _split(rows, ids)
            return Page(object_list, number, paginator)
    # Nothing on this page: the list is empty, or the page is out of range.
    paginator.count = 0 if number == 1 else queryset.count()
    if paginator.count == 0:
        return Page([], 1, paginator)
    last = paginator.num_pages
    rows = list(sized[(last - 1) * per_page : last * per_page])
    return Page(_split(rows, ids)[0] if rows else [], last, paginator)
