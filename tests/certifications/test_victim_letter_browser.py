"""In Chromium: from the request page the advocate previews the letter for the victim (the
chosen language beside English, the unreviewed note) and downloads it; the pages and the PDF
are rendered to images for review (tests/artifacts)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import Organization
from tests.conftest import ARTIFACTS
from tests.factories import make_request

from .documents_helpers import flat, pdf_pages, pdf_text, submit_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_advocate_previews_beside_english_and_downloads_the_letter(portal, personas):
    Organization.objects.filter(pk=personas.org_a.pk).update(
        phone="651-555-0142", email="help@example.org"
    )
    request = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        victim_preferred_language="Somali",
    )
    request = submit_to(request, personas.agency_x)

    portal.login(personas.advocate_a.email)
    portal.goto(reverse("certifications:detail", kwargs={"pk": request.pk}))
    portal.click_and_wait("text=Preview and download the letter")
    content = portal.page.content()
    assert "Translation not yet reviewed" in content
    assert "English, for checking" in content
    assert portal.page.get_by_label("Language of the letter").input_value() == "so"
    portal.screenshot("victim-letter-preview-so")

    portal.page.get_by_label("Language of the letter").select_option("hmn")
    portal.submit("Show the preview")
    assert "Hu rau leej twg" in portal.page.content()
    portal.page.set_viewport_size({"width": 390, "height": 844})
    portal.screenshot("victim-letter-preview-hmn-390")
    portal.page.set_viewport_size({"width": 1280, "height": 900})

    portal.page.get_by_label("Language of the letter").select_option("vi")
    with portal.page.expect_download() as info:
        portal.page.get_by_role("button", name="Download the letter (PDF)").click()
    download = info.value
    assert download.suggested_filename == f"{request.reference}-letter.pdf"
    pdf = Path(download.path()).read_bytes()
    assert len(pdf_pages(pdf)) == 1
    assert "Gọi cho ai" in flat(pdf_text(pdf))
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / "victim-letter-vi.pdf"
    shutil.copyfile(download.path(), source)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", str(source), str(ARTIFACTS / "victim-letter-vi")],
        check=True,
    )
    portal.assert_every_page_checked()
