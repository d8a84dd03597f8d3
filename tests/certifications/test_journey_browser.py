"""The whole journey in Chromium, both sides of it: the advocate submits, the agency asks for
information, the advocate answers, the agency certifies; a second request is denied with a
reason the advocate can read."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from certifications.choices import DenialReason, Status

from .intake_support import attach, complete_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _switch_user(portal, email: str) -> None:
    portal.page.context.clear_cookies()
    portal.login(email)


def test_advocate_and_agency_take_a_request_from_submission_to_certification(
    portal, personas, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "uvisa_portal.storage.EncryptedFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/_media-not-served/"},
        },
    }
    first = complete_request(personas, case_number="SP-26-000111")
    attach(first, personas.advocate_a)
    second = complete_request(personas, case_number="SP-26-000222")
    page = portal.page

    # 1. The advocate submits both from the review step.
    portal.login(personas.advocate_a.email)
    for obj in (first, second):
        portal.goto(f"/requests/{obj.pk}/edit/review/")
        portal.submit("Submit to the agency")
        obj.refresh_from_db()
        assert obj.status == Status.SUBMITTED
        assert obj.agency == personas.agency_x
    assert "Routed to Agency X Police Department" in page.inner_text("body")

    # 2. The agency's contact asks for information.
    _switch_user(portal, personas.contact_x.email)
    portal.goto(f"/requests/{first.pk}/")
    portal.click_and_wait("text=Request information from the advocate")
    page.get_by_label("What do you need from the advocate?").fill(
        "Which officer took the victim's statement?"
    )
    portal.submit("Request information")
    assert "clock keeps running" in page.inner_text("body")

    # 3. The advocate answers from the request page.
    _switch_user(portal, personas.advocate_a.email)
    portal.goto(f"/requests/{first.pk}/")
    assert "Which officer took the victim's statement?" in page.inner_text("body")
    portal.click_and_wait("text=Answer the agency")
    page.get_by_label("Your answer to the agency").fill("Officer Example, badge 123.")
    portal.submit("Send the answer")
    first.refresh_from_db()
    assert first.status == Status.IN_REVIEW

    # 4. The contact certifies with the date of the wet signature, and denies the second.
    _switch_user(portal, personas.contact_x.email)
    portal.goto(f"/requests/{first.pk}/")
    assert "Officer Example, badge 123." in page.inner_text("body")
    portal.click_and_wait("a:text-is('Certify')")
    # The signer is chosen from the agency's head and designated officials (8 CFR
    # 214.14(a)(3)).
    page.get_by_label("Signed by").select_option(str(personas.contact_x.point_of_contact.pk))
    signed = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label("Date of signature").fill(signed.isoformat())
    portal.submit("Record certification")
    portal.goto(f"/requests/{second.pk}/")
    portal.click_and_wait("a:text-is('Deny')")
    page.get_by_label("Reason for the denial").select_option(DenialReason.NO_RESPONSIBILITY)
    page.get_by_label("Signed by").select_option(str(personas.contact_x.point_of_contact.pk))
    page.get_by_label("None of the reasons for this denial").check()
    page.get_by_label("Written explanation").fill(
        "The assault happened in Duluth; the Duluth Police Department investigated it."
    )
    portal.submit("Deny the request")

    # 5. The advocate sees "certified", the signature date and the filing deadline, and the
    #    denial with its reason and explanation.
    _switch_user(portal, personas.advocate_a.email)
    first.refresh_from_db()
    portal.goto(f"/requests/{first.pk}/")
    body = page.inner_text("body")
    assert "Certified" in body
    assert f"{signed:%b} {signed.day}, {signed.year}" in body
    deadline = first.filing_deadline
    assert f"{deadline:%b} {deadline.day}, {deadline.year}" in body
    portal.screenshot("journey-advocate-sees-certified")
    portal.goto(f"/requests/{second.pk}/")
    body = page.inner_text("body")
    assert "Denied" in body
    assert "Agency not responsible for detecting, investigating or prosecuting" in body
    assert "the Duluth Police Department investigated it" in body
    portal.screenshot("journey-advocate-sees-denial")
