"""U and T told apart: the six-month filing window is the I-918 Supplement B's alone (8 CFR
214.14(c)(2)(i)); the I-914 Supplement B has none, so no deadline, no reminder, no wording."""

from __future__ import annotations

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from certifications.choices import FormType, Status, TraffickingType
from certifications.models import Notification, NotificationKind
from certifications.services import reminders as sweeps
from certifications.validity import VALIDITY_RULES, form_types_with_window, validity_rule
from tests.factories import make_submitted_request


def _certified_through_http(client, personas, form_type: str, signed: datetime.date):
    extra = {}
    if form_type == FormType.T:
        extra = {"trafficking_types": [TraffickingType.LABOR_PEONAGE.value]}
    request = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        form_type=form_type,
        **extra,
    )
    client.force_login(personas.contact_x)
    response = client.post(
        reverse("certifications:certify", args=[request.pk]),
        {
            "signer": personas.contact_x.point_of_contact.pk,
            "signature_date": signed.isoformat(),
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.CERTIFIED
    return request


def test_the_table_gives_u_a_window_from_the_setting_and_t_none(settings):
    assert set(VALIDITY_RULES) == set(FormType.values)
    assert form_types_with_window() == [FormType.U]
    signed = datetime.date(2026, 1, 31)
    assert validity_rule(FormType.U).filing_deadline(signed) == datetime.date(2026, 7, 31)
    settings.CERTIFICATION_VALID_MONTHS = 4
    assert validity_rule(FormType.U).filing_deadline(signed) == datetime.date(2026, 5, 31)
    assert validity_rule(FormType.T).filing_deadline(signed) is None


def test_a_u_certification_shows_its_filing_deadline_to_both_sides(client, personas):
    signed = timezone.localdate() - datetime.timedelta(days=1)
    request = _certified_through_http(client, personas, FormType.U, signed)
    deadline = request.filing_deadline
    assert deadline is not None
    agency_page = client.get(reverse("certifications:review", args=[request.pk])).content.decode()
    assert "Petition must be filed by" in agency_page
    assert "8 CFR 214.14(c)(2)(i)" in agency_page
    client.force_login(personas.advocate_a)
    page = client.get(reverse("certifications:detail", args=[request.pk])).content.decode()
    assert f"file the petition by {deadline:%b} {deadline.day}, {deadline:%Y}" in page
    assert "must be filed with the petition by" in page


def test_a_t_declaration_has_no_filing_deadline_anywhere(client, personas):
    signed = timezone.localdate() - datetime.timedelta(days=1)
    request = _certified_through_http(client, personas, FormType.T, signed)
    assert request.filing_deadline is None
    agency_page = client.get(reverse("certifications:review", args=[request.pk])).content.decode()
    assert "must be filed by" not in agency_page
    assert "no filing window" in agency_page
    client.force_login(personas.advocate_a)
    page = client.get(reverse("certifications:detail", args=[request.pk])).content.decode()
    assert "file the petition by" not in page
    assert "must be filed" not in page
    assert "no filing deadline" in page


def test_expiry_reminders_go_for_u_and_never_for_t(client, personas):
    signed = timezone.localdate() - datetime.timedelta(days=1)
    u = _certified_through_http(client, personas, FormType.U, signed)
    t = _certified_through_http(client, personas, FormType.T, signed)
    sixty_before = u.filing_deadline - datetime.timedelta(days=60)
    with time_machine.travel(
        datetime.datetime.combine(sixty_before, datetime.time(15, 0), tzinfo=datetime.UTC),
        tick=False,
    ):
        assert sweeps.expiry_reminders_create() >= 1
    reminders = Notification.objects.filter(kind=NotificationKind.EXPIRY_REMINDER)
    assert reminders.filter(request=u).exists()
    assert not reminders.filter(request=t).exists()
    assert reminders.filter(request=u).first().context["filing_window_months"] == 6
