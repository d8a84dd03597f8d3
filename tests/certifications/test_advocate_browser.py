"""An advocate files a whole request in Chromium: draft, come back, attach, submit, dashboard."""

from __future__ import annotations

import datetime
import re

import pytest

from agencies.models import AgencyKind, County
from certifications.models import CertificationRequest
from certifications.services.intake import minnesota_today

from ..factories import AgencyFactory, PointOfContactFactory
from .intake_support import (
    fast_passwords,  # noqa: F401 - fixture
    pdf_bytes,
    private_media,  # noqa: F401 - fixture
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fast_passwords", "private_media"),
]


@pytest.fixture
def saint_paul(personas):
    ramsey = County.objects.create(name="Ramsey", fips="27123")
    County.objects.create(name="Hennepin", fips="27053")
    agency = AgencyFactory(
        name="Saint Paul Police Department",
        kind=AgencyKind.POLICE,
        policy_response_days=30,
        policy_expedited_days=7,
    )
    agency.counties.add(ramsey)
    PointOfContactFactory(agency=agency, name="Sgt. Demo Contact", is_primary=True)
    return agency


def test_an_advocate_files_a_request_from_draft_to_dashboard(
    portal, personas, saint_paul, tmp_path
):
    page = portal.page
    portal.login(personas.advocate_a.email)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Certification requests")
    portal.click_and_wait("text=New request")

    # Step 1: the victim (an A-Number typed the way people type it).
    page.get_by_label("Family name (last name)").fill("Nguyễn")
    page.get_by_label("Given name (first name)").fill("Thị Lan")
    page.get_by_label("Date of birth").fill("1990-05-17")
    page.get_by_label("Gender").select_option("female")
    page.get_by_label("A-Number", exact=True).fill("a 123-456-789")
    page.get_by_label("Preferred language").select_option("vi")
    page.get_by_label("Interpreter needed").check()
    portal.screenshot("intake-1-victim")
    portal.submit("Save and continue")
    obj = CertificationRequest.objects.get()
    assert obj.victim_a_number == "A123456789"

    # Step 2: removal proceedings shorten the deadline.
    assert "Step 2 of 7" in page.content()
    page.get_by_label("The victim or a qualifying family member is in removal proceedings").check()
    # An urgency reaches the agency as a date only; the A-Number is not shared (the default).
    page.get_by_label("The victim is detained").check()
    page.get_by_label("Detention").check()
    needed_by = minnesota_today() + datetime.timedelta(days=5)
    page.get_by_label("A decision is needed by").fill(needed_by.isoformat())
    portal.screenshot("intake-2-expedite")
    portal.submit("Save and continue")

    # Step 3: the crime, and the agency picked from the county's suggestions.
    page.get_by_label("Domestic violence", exact=True).check()
    page.get_by_label("Stalking", exact=True).check()
    page.get_by_label("Date of the criminal activity").fill("2025-12-24")
    page.get_by_label("City").fill("Saint Paul")
    with page.expect_response(re.compile(r"/requests/agency-suggestions/")):
        page.get_by_label("County").select_option(label="Ramsey County")
    page.get_by_label("Report or case number").fill("SP-25-001234")
    page.get_by_label("Agency asked to certify").select_option(label="Saint Paul Police Department")
    assert page.locator("optgroup[label='Suggested for Ramsey County']").count() == 1
    portal.screenshot("intake-3-crime")
    portal.submit("Save and continue")

    # Step 4: narrative, then save the draft and leave.
    page.get_by_label("What happened").fill("Her partner assaulted her at home on Christmas Eve.")
    page.get_by_label("How the victim has been, is being or is likely to be helpful").fill(
        "She called 911, gave a statement and will testify."
    )
    portal.submit("Save draft")
    assert f"Draft {obj.reference} saved" in page.content()
    portal.goto("/requests/")
    assert obj.reference in page.content()

    # Come back later from the dashboard; nothing was lost.
    portal.click_and_wait(f"text={obj.reference}")
    portal.click_and_wait("text=Continue editing")
    assert page.get_by_label("Family name (last name)").input_value() == "Nguyễn"
    portal.click_and_wait("text=4. What happened")
    assert "Christmas Eve" in page.get_by_label("What happened").input_value()
    portal.submit("Save and continue")

    # Step 5: the victim's signed release, naming the agency asked (ticked by default).
    assert page.get_by_label("Saint Paul Police Department").is_checked()
    assert page.get_by_label(re.compile("also covers the statewide coordinator")).is_checked()
    page.get_by_label("Date signed").fill(datetime.date.today().isoformat())
    page.get_by_label("Expiry date").fill(
        (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
    )
    page.get_by_label("Signed by").fill("The victim")
    page.get_by_label("Language it was explained in").fill("Vietnamese")
    page.get_by_label(re.compile("Interpreter's name")).fill("Linh Interpreter")
    release_pdf = tmp_path / "release.pdf"
    release_pdf.write_bytes(pdf_bytes("Release"))
    page.get_by_label("Signed release").set_input_files(str(release_pdf))
    portal.submit("Attach the release and continue")

    # Step 6: the Notice to Appear is required by the removal-proceedings flag.
    assert "attach the Notice to Appear" in page.content()
    pdf = tmp_path / "notice-to-appear.pdf"
    pdf.write_bytes(pdf_bytes("NTA"))
    page.get_by_label("What is it?").select_option(
        label="Notice to Appear / proof of removal proceedings"
    )
    page.get_by_label("File").set_input_files(str(pdf))
    portal.submit("Attach file")
    assert "notice-to-appear.pdf" in page.content()
    portal.screenshot("intake-6-attachments")
    portal.click_and_wait("text=Continue to review")

    # Step 7: review and submit.
    assert "The request is complete" in page.content()
    review = page.inner_text("main")
    assert "A123456789 · not shared with the agency" in review
    assert (
        f'Detention (only your organization sees why). The agency sees: "A decision is needed '
        f'by {needed_by:%B} {needed_by.day}, {needed_by.year} (urgent)."'
    ) in review
    portal.screenshot("intake-7-review")
    portal.submit("Submit to the agency")
    obj.refresh_from_db()
    due = obj.due_date
    assert obj.status == "submitted"
    assert due == minnesota_today() + datetime.timedelta(days=7)
    body = page.content()
    assert "Saint Paul Police Department policy: 7 days, removal proceedings" in body
    assert "Routed to Saint Paul Police Department" in body
    releases = page.inner_text(".releases")
    assert "Saint Paul Police Department and the statewide coordinator" in releases
    assert "signed release" in releases
    portal.screenshot("intake-8-request-page")

    # The dashboard shows it with its due date and routing reason.
    portal.goto("/requests/")
    row = page.locator("tr", has_text=obj.reference)
    assert "Submitted" in row.inner_text()
    assert "Saint Paul Police Department" in row.inner_text()
    assert f"{due:%b} {due.day}, {due.year}" in row.inner_text()
    assert "Routed to Saint Paul Police Department" in row.inner_text()
    assert "7 days left" in row.inner_text()
    portal.screenshot("advocate-dashboard")


def test_bad_input_is_shown_beside_its_field_and_nothing_typed_is_lost(portal, personas):
    page = portal.page
    portal.login(personas.advocate_a.email)
    portal.goto("/requests/new/")
    page.get_by_label("T visa: Form I-914 Supplement B").check()
    page.get_by_label("Family name (last name)").fill("Cabdi")
    page.get_by_label("Given name (first name)").fill("Xaliimo")
    page.get_by_label("Date of birth").fill("2099-01-01")
    page.get_by_label("A-Number", exact=True).fill("A12-34")
    page.get_by_label("Preferred language").select_option("so")
    portal.submit("Save draft")
    assert page.get_by_text("The date of birth cannot be in the future.").is_visible()
    assert page.get_by_text("An A-Number is the letter A followed by 8 or 9 digits").is_visible()
    assert page.get_by_label("Family name (last name)").input_value() == "Cabdi"
    assert page.get_by_label("Preferred language").input_value() == "so"
    assert page.get_by_label("A-Number", exact=True).input_value() == "A12-34"
    assert page.get_by_label("T visa: Form I-914 Supplement B").is_checked()
    portal.screenshot("intake-validation-errors")
    assert not CertificationRequest.objects.exists()


def test_an_advocate_answers_the_agency_then_withdraws(portal, personas, tmp_path):
    from certifications.choices import Action
    from certifications.services.core import certification_request_transition
    from certifications.services.intake import certification_request_submit

    from .intake_support import complete_request

    obj = certification_request_submit(
        cert_request=complete_request(personas), actor=personas.advocate_a
    )
    certification_request_transition(
        cert_request=obj, action=Action.REQUEST_INFO, actor=personas.contact_x, note="Which night?"
    )
    page = portal.page
    portal.login(personas.advocate_a.email)
    portal.goto(f"/requests/{obj.pk}/")
    assert "Which night?" in page.content()
    portal.click_and_wait("text=Answer the agency")
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(pdf_bytes("Statement"))
    page.get_by_label("Your answer to the agency").fill("It was Christmas Eve.")
    page.get_by_label("Attachments (optional)").set_input_files(str(pdf))
    portal.submit("Send the answer")
    assert "back with the agency" in page.content()
    assert "It was Christmas Eve." in page.content()
    assert "statement.pdf" in page.content()
    portal.click_and_wait("text=Withdraw")
    page.get_by_label("Why is the request withdrawn?").fill("The victim moved away.")
    portal.submit("Withdraw the request")
    obj.refresh_from_db()
    assert obj.status == "withdrawn"
    assert "The victim moved away." in page.content()
    portal.screenshot("request-withdrawn")


def test_an_advocate_deletes_a_draft_after_confirming(portal, personas):
    from .intake_support import complete_request

    draft = complete_request(personas)
    page = portal.page
    portal.login(personas.advocate_a.email)
    portal.goto(f"/requests/{draft.pk}/")
    portal.click_and_wait("text=Delete draft")
    assert "no agency has seen it" in page.inner_text("main")
    portal.screenshot("draft-delete-confirm")
    portal.submit("Delete the draft")
    assert f"Draft {draft.reference} was deleted" in page.inner_text("body")
    assert not CertificationRequest.objects.filter(pk=draft.pk).exists()
