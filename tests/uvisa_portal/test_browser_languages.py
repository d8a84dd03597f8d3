"""The language selector in Chromium: reached and used with the keyboard alone, and the public
page in each language passes axe-core at desktop and phone widths."""

from __future__ import annotations

import pytest
from django.conf import settings

from ..certifications.stats_data import PERIOD, build_known_data_set
from .test_i18n import HEADINGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUERY = f"?start={PERIOD['start']}&end={PERIOD['end']}"


def test_the_selector_works_from_the_keyboard(portal):
    portal.goto("/statistics/" + QUERY)
    page = portal.page
    page.focus("#language-menu-toggle")
    page.keyboard.press("Enter")
    page.locator("#language-menu button[lang=es]").wait_for(state="visible")
    # Bootstrap's dropdown moves through the items with the arrow keys.
    for _ in range(len(settings.LANGUAGES)):
        if page.evaluate("document.activeElement.lang") == "es":
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.lang") == "es"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    portal.check_accessibility()
    assert page.get_attribute("html", "lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text() == HEADINGS["es"]
    assert "start=" in page.url  # back on the same page, same period


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_the_public_page_in_each_language(portal, personas, language):
    build_known_data_set(personas)
    page = portal.page
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": portal.base_url}]
    )
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        portal.goto("/statistics/" + QUERY)
        assert page.get_attribute("html", "lang") == language
        assert page.get_by_role("heading", level=1).inner_text() == HEADINGS[language]
        portal.screenshot(f"public-{language}-{width}")


def test_the_sign_in_page_in_spanish(portal):
    page = portal.page
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "es", "url": portal.base_url}]
    )
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        portal.goto("/accounts/login/")
        assert page.get_attribute("html", "lang") == "es"
        assert page.get_by_label("Contraseña").count() == 1
        portal.screenshot(f"sign-in-es-{width}")
