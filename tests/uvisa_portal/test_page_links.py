"""`{% page_links %}`: previous, "Page X of Y" and next, keeping the page's other parameters."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template import RequestContext, Template
from django.test import RequestFactory

SOURCE = "{% load page_links %}{% page_links page label small=small previous=previous %}"


def render(query: str, number: int, **options) -> str:
    request = RequestFactory().get(f"/list/{query}")
    page = Paginator(list(range(50)), 20).get_page(number)
    context = {"page": page, "label": "Pages <of> requests", "small": False, "previous": "Previous"}
    return Template(SOURCE).render(RequestContext(request, {**context, **options}))


def test_the_middle_page_links_both_ways_and_keeps_the_search():
    html = render("?name=po lice&kind=<b>&page=2", 2)
    assert '<nav aria-label="Pages &lt;of&gt; requests">' in html
    assert '<ul class="pagination">' in html
    assert 'href="?name=po+lice&amp;kind=%3Cb%3E&amp;page=1">Previous</a>' in html
    assert 'href="?name=po+lice&amp;kind=%3Cb%3E&amp;page=3">Next</a>' in html
    assert '<span class="page-link">Page 2 of 3</span>' in html


def test_the_first_and_last_pages_link_one_way_with_the_callers_words():
    first = render("", 1, small=True)
    assert "pagination-sm" in first and ">Previous<" not in first
    assert 'href="?page=2">Next</a>' in first
    last = render("", 3, previous="Newer")
    assert 'href="?page=2">Newer</a>' in last and ">Next<" not in last


def test_a_list_on_one_page_has_no_links():
    request = RequestFactory().get("/list/")
    page = Paginator([1, 2], 20).get_page(1)
    html = Template(SOURCE).render(RequestContext(request, {"page": page, "label": "x"}))
    assert html.strip() == ""
