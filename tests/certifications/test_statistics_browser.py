"""The public page and the coordinator's statistics page in real Chromium: charts render."""

from __future__ import annotations

import pytest

from .stats_data import END, START, build_known_data_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUERY = f"?start={START.isoformat()}&end={END.isoformat()}"


def _charts_rendered(page) -> list[int]:
    """Natural widths of the chart images: 0 means the SVG failed to load or decode."""
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('img.stats-chart')).every(i => i.complete)"
    )
    return page.eval_on_selector_all("img.stats-chart", "imgs => imgs.map(i => i.naturalWidth)")


def test_public_page_renders_its_charts_without_sign_in(portal, personas, settings):
    # With the default of 5 every count of this small data set is hidden and the page says
    # there is no chart (tested over HTTP); at 1 nothing is hidden and both charts draw.
    settings.STATS_SUPPRESS_BELOW = 1
    build_known_data_set(personas)
    portal.goto("/statistics/" + QUERY)
    page = portal.page
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Who certifies, how often and how fast"
    )
    widths = _charts_rendered(page)
    assert len(widths) == 2 and all(w > 0 for w in widths), widths
    assert page.get_by_role("link", name="Who certifies").count() == 1
    assert page.locator('[data-figure="received"]').inner_text() == "9"
    assert "Zanzibarcanary" not in page.content()
    portal.screenshot("statistics-public")


def test_coordinator_opens_statistics_from_the_menu_and_sees_charts(portal, personas):
    build_known_data_set(personas)
    portal.login(personas.coordinator.email)
    portal.click_and_wait("nav >> text=Statistics")
    assert portal.page.get_by_role("heading", level=1).inner_text() == ("Certification statistics")
    portal.page.get_by_label("From", exact=True).fill(START.isoformat())
    portal.page.get_by_label("To", exact=True).fill(END.isoformat())
    portal.submit("Show figures")
    widths = _charts_rendered(portal.page)
    assert len(widths) == 2 and all(w > 0 for w in widths), widths
    assert portal.page.locator('[data-figure="received"]').inner_text() == "9"
    portal.screenshot("statistics-coordinator")
    # The chart alone, for a look at its patterns and labels.
    portal.page.locator("img.stats-chart").first.screenshot(
        path=portal.screenshot("statistics-coordinator").replace("coordinator", "chart-months")
    )
