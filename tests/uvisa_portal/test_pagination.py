"""templates/_pagination.html: previous, "Page X of Y" and next, keeping the page's other query
parameters (or those the caller names)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import QueryDict
from django.template import RequestContext, Template
from django.test import RequestFactory

SOURCE = (
    '{% include "_pagination.html" with page_obj=page label=label small=small '
    "previous=previous next=next page_params=page_params %}"
)


def render(query: str, number: int, *, size: int = 50, **options) -> str:
    request = RequestFactory().get(f"/list/{query}")
    page = Paginator(list(range(size)), 20).get_page(number)
    context = {"page": page, "label": "Pages <of> requests", **options}
    return Template(SOURCE).render(RequestContext(request, context))


def test_the_middle_page_links_both_ways_and_keeps_the_search():
    html = render("?name=po lice&kind=<b>&page=2", 2)
    assert '<nav aria-label="Pages &lt;of&gt; requests">' in html
    assert '<ul class="pagination">' in html
    assert 'href="?name=po+lice&amp;kind=%3Cb%3E&amp;page=1">Previous</a>' in html
    assert 'href="?name=po+lice&amp;kind=%3Cb%3E&amp;page=3">Next</a>' in html
    assert '<span class="page-link">Page 2 of 3</span>' in html


def test_the_first_page_links_only_forward():
    first = render("", 1, small=True)
    assert "pagination-sm" in first
    assert ">Previous<" not in first
    assert 'href="?page=2">Next</a>' in first
    assert "Page 1 of 3" in first


def test_the_last_page_links_only_back_with_the_callers_words():
    last = render("?page=3", 3, previous="Newer", next="Older")
    assert 'href="?page=2">Newer</a>' in last
    assert ">Older<" not in last and ">Next<" not in last
    assert "Page 3 of 3" in last


def test_a_page_past_the_end_shows_the_last_page():
    html = render("?page=99", 99)
    assert "Page 3 of 3" in html
    assert 'href="?page=2">Previous</a>' in html


def test_a_list_on_one_page_has_no_links():
    assert render("?page=1", 1, size=2).strip() == ""
    assert render("", 1, size=0).strip() == ""


def test_the_links_keep_the_parameters_the_caller_names_instead_of_the_pages_own():
    params = QueryDict(mutable=True)
    params["start"] = "2026-01-01"
    params["agency"] = "<x>"
    html = render("?page=2&utm=1", 2, page_params=params)
    assert 'href="?start=2026-01-01&amp;agency=%3Cx%3E&amp;page=1">Previous</a>' in html
    assert 'href="?start=2026-01-01&amp;agency=%3Cx%3E&amp;page=3">Next</a>' in html
    assert "utm" not in html
