"""The intake steps save as the advocate types, in Chromium: nothing typed is lost on the way
out of a step, and what the server refuses is kept on the page with a warning before leaving."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from certifications.models import CertificationRequest
from tests.factories import make_request

from .intake_support import fast_passwords  # noqa: F401 - fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fast_passwords"),
]


@pytest.fixture
def draft(personas):
    return make_request(organization=personas.org_a, created_by=personas.advocate_a)


def test_typed_text_is_saved_and_survives_the_step_links(portal, personas, draft):
    page = portal.page
    portal.login(personas.advocate_a.email)
    portal.goto(f"/requests/{draft.pk}/edit/victim/")
    status = page.locator("[data-autosave-status]")

    # "Other" without its name is saved except for that answer; the name typed then is saved.
    page.get_by_label("Preferred language").select_option("other")
    expect(status).to_have_text(re.compile(r"^Saved at \d\d:\d\d, except the answers"))
    page.get_by_label("Other language").fill("Kayah (Karenni)")
    expect(status).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"))
    saved = CertificationRequest.objects.get(pk=draft.pk)
    assert saved.victim_preferred_language == "other"
    assert saved.victim_preferred_language_other == "Kayah (Karenni)"

    # Typed and left at once, before the pause that would save it: the link waits for the save.
    page.get_by_label("Other names used").fill("Naw K.")
    portal.click_and_wait("a:has-text('2. Expedite')")
    portal.click_and_wait("a:has-text('1. Victim')")
    assert page.get_by_label("Other language").input_value() == "Kayah (Karenni)"
    assert page.get_by_label("Other names used").input_value() == "Naw K."
    portal.assert_every_page_checked()


def test_what_the_server_refuses_stays_on_the_page_and_leaving_warns(portal, personas, draft):
    page = portal.page
    portal.login(personas.advocate_a.email)
    portal.goto(f"/requests/{draft.pk}/edit/victim/")

    page.get_by_label("A-Number", exact=True).fill("12")
    page.get_by_label("Preferred language").click()  # leaving the field saves at once
    expect(page.locator("[data-autosave-status]")).to_contain_text("except the answers marked")
    assert page.locator("[data-autosave-error]").count() == 1
    portal.check_accessibility()

    dialogs: list[str] = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.click("a:has-text('2. Expedite')")
    page.wait_for_timeout(1500)
    assert dialogs == ["beforeunload"]
    # Staying on the step keeps what was typed, still unsaved.
    assert page.url.endswith("/edit/victim/")
    assert page.get_by_label("A-Number", exact=True).input_value() == "12"
    assert CertificationRequest.objects.get(pk=draft.pk).victim_a_number != "12"
