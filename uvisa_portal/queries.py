"""Querysets built once per process.

Building a queryset (resolving its fields, joins and expressions) costs Django as much as
compiling and running a small query: 0.4 ms for a list's rows with their related names, on
every view (measured in-process on the benchmark data set, issue 10). A list page runs the
same shapes of query on every view, with only a filter value changing, so the shape is built
once and each view filters a clone of it. A clone never shares results with the queryset it
came from (Django, "When QuerySets are evaluated"), so no view sees another's rows.

Only for a shape that depends on nothing of the request or the day: no user, no date, no
setting read per view. Those filters are added by the caller, after the clone.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.db.models import QuerySet


def built_once(build: Callable[[], QuerySet]) -> Callable[[], QuerySet]:
    """`build()`'s queryset, built on the first call; every call returns a fresh clone."""
    built = functools.cache(build)

    @functools.wraps(build)
    def clone() -> QuerySet:
        return built().all()

    return clone
