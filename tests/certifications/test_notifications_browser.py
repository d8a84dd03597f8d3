"""The bell in a real browser: the count in the nav, the list, marking read; accessible pages."""

from __future__ import annotations

import pytest

from certifications.choices import Action
from certifications.services import certification_request_transition, request_event_record
from tests.factories import make_submitted_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_advocate_sees_the_bell_and_marks_notices_read(portal, personas):
    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    certification_request_transition(
        cert_request=request, action=Action.REQUEST_INFO, actor=personas.contact_x
    )
    request_event_record(cert_request=request, actor=personas.contact_x, action="message")

    portal.login(personas.advocate_a.email)
    nav_link = portal.page.get_by_role("link", name="Notifications 2 unread")
    assert nav_link.is_visible()
    portal.click_and_wait("nav >> text=Notifications")
    assert portal.page.get_by_role("heading", name="Notifications").is_visible()
    assert portal.page.get_by_role(
        "link", name=f"asked for more information on request {request.reference}"
    ).is_visible()
    portal.screenshot("notifications-list")

    portal.page.get_by_role("button", name="Mark as read").first.click()
    portal.page.wait_for_load_state("load")
    portal.check_accessibility()
    assert portal.page.get_by_role("link", name="Notifications 1 unread").is_visible()

    portal.submit("Mark all as read")
    assert portal.page.get_by_text("1 notification marked as read.").is_visible()
    assert portal.page.get_by_role("link", name="Notifications", exact=True).is_visible()
    portal.screenshot("notifications-all-read")
