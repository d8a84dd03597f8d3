"""Filing a request and certifying it with the keyboard alone (WCAG 2.1 SC 2.1.1 Keyboard,
2.4.1 Bypass Blocks, 2.4.7 Focus Visible).

No click, fill or locator focus: every field is reached by Tab from the top of its page (after
the skip link), and every focus step checks the focused element shows where the focus is
(tests/keyboard.py). Each page the keys lead to is checked by axe-core (tests/browser.py).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from agencies.models import AgencyKind, County
from certifications.choices import Status
from certifications.models import CertificationRequest
from certifications.services.intake import certification_request_submit, minnesota_today

from ..certifications.intake_support import (
    attach,
    complete_request,
    fast_passwords,  # noqa: F401 - fixture
    pdf_bytes,
    private_media,  # noqa: F401 - fixture
)
from ..factories import TEST_PASSWORD, AgencyFactory, PointOfContactFactory
from ..keyboard import Keyboard

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fast_passwords", "private_media"),
]


def _sign_in(kb: Keyboard, email: str) -> None:
    kb.portal.goto("/accounts/login/")
    kb.fresh_page = True
    kb.skip_to_main()
    kb.fill("Email", email)
    kb.fill("Password", TEST_PASSWORD)
    kb.submit("Sign In")
    if "/2fa/authenticate" in kb.page.url:
        kb.skip_to_main()
        kb.fill(re.compile("code", re.I), kb.portal.fresh_totp_code(email))
        kb.submit("Sign In")


@pytest.fixture
def saint_paul(personas):
    ramsey = County.objects.create(name="Ramsey", fips="27123")
    agency = AgencyFactory(
        name="Saint Paul Police Department", kind=AgencyKind.POLICE, policy_response_days=30
    )
    agency.counties.add(ramsey)
    PointOfContactFactory(agency=agency, name="Sgt. Demo Contact", is_primary=True)
    return agency


def test_an_advocate_files_a_request_with_the_keyboard_alone(
    portal, personas, saint_paul, tmp_path
):
    kb = Keyboard(portal)
    page = portal.page
    _sign_in(kb, personas.advocate_a.email)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Certification requests")
    kb.skip_to_main()
    kb.activate_and_wait("New request")

    # Step 1: the form type is a radio group: arrows move the choice, and back.
    kb.skip_to_main()
    kb.radio(re.compile(r"^U visa"), re.compile(r"^T visa"))
    kb.keys.press("ArrowUp")
    assert kb.focus_state()["name"].startswith("U visa")
    kb.fill("Family name (last name)", "Nguyễn")
    kb.fill("Given name (first name)", "Thị Lan")
    kb.type_date("Date of birth", datetime.date(1990, 5, 17))
    kb.choose("Gender", "Female")
    kb.fill("Preferred language", "Vietnamese")
    kb.check("Interpreter needed")
    kb.submit("Save and continue")
    obj = CertificationRequest.objects.get()
    assert obj.form_type == "U"
    assert obj.victim_date_of_birth == datetime.date(1990, 5, 17)
    assert obj.victim_interpreter_needed

    # Step 2: nothing urgent.
    assert "Step 2 of 7" in page.content()
    kb.skip_to_main()
    kb.submit("Save and continue")

    # Step 3: the crime (checkboxes), and the agency picked from the county's suggestions.
    kb.skip_to_main()
    kb.check("Domestic violence")
    kb.type_date("Date of the criminal activity", datetime.date(2025, 12, 24))
    kb.fill("City", "Saint Paul")
    with page.expect_response(re.compile(r"/requests/agency-suggestions/")):
        kb.choose("County", "Ramsey County")
    kb.fill("Report or case number", "SP-25-001234")
    kb.choose("Agency asked to certify", "Saint Paul Police Department")
    kb.submit("Save and continue")
    obj.refresh_from_db()
    assert obj.requested_agency == saint_paul
    assert obj.crimes == ["domestic_violence"]

    # Step 4: the narrative. Enter in a textarea is a new line, not a submission.
    kb.skip_to_main()
    kb.fill("What happened", "Her partner assaulted her at home")
    kb.keys.press("Enter")
    kb.keys.type("on Christmas Eve.")
    kb.fill(
        "How the victim has been, is being or is likely to be helpful",
        "She called 911, gave a statement and will testify.",
    )
    kb.submit("Save and continue")
    obj.refresh_from_db()
    assert obj.narrative.splitlines() == ["Her partner assaulted her at home", "on Christmas Eve."]

    # Step 5: the signed release, its file chosen from the keyboard.
    kb.skip_to_main()
    kb.type_date("Date signed", datetime.date.today())
    kb.type_date("Expiry date", datetime.date.today() + datetime.timedelta(days=365))
    kb.fill("Signed by", "The victim")
    kb.fill("Language it was explained in", "Vietnamese")
    release = tmp_path / "release.pdf"
    release.write_bytes(pdf_bytes("Release"))
    kb.upload("Signed release", release)
    kb.submit("Attach the release and continue")
    assert obj.releases.count() == 1

    # Step 6: a police report attached, then on to the review.
    kb.skip_to_main()
    kb.choose("What is it?", re.compile("Police report"))
    report = tmp_path / "police-report.pdf"
    report.write_bytes(pdf_bytes("Report"))
    kb.upload("File", report)
    kb.submit("Attach file")
    assert "police-report.pdf" in page.content()
    kb.skip_to_main()
    kb.activate_and_wait("Continue to review")

    # Step 7: review and submit.
    assert "The request is complete" in page.content()
    kb.skip_to_main()
    kb.submit("Submit to the agency")
    obj.refresh_from_db()
    assert obj.status == Status.SUBMITTED
    assert obj.due_date == minnesota_today() + datetime.timedelta(days=30)
    assert "Routed to Saint Paul Police Department" in page.content()


def test_an_agency_contact_certifies_a_request_with_the_keyboard_alone(portal, personas):
    obj = complete_request(personas, case_number="SP-26-000111")
    attach(obj, personas.advocate_a)
    obj = certification_request_submit(cert_request=obj, actor=personas.advocate_a)
    kb = Keyboard(portal)
    page = portal.page
    _sign_in(kb, personas.contact_x.email)
    assert "/2fa/" not in page.url

    # The queue, from the menu: Tab through the navigation bar (not skipped here, so the menu's
    # own focus indicator on the dark bar is checked too).
    kb.activate_and_wait("Review queue")
    kb.skip_to_main()
    kb.activate_and_wait(obj.reference)
    assert page.url.endswith(f"/requests/{obj.pk}/")
    kb.skip_to_main()
    kb.activate_and_wait("Certify")

    # The action's link leads to its form (#act): the next Tab is its first field.
    assert kb.tab()["name"] == "Signed by"
    kb.choose("Signed by", re.compile("^" + re.escape(personas.contact_x.point_of_contact.name)))
    signed = timezone.localdate() - datetime.timedelta(days=1)
    kb.type_date("Date of signature", signed)
    kb.submit("Record certification")
    obj.refresh_from_db()
    assert obj.status == Status.CERTIFIED
    assert "Certified" in page.inner_text("main")

    # The account menu opens from the keyboard: Enter, the arrow keys, Escape back out.
    kb.tab_to("Account")
    kb.keys.press("Enter")
    kb.keys.press("ArrowDown")
    assert kb.focus_state()["name"] == "Change password"
    kb.tab_to("Two-factor authentication", max_steps=1)
    kb.tab_to("Sign out", max_steps=1)
    kb.keys.press("Escape")
    assert kb.focus_state()["name"] == "Account"
    assert not page.locator(".dropdown-menu.show").count()
