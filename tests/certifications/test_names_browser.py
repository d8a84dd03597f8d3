"""In Chromium: choosing a language moves an unchosen name order to that language's custom,
an order the advocate picked stays, and the request page shows the name as written."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from certifications.models import CertificationRequest
from tests.factories import make_request

from .intake_support import fast_passwords, private_media  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fast_passwords", "private_media"),
]


def test_the_name_order_follows_the_language_until_chosen(portal, personas):
    draft = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        victim_family_name="Nguyễn",
        victim_given_name="Tuyết",
        victim_middle_name="Thị Ánh",
        victim_preferred_language="es",
    )
    page = portal.page
    portal.login(personas.advocate_a.email)
    portal.goto(f"/requests/{draft.pk}/edit/victim/")
    given_first = page.get_by_label("Given name first: given, middle, family")
    family_first = page.get_by_label("Family name first: family, middle, given")
    expect(given_first).to_be_checked()

    page.get_by_label("Preferred language").select_option("vi")
    expect(family_first).to_be_checked()
    page.get_by_label("Preferred language").select_option("en")
    expect(given_first).to_be_checked()
    # Chosen against the custom, it stays when the language changes.
    family_first.check()
    page.get_by_label("Preferred language").select_option("fr")
    expect(family_first).to_be_checked()
    page.get_by_label("Preferred language").select_option("vi")
    # The step link saves what was chosen before it leaves (static/js/autosave.js).
    portal.click_and_wait("a:has-text('2. Expedite')")
    saved = CertificationRequest.objects.get(pk=draft.pk)
    assert (saved.victim_preferred_language, saved.victim_name_order) == ("vi", "")

    portal.goto(f"/requests/{draft.pk}/")
    expect(page.get_by_text("Nguyễn Thị Ánh Tuyết").first).to_be_visible()
    expect(page.get_by_text("Tiếng Việt (Vietnamese)")).to_be_visible()
    portal.assert_every_page_checked()
