"""Mixed and right-to-left text in Chromium: what people typed cannot reverse the portal's text.

An unclosed U+202E (RIGHT-TO-LEFT OVERRIDE) reverses everything after it up to the end of its
paragraph (Unicode Standard Annex #9, rule X6), so a city "\u202eSaint Paul" once turned the
rest of its line, "· in the United States: Yes", into "seY :setatS detinU ni ·". Each typed
value is isolated (`<bdi>`, `dir="auto"`): the override ends with it (rule X6a).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.bidi_support import ARABIC, UNISOLATED_JS, VALUES, WORD_X_JS, seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _assert_isolated(portal, path: str) -> None:
    portal.goto(path)
    found = portal.page.evaluate(UNISOLATED_JS, VALUES)
    assert found == [], f"{path}: {found}"


def test_typed_text_never_reverses_the_portals_text_on_any_page(portal, personas):
    cert_request = seed(personas)
    page = portal.page
    advocate_pages = [
        reverse("home"),
        reverse("certifications:dashboard"),
        reverse("certifications:detail", args=[cert_request.pk]),
        reverse("certifications:notifications"),
        reverse("agencies:directory"),
        reverse("agencies:detail", args=[personas.agency_x.pk]),
    ]
    contact_pages = [
        reverse("certifications:queue"),
        reverse("certifications:review", args=[cert_request.pk]),
        reverse("certifications:notifications"),
    ]
    admin_pages = [reverse("agencies:health"), reverse("accounts:audit_list")]

    portal.login(personas.advocate_a.email)
    for path in advocate_pages:
        _assert_isolated(portal, path)

    # The geometric check, on the request page: the words after the city keep their order,
    # where the same line without its <bdi> elements is reversed by the override.
    portal.goto(reverse("certifications:detail", args=[cert_request.pk]))
    place = page.locator("dt:text-is('Place') + dd")
    x = place.evaluate(WORD_X_JS, ["United", "States"])
    assert x["unisolated"][0] > x["unisolated"][1], x  # the old page: "setatS detinU"
    assert x["page"][0] < x["page"][1], x
    # The message's own block runs right to left when it starts in Arabic script.
    narrative = page.locator("dt:text-is('Narrative') + dd")
    assert narrative.evaluate("el => el.matches(':dir(rtl)')")
    portal.screenshot("bidi-request-page")

    page.context.clear_cookies()
    portal.login(personas.contact_x.email)
    for path in contact_pages:
        _assert_isolated(portal, path)

    page.context.clear_cookies()
    portal.login(personas.admin.email)
    for path in admin_pages:
        _assert_isolated(portal, path)


def test_text_boxes_take_right_to_left_typing(portal, personas):
    portal.login(personas.advocate_a.email)
    portal.goto(reverse("certifications:new"))
    box = portal.page.get_by_label("Family name (last name)")
    box.fill(ARABIC)
    assert box.get_attribute("dir") == "auto"
    assert box.evaluate("el => el.matches(':dir(rtl)')")
    box.fill("Cabdi")
    assert box.evaluate("el => el.matches(':dir(ltr)')")
