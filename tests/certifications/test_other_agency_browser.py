""" "Also request from another agency" in Chromium: from a submitted request the advocate finds
the county's sheriff in the directory, leaves the internal notes out, starts the linked draft
and lands on its release step for the sheriff; the first request's page lists it."""

from __future__ import annotations

import pytest

from certifications.choices import AttachmentKind
from certifications.models import LinkKind, RequestLink

from .intake_support import attach, complete_request
from .test_links import make_submitted_request_from

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_also_request_from_another_agency(portal, personas, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "uvisa_portal.storage.EncryptedFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/_media-not-served/"},
        },
    }
    draft = complete_request(personas, victim_family_name="Quispe", internal_notes="Shelter A.")
    attach(draft, personas.advocate_a, name="police-report.pdf")
    first = make_submitted_request_from(personas, draft, personas.agency_x)
    page = portal.page

    portal.login(personas.advocate_a.email)
    portal.goto(f"/requests/{first.pk}/")
    portal.click_and_wait("text=Also request from another agency")
    page.get_by_role("searchbox", name="Find the agency").fill("Sheriff")
    portal.submit("Search")
    page.get_by_label("Agency to ask as well").select_option(label="Agency Y Sheriff's Office")
    page.get_by_label("Contact details and internal notes").uncheck()
    assert page.get_by_label("Police report: police-report.pdf").is_checked()
    portal.submit("Start the request to this agency")

    link = RequestLink.objects.get(earlier=first)
    new = link.later
    assert link.kind == LinkKind.OTHER_AGENCY
    assert f"/requests/{new.pk}/edit/consent/" in page.url
    # The release step names the new agency (a release per receiving agency).
    assert page.get_by_label("Agency Y Sheriff's Office").is_checked()
    assert new.victim_family_name == "Quispe" and new.internal_notes == ""
    assert new.attachments.filter(kind=AttachmentKind.POLICE_REPORT).count() == 1

    portal.goto(f"/requests/{first.pk}/")
    linked = page.locator(".linked-requests").inner_text()
    assert new.reference in linked and "Agency Y Sheriff's Office" in linked
    assert "Draft" in linked
