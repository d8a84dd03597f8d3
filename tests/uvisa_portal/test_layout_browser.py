"""Every page of every role fits the window at 1280 and at 390 px, and axe-core passes on each.

WCAG 2.1 success criterion 1.4.10 (Reflow): content must be usable at 320 CSS px wide without
scrolling in two directions, so no page may be wider than the window. Each role signs in
through the real login, follows every link its menu offers (read from the page, so a new menu
item is walked too), then the pages a menu does not list: a request page, the agency's review
page and each step of a draft. The seeded texts carry one 120-character word (a narrative, a
city, an agency's and an organization's name, an e-mail) so wrapping is really exercised.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from certifications.choices import Status
from certifications.forms.intake import STEPS
from tests.browser import AccessibilityError
from tests.factories import AgencyFactory, UserFactory, make_request, make_submitted_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
LONG_WORD = "Unbrokenword" * 10  # 120 characters, no place a browser may break it by itself
# Fields that hold at most 80 characters (a city, and the family name beside it) get the
# longest word they accept.
SHORT_LONG_WORD = LONG_WORD[:80]
# Pages a menu links to that are not the portal's own layout (Django's admin has its own
# responsive styles; allauth's sign-out is a POST, not a page).
NOT_WALKED = ("/admin/", "#")

# Tells the widest element sticking out past the window: the test reports it, so a failure
# names what to fix rather than only "the page is too wide".
_OVERFLOW_JS = """() => {
  const limit = window.innerWidth;
  const page = document.documentElement.scrollWidth;
  if (page <= limit) return null;
  // How far right an element reaches: its box, or its content when that spills out of it
  // (a long word overflows the text's box without widening it).
  const reach = el => {
    const box = el.getBoundingClientRect();
    const spills = getComputedStyle(el).overflowX === 'visible' ? el.scrollWidth : 0;
    return box.left + Math.max(box.width, spills);
  };
  const scrollsInside = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const out = [...document.body.querySelectorAll('*')].filter(
    el => el.getClientRects().length && reach(el) > limit + 0.5 && !scrollsInside(el));
  // The innermost offender: the one none of whose children sticks out too.
  const outSet = new Set(out);
  // Else something positioned inside a scrolling box escapes it (absolute positioning is
  // clipped only by a positioned scroller).
  const leaf = out.find(el => ![...el.children].some(c => outSet.has(c))) || out[0] ||
    [...document.body.querySelectorAll('*')].find(
      el => getComputedStyle(el).position === 'absolute' && reach(el) > limit + 0.5);
  let name = '?';
  if (leaf) {
    name = leaf.tagName.toLowerCase() + (leaf.id ? '#' + leaf.id : '') +
      (typeof leaf.className === 'string' && leaf.className.trim()
        ? '.' + leaf.className.trim().split(/\\s+/).join('.') : '') +
      ' "' + (leaf.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60) + '"';
  }
  return {scrollWidth: page, innerWidth: limit, widest: name};
}"""


def _menu_paths(portal) -> list[str]:
    """The portal's own pages the navigation bar links to (dropdown items included)."""
    hrefs = portal.page.eval_on_selector_all(
        "header nav a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    paths = []
    for href in hrefs:
        path = urlsplit(href).path if href != "#" else "#"
        if path.startswith(NOT_WALKED) or path == "#" or path in paths:
            continue
        paths.append(path)
    return paths


def _walk(portal, paths: list[str]) -> list[str]:
    """Visit each page at 1280 px (axe-core runs on it), then narrow the same page to 390 px:
    the layout reflows without a reload, which keeps the walk of ~40 pages near a minute."""
    problems = []
    for path in paths:
        portal.page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        try:
            response = portal.goto(path)
        except AccessibilityError as error:
            problems.append(f"{path} at {WIDTHS[0]} px: {error}")
            response = None
        assert response is not None or problems
        if response is None:
            continue
        assert response.status == 200, f"{path} answered {response.status}"
        for width in WIDTHS:
            if width != WIDTHS[0]:
                portal.page.set_viewport_size({"width": width, "height": 844})
            overflow = portal.page.evaluate(_OVERFLOW_JS)
            if overflow:
                problems.append(
                    f"{path} at {width} px is {overflow['scrollWidth']} px wide "
                    f"(window {overflow['innerWidth']}); widest: {overflow['widest']}"
                )
    return problems


def _menu_fits_one_line(portal) -> str | None:
    """At 1280 px the expanded menu is one row: every item's top is the first item's top."""
    portal.page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    tops = portal.page.eval_on_selector_all(
        "header nav .navbar-nav > .nav-item",
        "items => items.map(li => Math.round(li.getBoundingClientRect().top))",
    )
    if len(set(tops)) > 1:
        return f"{portal.page.url}: the menu wraps onto {len(set(tops))} lines at 1280 px"
    return None


@pytest.fixture
def long_texts(personas):
    """Names and texts with a 120-character word in every place a user can type one."""
    personas.agency_x.name = f"Agency X {LONG_WORD} Police"
    personas.agency_x.save(update_fields=["name"])
    personas.org_a.name = f"Organization A {LONG_WORD}"
    personas.org_a.save(update_fields=["name"])
    AgencyFactory(
        name=f"Agency {LONG_WORD} Sheriff",
        city_name=SHORT_LONG_WORD,
        public_email=f"{LONG_WORD.lower()}@example.org",
    )
    UserFactory(
        email=f"{LONG_WORD.lower()}@example.org",
        full_name=f"Advocate {LONG_WORD}",
        organization=personas.org_a,
    )
    texts = {
        "narrative": f"The victim said {LONG_WORD} twice.",
        "helpfulness": f"Testified about {LONG_WORD}.",
        "crime_city": SHORT_LONG_WORD,
        "victim_family_name": SHORT_LONG_WORD,
    }
    submitted = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        assigned_contact=personas.contact_x.point_of_contact,
        status=Status.IN_REVIEW,
        actor=personas.contact_x,
        **texts,
    )
    draft = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        requested_agency=personas.agency_x,
        **texts,
    )
    return submitted, draft


def test_every_page_of_every_role_fits_at_1280_and_390(portal, personas, long_texts):
    submitted, draft = long_texts
    detail = reverse("certifications:detail", args=[submitted.pk])
    extra = {
        personas.advocate_a: [
            detail,
            *(reverse("certifications:edit", args=[draft.pk, slug]) for slug, _ in STEPS),
        ],
        personas.contact_x: [detail, reverse("certifications:review", args=[submitted.pk])],
        personas.coordinator: [],
        personas.admin: [],
    }
    problems: list[str] = []
    walked: dict[str, list[str]] = {}

    portal.goto(reverse("home"))
    public = _menu_paths(portal)
    problems += _walk(portal, [reverse("home"), *public])
    walked["public"] = public

    for user, pages in extra.items():
        portal.page.context.clear_cookies()
        portal.page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        portal.login(user.email)
        menu = _menu_paths(portal)
        assert len(menu) >= 4, f"{user.email}: only {menu} in the menu"
        if wrapped := _menu_fits_one_line(portal):
            problems.append(wrapped)
        problems += _walk(portal, [*menu, *pages])
        walked[user.email] = menu

    assert not problems, "Pages wider than the window or failing axe-core:\n" + "\n".join(problems)
    # The walk reached what the roles' menus promise (tests/role_pages.py).
    assert reverse("certifications:queue") in walked[personas.contact_x.email]
    assert reverse("certifications:coordinator") in walked[personas.coordinator.email]
    assert reverse("accounts:audit_list") in walked[personas.admin.email]
    assert reverse("statistics:public") in walked["public"]
