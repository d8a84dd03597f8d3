"""The agency's journey in Chromium: queue, request information, certify; deny another."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from certifications.choices import Action, DenialReason, Status
from certifications.models import CertificationRequest, Message
from certifications.services import certification_request_transition
from tests.factories import make_release, make_submitted_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_contact_requests_information_certifies_and_denies_another(portal, personas):
    contact = personas.contact_x.point_of_contact
    first = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        assigned_contact=contact,
        in_removal_proceedings=True,
    )
    second = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        assigned_contact=contact,
        submitted_at=timezone.now() - datetime.timedelta(days=95),
    )
    page = portal.page

    portal.login(personas.contact_x.email)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Review queue")
    rows = page.locator("table.queue-table tbody tr")
    # Most urgent first: the overdue one, then the one in removal proceedings.
    assert rows.nth(0).inner_text().startswith(second.reference)
    assert "overdue" in rows.nth(0).inner_text()
    assert rows.nth(1).inner_text().startswith(first.reference)
    portal.screenshot("agency-01-queue")

    portal.click_and_wait(f"text={first.reference}")
    assert "Flagged" in page.inner_text("body")
    portal.submit("Start review")
    assert "Review started." in page.inner_text("body")
    portal.click_and_wait("text=Request information from the advocate")
    page.get_by_label("What do you need from the advocate?").fill(
        "Please attach the police report and the date of your statement."
    )
    portal.submit("Request information")
    body = page.inner_text("body")
    assert "Information requested" in body
    assert "clock keeps running" in body
    portal.screenshot("agency-02-information-requested")

    # The advocate answers (their side is built separately): a message and the transition.
    first.refresh_from_db()
    Message.objects.create(
        request=first, author=personas.advocate_a, body="Attached the report; statement on 3/2."
    )
    certification_request_transition(
        cert_request=first, action=Action.PROVIDE_INFO, actor=personas.advocate_a
    )

    portal.goto(f"/requests/{first.pk}/review/")
    assert "Attached the report; statement on 3/2." in page.inner_text("body")
    portal.screenshot("agency-03a-review-actions")
    portal.click_and_wait("a:text-is('Certify')")
    # Only the chosen action's form is on the page; the others stay buttons.
    assert page.locator("form#id_certify_form, form[action$='/certify/']").count() == 1
    assert page.locator("form[action$='/deny/']").count() == 0
    portal.screenshot("agency-03b-certify-form")
    # The signer is chosen from the agency's head and designated officials (8 CFR
    # 214.14(a)(3)), not typed.
    page.get_by_label("Signed by").select_option(str(personas.contact_x.point_of_contact.pk))
    signed = timezone.localdate() - datetime.timedelta(days=2)
    page.get_by_label("Date of signature").fill(signed.isoformat())
    portal.submit("Record certification")
    body = page.inner_text("body")
    assert "Certification recorded" in body
    first.refresh_from_db()
    assert first.status == Status.CERTIFIED
    assert first.signature_date == signed
    assert f"{first.filing_deadline:%B} {first.filing_deadline.day}, " in body
    assert "Petition must be filed by" in body
    portal.screenshot("agency-03-certified")

    portal.goto("/")
    portal.click_and_wait(f"text={second.reference}")
    portal.click_and_wait("a:text-is('Deny')")
    page.get_by_label("Reason for the denial").select_option(DenialReason.NO_RESPONSIBILITY)
    page.get_by_label("Signed by").select_option(str(personas.contact_x.point_of_contact.pk))
    page.get_by_label("None of the reasons for this denial").check()
    page.get_by_role("button", name="Deny the request").click()
    # The explanation is required: the browser stops the form and keeps the chosen reason
    # (the server's own refusal is tested over HTTP).
    explanation = page.get_by_label("Written explanation")
    assert explanation.evaluate("el => el.validity.valueMissing") is True
    assert page.get_by_label("Reason for the denial").input_value() == (
        DenialReason.NO_RESPONSIBILITY
    )
    second.refresh_from_db()
    assert second.status == Status.SUBMITTED
    page.get_by_label("Written explanation").fill(
        "The offense happened in Duluth; the Duluth Police Department investigated it."
    )
    portal.submit("Deny the request")
    body = page.inner_text("body")
    assert "Denial recorded" in body
    assert "Agency not responsible for detecting, investigating or prosecuting" in body
    assert "Duluth Police Department investigated it" in body
    portal.screenshot("agency-05-denied")
    second.refresh_from_db()
    assert second.status == Status.DENIED
    assert CertificationRequest.objects.filter(status=Status.CERTIFIED).count() == 1


def test_coordinator_sees_overdue_agencies_and_reroutes_a_request(portal, personas):
    routed = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.coordinator_agency,
        assigned_contact=personas.coordinator.point_of_contact,
    )
    # The victim's release names the sheriff's office too, so the re-route goes ahead.
    make_release(routed, [personas.agency_y])
    late = make_submitted_request(
        organization=personas.org_b,
        created_by=personas.advocate_b,
        agency=personas.agency_x,
        submitted_at=timezone.now() - datetime.timedelta(days=100),
    )
    on_time = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_y
    )
    page = portal.page
    portal.login(personas.coordinator.email)
    body = page.inner_text("body")
    assert routed.reference in body
    assert late.reference in body
    assert on_time.reference not in body
    assert "Agency X Police Department" in page.inner_text("table.overdue-agencies")
    portal.screenshot("coordinator-01-overview")

    portal.click_and_wait(f"text={routed.reference}")
    portal.click_and_wait("text=Re-route to a local agency")
    page.get_by_label("Find the agency").fill("sheriff")
    portal.submit("Search")
    portal.screenshot("coordinator-02-reroute-search")
    page.get_by_label("Agency Y Sheriff's Office").check()
    page.locator("#id_move_reason").fill("The sheriff's office investigated this assault.")
    portal.submit("Re-route")
    body = page.inner_text("body")
    assert f"{routed.reference} was sent to Agency Y Sheriff's Office" in body
    assert page.get_by_role("heading", level=1).inner_text().startswith("Statewide coordinator")
    portal.screenshot("coordinator-03-rerouted")
    routed.refresh_from_db()
    assert routed.agency == personas.agency_y
    assert routed.status == Status.SUBMITTED
