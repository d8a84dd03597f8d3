""" "Ask for a new signature" in Chromium, both sides: the advocate starts a re-certification
from a certified request, ticks a file to copy, attaches the victim's new release and submits; the
agency finds it marked in its queue and reviews it beside the earlier signed decision."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from certifications.choices import Status
from certifications.models import LinkKind, RequestLink
from certifications.services.review import certification_request_certify

from .intake_support import attach, complete_request, pdf_bytes
from .test_links import _chief, make_submitted_request_from

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _switch_user(portal, email: str) -> None:
    portal.page.context.clear_cookies()
    portal.login(email)


def test_ask_for_a_new_signature_end_to_end(portal, personas, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "uvisa_portal.storage.EncryptedFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/_media-not-served/"},
        },
    }
    draft = complete_request(personas, victim_family_name="Quispe", narrative="Hit in May.")
    attach(draft, personas.advocate_a, name="police-report.pdf")
    earlier = make_submitted_request_from(personas, draft, personas.agency_x)
    earlier = certification_request_certify(
        cert_request=earlier,
        actor=personas.contact_x,
        signer=_chief(personas),
        signature_date=timezone.localdate() - datetime.timedelta(days=200),
    )
    page = portal.page

    # 1. The advocate asks for a new signature from the certified request.
    portal.login(personas.advocate_a.email)
    portal.goto(f"/requests/{earlier.pk}/")
    portal.click_and_wait("text=Ask for a new signature")
    page.get_by_label("The six months passed before the petition was filed").check()
    page.get_by_label(re.compile("police-report.pdf")).check()
    portal.screenshot("links-1-new-signature")
    portal.submit("Start the new request")
    link = RequestLink.objects.get(earlier=earlier)
    assert link.kind == LinkKind.RECERTIFICATION
    new = link.later
    assert page.get_by_label("Family name (last name)").input_value() == "Quispe"
    assert f"started from {earlier.reference}" in page.inner_text("body")

    # 2. It is edited and submitted like any draft: a new release (a release is given for one
    # sharing, VAWA 34 U.S.C. 12291(b)(2)), then review and submit.
    portal.goto(f"/requests/{new.pk}/edit/consent/")
    assert page.get_by_label("Agency X Police Department").is_checked()
    page.get_by_label("Date signed").fill(timezone.localdate().isoformat())
    page.get_by_label("Expiry date").fill(
        (timezone.localdate() + datetime.timedelta(days=180)).isoformat()
    )
    page.get_by_label("Signed by").fill("The victim")
    page.get_by_label("Language it was explained in").fill("Spanish")
    release_pdf = tmp_path / "release.pdf"
    release_pdf.write_bytes(pdf_bytes("Release"))
    page.get_by_label("Signed release").set_input_files(str(release_pdf))
    portal.submit("Attach the release and continue")
    portal.goto(f"/requests/{new.pk}/edit/review/")
    portal.submit("Submit to the agency")
    new.refresh_from_db()
    assert new.status == Status.SUBMITTED
    # The ticked file and the new release.
    assert new.attachments.count() == 2
    assert "Re-certification of" in page.inner_text("body")
    earlier.refresh_from_db()
    assert earlier.status == Status.CERTIFIED

    # 3. The agency finds it marked in the queue and sees the earlier signed decision.
    _switch_user(portal, personas.contact_x.email)
    portal.goto("/requests/queue/")
    row = page.locator("tr", has_text=new.reference)
    assert "Re-certification" in row.inner_text()
    portal.click_and_wait(f"text={new.reference}")
    portal.screenshot("links-2-review-beside-the-earlier-decision")
    decision = page.locator(".earlier-decision").inner_text()
    assert earlier.reference in decision
    assert "Chief Dana Example" in decision
    assert earlier.signature_date.strftime("%B") in decision
