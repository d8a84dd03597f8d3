"""In Chromium: the contact corrects the draft and downloads it, the advocate downloads it, an
outsider gets 404; the pages of each PDF are rendered to images for review."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from certifications.choices import FormType
from tests.conftest import ARTIFACTS
from tests.factories import make_request

from .documents_helpers import body_text, submit_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _download(portal, link_text: str) -> bytes:
    with portal.page.expect_download() as info:
        portal.page.get_by_role("link", name=link_text).click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    return Path(download.path()).read_bytes(), download.suggested_filename


def _pages_to_png(pdf: bytes, name: str) -> list[Path]:
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(source), str(ARTIFACTS / name)], check=True)
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


def test_contact_corrects_and_downloads_advocate_downloads_outsider_gets_404(portal, personas):
    request = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        form_type=FormType.U,
        victim_family_name="Nguyễn",
        victim_given_name="Hồng",
        case_number="CASE-1",
    )
    request = submit_to(request, personas.agency_x)
    documents_url = reverse("certifications:documents", kwargs={"pk": request.pk})

    portal.login(personas.contact_x.email)
    portal.goto(documents_url)
    portal.screenshot("documents-page-contact")
    assert "Required items of the form still empty" in portal.page.content()
    portal.click_and_wait("text=Answer the agency's items on the form")
    portal.page.get_by_label("Part 2, Item 9. Case Number").fill("AGENCY-77")
    portal.page.get_by_label("Part 2, Item 10. FBI Number").fill("SID-123")
    portal.page.get_by_label("Part 6, Item 3. Certifying Official's Daytime").fill("651 555 0100")
    portal.screenshot("documents-agency-answers")
    portal.submit("Save the answers")
    assert "Answers saved" in portal.page.content()
    pdf, filename = _download(portal, "Download the draft Form I-918 Supplement B (PDF)")
    assert request.reference in filename and "Nguy" not in filename
    text = body_text(pdf)
    assert "AGENCY-77" in text and "SID-123" in text and "Nguyễn" in text
    assert "(651) 555-0100" in text
    assert _pages_to_png(pdf, "draft-i918b-contact")
    letter, _ = _download(portal, "Download the cover letter (PDF)")
    assert _pages_to_png(letter, "draft-cover-letter")

    portal.page.context.clear_cookies()
    portal.login(personas.advocate_a.email)
    portal.goto(documents_url)
    assert portal.page.get_by_text("Answer the agency's items").count() == 0
    pdf, _ = _download(portal, "Download the draft Form I-918 Supplement B (PDF)")
    assert "AGENCY-77" in body_text(pdf)

    portal.page.context.clear_cookies()
    portal.login(personas.advocate_b.email)
    response = portal.goto(documents_url)
    assert response.status == 404
    download_url = reverse(
        "certifications:document_download", kwargs={"pk": request.pk, "kind": "supplement-b"}
    )
    response = portal.goto(download_url)
    assert response.status == 404
