"""Previous / "Page X of Y" / next links of a list (every paginated list of the portal).

Why Python and not an included template: the include, its five lookups and two
`{% querystring %}` tags cost 0.1 ms of every list page (measured in-process, issue 10). The
links are Django's own `querystring` (the page's other query parameters kept), the markup is
what the included template wrote, and every value is escaped.
"""

from __future__ import annotations

from django import template
from django.core.paginator import Page
from django.template.defaulttags import querystring
from django.utils.safestring import SafeString, mark_safe

from uvisa_portal.html import text

register = template.Library()


@register.simple_tag(takes_context=True)
def page_links(
    context,
    page: Page,
    label: str,
    *,
    small: bool = False,
    previous: str = "Previous",
    next: str = "Next",  # noqa: A002 - the link's name on the page
) -> SafeString:
    """`page`'s links, or nothing when the list fits on one page. `label`: what the pages are
    of, for screen readers; `small`: the compact size; `previous` and `next`: link texts."""
    if not page.has_other_pages():
        return mark_safe("")  # noqa: S308 - empty

    def link(number: int, name: str) -> str:
        href = text(querystring(context, page=number))
        return f'<li class="page-item"><a class="page-link" href="{href}">{text(name)}</a></li>'

    items = []
    if page.has_previous():
        items.append(link(page.previous_page_number(), previous))
    items.append(
        '<li class="page-item active" aria-current="page"><span class="page-link">'
        f"Page {page.number} of {page.paginator.num_pages}</span></li>"
    )
    if page.has_next():
        items.append(link(page.next_page_number(), next))
    size = " pagination-sm" if small else ""
    html = (
        f'<nav aria-label="{text(label)}">\n  <ul class="pagination{size}">\n    '
        + "\n    ".join(items)
        + "\n  </ul>\n</nav>"
    )
    return mark_safe(html)  # noqa: S308 - every value escaped above
