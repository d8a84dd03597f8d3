"""The lists' rows in Chromium at a desk's width and a phone's: each role's list shows the
numbers, the crimes and the due date or the decision, and a wide table scrolls inside its own
container instead of pushing the page sideways."""

from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from certifications.choices import Crime, DenialReason, FormType, Status, TraffickingType
from certifications.models import CertificationRequest, LinkKind, ReportNumber, RequestLink
from tests.factories import make_submitted_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)


def _submitted(personas, agency, form_type=FormType.U, **fields) -> CertificationRequest:
    if form_type == FormType.T:
        fields.setdefault("trafficking_types", [TraffickingType.SEX_FORCE_FRAUD_COERCION])
    return make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=agency,
        form_type=form_type,
        **fields,
    )


def _close(request, status, signed=None) -> None:
    now = timezone.now()
    fields = {"status": status, "closed_at": now, "decided_at": now}
    if status == Status.CERTIFIED:
        fields["signature_date"] = signed
    if status == Status.DENIED:
        fields["denial_reason"] = DenialReason.choices[0][0]
    CertificationRequest.objects.filter(pk=request.pk).update(**fields)


def _fmt(day: datetime.date) -> str:
    return day.strftime("%b %-d, %Y")


def _row_text(page, reference: str) -> str:
    return page.locator("tbody tr", has=page.get_by_role("link", name=reference)).inner_text()


def _check_width(page, width: int) -> None:
    """Every table of requests stays within the window; a wider table scrolls inside it."""
    for box in page.locator(".table-responsive").all():
        right = box.evaluate("el => el.getBoundingClientRect().right")
        assert right <= width + 1, f"a table container ends at {right}px in a {width}px window"


def test_every_role_works_from_its_list_at_both_widths(portal, personas):
    signed = timezone.localdate() - datetime.timedelta(days=3)
    opened = _submitted(
        personas,
        personas.agency_x,
        case_number="MPD-26-000481",
        crimes=[Crime.DOMESTIC_VIOLENCE.value, Crime.FELONIOUS_ASSAULT.value],
    )
    ReportNumber.objects.create(
        request=opened, agency_name="Hennepin County Attorney", number="HCAO-2026-0192"
    )
    certified_u = _submitted(personas, personas.agency_x, case_number="MPD-26-000377")
    _close(certified_u, Status.CERTIFIED, signed=signed)
    certified_t = _submitted(
        personas, personas.agency_x, form_type=FormType.T, case_number="MPD-26-000352"
    )
    _close(certified_t, Status.CERTIFIED, signed=signed)
    denied = _submitted(personas, personas.agency_x, case_number="MPD-26-000190")
    _close(denied, Status.DENIED)
    routed = _submitted(personas, personas.coordinator_agency, case_number="DPS-BCA-26-31")
    escalated = _submitted(
        personas, personas.agency_y, case_number="SO-26-1188", escalated_at=timezone.now()
    )
    page = portal.page

    def each_width(name: str, check) -> None:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.reload()
            portal.check_accessibility()
            check()
            _check_width(page, width)
            portal.screenshot(f"rows-{name}-{width}")

    def closed_rows() -> None:
        row = _row_text(page, opened.reference)
        assert "MPD-26-000481" in row and "HCAO-2026-0192" in row
        assert "Domestic violence" in row and "left" in row
        row = _row_text(page, certified_u.reference)
        assert f"Certified {_fmt(signed)}" in row
        assert f"File the petition by {_fmt(signed + relativedelta(months=6))}" in row
        row = _row_text(page, certified_t.reference)
        assert "No filing deadline (T visa" in row and "File the petition" not in row
        assert "Sex trafficking by force" in row
        assert f"Denied {_fmt(timezone.localdate())}" in _row_text(page, denied.reference)

    portal.login(personas.advocate_a.email)
    portal.goto(reverse("certifications:dashboard"))
    each_width("dashboard", closed_rows)
    page.context.clear_cookies()

    page.set_viewport_size({"width": 1280, "height": 900})
    portal.login(personas.contact_x.email)
    portal.goto(reverse("certifications:queue") + "?status=all")
    each_width("queue", closed_rows)
    # The same incident's page lists its requests the same way.
    RequestLink.objects.create(earlier=opened, later=certified_u, kind=LinkKind.FAMILY)
    portal.goto(reverse("certifications:family", args=[opened.pk]))

    def family() -> None:
        assert "HCAO-2026-0192" in _row_text(page, opened.reference)
        assert "File the petition by" in _row_text(page, certified_u.reference)

    each_width("family", family)
    page.context.clear_cookies()

    def overview() -> None:
        assert "DPS-BCA-26-31" in _row_text(page, routed.reference)
        row = _row_text(page, escalated.reference)
        assert "SO-26-1188" in row and "Agency Y Sheriff's Office" in row and "left" in row

    page.set_viewport_size({"width": 1280, "height": 900})
    portal.login(personas.coordinator.email)
    portal.goto(reverse("certifications:coordinator"))
    each_width("overview", overview)
