"""Querysets built once per process.

Building a queryset (resolving its fields, joins and expressions) costs Django as much as
compiling and running a small query: 0.4 ms for a list's rows with their related names, on
every view (measured in-process on the benchmark data set, issue 10). A list page runs the
same shapes of query on every view, with only a filter value changing, so the shape is built
once and each view filters a clone of it. A clone never shares results with the queryset it
came from (Django, "When QuerySets are evaluated"), so no view sees another's rows.

Only for a shape that depends on nothing of the request: no user, no setting read per view.
Those filters are added by the caller, after the clone. A shape that depends on the day (an
order or a count relative to today) is built once a day: `built_once_a_day`.
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


def built_once_a_day(build: Callable[..., QuerySet]) -> Callable[..., QuerySet]:
    """`build(today, *more)`'s queryset, built on the first call with those arguments; every
    call returns a fresh clone. Two are kept: today's, and yesterday's for the views that
    began before midnight."""
    built = functools.lru_cache(maxsize=2)(build)

    @functools.wraps(build)
    def clone(*arguments) -> QuerySet:
        return built(*arguments).all()

    return clone
