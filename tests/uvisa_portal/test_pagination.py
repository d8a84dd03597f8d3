"""`counted_page` shows what `Paginator.get_page` shows, in one query instead of two."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency
from tests.factories import AgencyFactory
from uvisa_portal.pagination import counted_page, page_number

pytestmark = pytest.mark.django_db


def _agencies(count: int) -> None:
    for i in range(count):
        AgencyFactory(name=f"Agency {i:02d}")


def _same_as_paginator(queryset, number, per_page: int, ids: bool, window: bool = False) -> None:
    expected = Paginator(
        queryset.values_list("pk", flat=True) if ids else queryset, per_page
    ).get_page(number)
    page = counted_page(queryset, number, per_page, ids=ids, window=window)
    assert list(page.object_list) == list(expected.object_list)
    assert page.number == expected.number
    assert page.paginator.count == expected.paginator.count
    assert page.paginator.num_pages == expected.paginator.num_pages
    assert (page.has_previous(), page.has_next()) == (expected.has_previous(), expected.has_next())
    assert (page.start_index(), page.end_index()) == (expected.start_index(), expected.end_index())


@pytest.mark.parametrize("window", [False, True])
@pytest.mark.parametrize("ids", [False, True])
@pytest.mark.parametrize("number", [None, "", "x", "2.5", "-1", 0, 1, 2, 3, "3", 4, 99])
def test_a_page_is_the_one_paginator_shows(number, ids, window):
    _agencies(7)
    _same_as_paginator(Agency.objects.order_by("name"), number, 3, ids, window)


@pytest.mark.parametrize("window", [False, True])
@pytest.mark.parametrize("number", [None, 1, 2])
def test_an_empty_list_has_one_empty_page(number, window):
    _same_as_paginator(Agency.objects.order_by("name"), number, 3, False, window)


@pytest.mark.parametrize("window", [False, True])
def test_a_filtered_list_is_counted_after_its_filter_not_per_page(window):
    _agencies(7)
    queryset = Agency.objects.filter(name__in=["Agency 01", "Agency 03", "Agency 05"])
    page = counted_page(queryset.order_by("name"), 2, 2, window=window)
    assert [a.name for a in page.object_list] == ["Agency 05"]
    assert page.paginator.count == 3


@pytest.mark.parametrize(("window", "counted_by"), [(True, "OVER ()"), (False, "(SELECT COUNT(*)")])
def test_the_page_and_the_size_come_in_one_query_and_a_page_past_the_end_in_three(
    window, counted_by
):
    _agencies(7)
    queryset = Agency.objects.order_by("name")
    with CaptureQueriesContext(connection) as queries:
        page = counted_page(queryset, 2, 3, window=window)
        assert page.paginator.count == 7 and page.paginator.num_pages == 3
    assert len(queries.captured_queries) == 1
    assert counted_by in queries.captured_queries[0]["sql"].upper()
    with CaptureQueriesContext(connection) as queries:
        page = counted_page(queryset, 9, 3, window=window)
    # Nothing on page 9: counted, then the last page read, as Paginator.get_page shows it.
    assert len(queries.captured_queries) == 3
    assert (page.number, [a.name for a in page.object_list]) == (3, ["Agency 06"])


def test_a_distinct_list_is_counted_apart_without_its_repeated_rows():
    """A window counts rows before DISTINCT removes repeats, so such a list takes the
    Paginator's own COUNT(DISTINCT ...) instead."""
    from tests.factories import CountyFactory

    first, second = CountyFactory(), CountyFactory()
    for i in range(3):
        AgencyFactory(name=f"Agency {i}").counties.add(first, second)
    queryset = Agency.objects.filter(counties__in=[first, second]).distinct().order_by("name")
    assert queryset.count() == 3
    _same_as_paginator(queryset, 1, 2, False, window=True)
    _same_as_paginator(queryset, 2, 2, True, window=False)


@pytest.mark.parametrize(
    ("asked", "read"),
    [(None, 1), ("", 1), ("two", 1), ("2.0", 1), (2.5, 1), (2.0, 2), ("0", 0), ("2", 2), (5, 5)],
)
def test_the_page_number_reads_what_is_not_a_whole_number_as_the_first_page(asked, read):
    assert page_number(asked) == read
