"""The signing and training pages in Chromium (each page passes axe-core): the coordinator
records a DPS training; a reviewer recommends on the review page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from agencies.models import TrainingRecord
from certifications.choices import Action
from tests.factories import make_submitted_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_records_a_dps_training_and_opens_the_delegations(portal, personas):
    page = portal.page
    portal.login(personas.coordinator.email)
    portal.goto("/directory/training/")
    contact_y = personas.contact_y.point_of_contact
    page.locator(f"#contact-{contact_y.pk}").check()
    trained = timezone.localdate() - datetime.timedelta(days=3)
    page.get_by_label("Date of the training").fill(trained.isoformat())
    page.get_by_label("Topic").fill("Certifying U and T requests")
    portal.submit("Record DPS training")
    assert "DPS training recorded for 1 contact." in page.inner_text("body")
    portal.screenshot("coordinator-04-training")
    record = TrainingRecord.objects.get(contact=contact_y)
    assert record.provider == "DPS" and record.date == trained
    portal.goto("/directory/delegations/")
    assert "question for counsel" in page.inner_text("body")
    portal.screenshot("coordinator-05-delegations")


def test_a_contact_recommends_a_decision_on_the_review_page(portal, personas):
    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    page = portal.page
    portal.login(personas.contact_x.email)
    portal.goto(f"/requests/{request.pk}/review/")
    portal.click_and_wait("a:text-is('Recommend a decision')")
    page.get_by_label("You recommend").select_option("certify")
    page.get_by_label("Why").fill("The report shows she gave a statement the same night.")
    portal.submit("Record recommendation")
    assert "Recommendation recorded" in page.inner_text("body")
    portal.screenshot("agency-06-recommended")
    assert request.events.filter(action=Action.RECOMMENDED).exists()
