"""Rows a reviewer can work from: every list of requests (the agency's queue, the coordinator's
overview, the advocate's dashboard) shows the report or case numbers and the crimes; an open
row its due date and days left, a closed one its decision and date and, when certified, the
date by which the petition must be filed (none for a T-visa declaration); each list costs the
same queries for one row as for many."""

from __future__ import annotations

import datetime
import html
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certifications.choices import Crime, DenialReason, FormType, Status, TraffickingType
from certifications.models import CertificationRequest, CertificationWithdrawal, ReportNumber
from certifications.models.records import WithdrawalKind
from tests.factories import make_request, make_submitted_request

pytestmark = pytest.mark.django_db

# Noon in Minnesota on a Monday; six months after March 2 is September 2.
NOW = datetime.datetime(2026, 3, 16, 17, 0, tzinfo=datetime.UTC)
SIGNED = datetime.date(2026, 3, 2)
DECIDED = datetime.datetime(2026, 3, 10, 16, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _submitted(personas, agency=None, form_type=FormType.U, **fields) -> CertificationRequest:
    if form_type == FormType.T:
        fields.setdefault("trafficking_types", [TraffickingType.LABOR_INVOLUNTARY_SERVITUDE])
    return make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=agency or personas.agency_x,
        form_type=form_type,
        **fields,
    )


def _close(request: CertificationRequest, status: str, **fields) -> CertificationRequest:
    """Fixture data: the request as its decision leaves it (the services are tested apart)."""
    closed = {"status": status, "closed_at": DECIDED, **fields}
    if status in (Status.CERTIFIED, Status.DENIED):
        closed.setdefault("decided_at", DECIDED)
    if status == Status.CERTIFIED:
        closed.setdefault("signature_date", SIGNED)
    if status == Status.DENIED:
        closed.setdefault("denial_reason", DenialReason.choices[0][0])
    CertificationRequest.objects.filter(pk=request.pk).update(**closed)
    request.refresh_from_db()
    return request


@pytest.fixture
def requests(personas) -> dict[str, CertificationRequest]:
    """One of each kind of row at agency X, each with its own report number."""
    made = {
        "open": _submitted(
            personas, case_number="MPD-26-0001", crimes=[Crime.DOMESTIC_VIOLENCE.value]
        ),
        "certified_u": _close(
            _submitted(personas, case_number="MPD-26-0002", crimes=[Crime.BLACKMAIL.value]),
            Status.CERTIFIED,
        ),
        "certified_t": _close(
            _submitted(personas, form_type=FormType.T, case_number="MPD-26-0003"),
            Status.CERTIFIED,
        ),
        "denied": _close(_submitted(personas, case_number="MPD-26-0004"), Status.DENIED),
        "withdrawn": _close(_submitted(personas, case_number="MPD-26-0005"), Status.WITHDRAWN),
    }
    ReportNumber.objects.create(
        request=made["open"], agency_name="Hennepin County Attorney", number="HCAO-77"
    )
    return made


def _row(body: str, reference: str) -> str:
    """The text of the table row that links to `reference`, tags stripped, spaces collapsed."""
    for row in re.findall(r"<tr\b.*?</tr>", body, flags=re.S):
        if f">{reference}</a>" in row:
            text = html.unescape(re.sub(r"<[^>]+>", " ", row))
            return " ".join(text.split())
    raise AssertionError(f"no row for {reference}")


def _assert_rows(body: str, made: dict[str, CertificationRequest]) -> None:
    opened = _row(body, made["open"].reference)
    assert "MPD-26-0001" in opened and "HCAO-77" in opened
    assert "Domestic violence" in opened
    assert made["open"].due_date.strftime("%b %-d, %Y") in opened
    assert "days left" in opened or "day left" in opened

    certified_u = _row(body, made["certified_u"].reference)
    assert "MPD-26-0002" in certified_u and "Blackmail" in certified_u
    # 8 CFR 214.14(c)(2)(i): six months from the signature.
    assert "Certified Mar 2, 2026" in certified_u
    assert "File the petition by Sep 2, 2026" in certified_u
    assert "days left" not in certified_u

    certified_t = _row(body, made["certified_t"].reference)
    assert "MPD-26-0003" in certified_t
    assert "Labor trafficking: involuntary servitude" in certified_t
    assert "Certified Mar 2, 2026" in certified_t
    assert "No filing deadline (T visa" in certified_t
    assert "File the petition by" not in certified_t

    denied = _row(body, made["denied"].reference)
    assert "MPD-26-0004" in denied and "Denied Mar 10, 2026" in denied
    assert "File the petition" not in denied and "days left" not in denied

    withdrawn = _row(body, made["withdrawn"].reference)
    assert "MPD-26-0005" in withdrawn and "Withdrawn Mar 10, 2026" in withdrawn
    # The old response deadline is not shown once the request is closed.
    for kind in ("certified_u", "certified_t", "denied", "withdrawn"):
        due = made[kind].due_date.strftime("%b %-d, %Y")
        assert due not in _row(body, made[kind].reference)


def test_the_decided_day_is_the_signature_for_a_certification_else_the_decision(personas, requests):
    assert requests["certified_u"].decided_on == SIGNED
    assert requests["denied"].decided_on == datetime.date(2026, 3, 10)
    assert requests["withdrawn"].decided_on == datetime.date(2026, 3, 10)
    assert requests["open"].decided_on is None


def test_queue_rows_show_numbers_crimes_and_the_due_date_or_the_decision(
    client, personas, requests
):
    client.force_login(personas.contact_x)
    body = client.get(reverse("certifications:queue"), {"status": "all"}).content.decode()
    _assert_rows(body, requests)


def test_dashboard_rows_show_numbers_crimes_agency_and_the_due_date_or_the_decision(
    client, personas, requests
):
    client.force_login(personas.advocate_a)
    body = client.get(reverse("certifications:dashboard")).content.decode()
    _assert_rows(body, requests)
    for made in requests.values():
        assert "Agency X Police Department" in _row(body, made.reference)


def test_a_petition_filed_or_a_withdrawn_certification_replaces_the_filing_date(
    client, personas, requests
):
    filed = _close(
        _submitted(personas, case_number="MPD-26-0006"),
        Status.CERTIFIED,
        petition_filed_on=datetime.date(2026, 3, 12),
    )
    withdrawn = requests["certified_u"]
    CertificationWithdrawal.objects.create(
        request=withdrawn,
        kind=WithdrawalKind.WITHDRAWN,
        reason="The victim's statement was retracted.",
        effective_on=datetime.date(2026, 3, 14),
    )
    for user, url in (
        (personas.advocate_a, reverse("certifications:dashboard")),
        (personas.contact_x, reverse("certifications:queue") + "?status=closed"),
    ):
        client.force_login(user)
        body = client.get(url).content.decode()
        assert "Petition filed Mar 12, 2026" in _row(body, filed.reference)
        assert "File the petition by" not in _row(body, filed.reference)
        row = _row(body, withdrawn.reference)
        assert "Certification withdrawn by the agency, effective Mar 14, 2026" in row
        assert "File the petition by" not in row
        # The kind and the date only: the reason tells the case.
        assert "retracted" not in body


def test_a_draft_row_has_no_due_date_and_no_decision(client, personas):
    draft = make_request(
        organization=personas.org_a, created_by=personas.advocate_a, case_number="D-1"
    )
    client.force_login(personas.advocate_a)
    row = _row(client.get(reverse("certifications:dashboard")).content.decode(), draft.reference)
    assert "D-1" in row and "Draft" in row and "—" in row


def test_overview_rows_show_numbers_crimes_agency_and_days_left(client, personas):
    routed = _submitted(
        personas, agency=personas.coordinator_agency, case_number="DPS-1", crimes=["blackmail"]
    )
    escalated = _submitted(
        personas, agency=personas.agency_y, case_number="SO-9", escalated_at=timezone.now()
    )
    ReportNumber.objects.create(request=escalated, agency_name="City police", number="CP-12")
    client.force_login(personas.coordinator)
    body = client.get(reverse("certifications:coordinator")).content.decode()
    row = _row(body, routed.reference)
    assert "DPS-1" in row and "Blackmail" in row and "days left" in row
    row = _row(body, escalated.reference)
    assert "SO-9" in row and "CP-12" in row and "Domestic violence" in row
    assert "Agency Y Sheriff's Office" in row and "days left" in row


# --- Query counts ----------------------------------------------------------------------------


def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _one_of_each(personas, agency, n: int) -> None:
    """`n` rows of every kind, each with a further report number, a certification withdrawn."""
    for i in range(n):
        opened = _submitted(personas, agency=agency, case_number=f"N-{i}", escalated_at=NOW)
        ReportNumber.objects.create(request=opened, agency_name="Court", number=f"C-{i}")
        certified = _close(_submitted(personas, agency=agency), Status.CERTIFIED)
        CertificationWithdrawal.objects.create(
            request=certified, kind=WithdrawalKind.DISAVOWED, reason="-", effective_on=SIGNED
        )
        _close(_submitted(personas, agency=agency, form_type=FormType.T), Status.CERTIFIED)
        _close(_submitted(personas, agency=agency), Status.DENIED)
        _close(_submitted(personas, agency=agency), Status.WITHDRAWN)


@pytest.mark.parametrize(
    ("who", "url_name", "query"),
    [
        ("advocate_a", "certifications:dashboard", ""),
        ("contact_x", "certifications:queue", "?status=all"),
    ],
)
def test_each_list_costs_the_same_queries_for_one_row_of_each_kind_as_for_many(
    client, personas, django_assert_num_queries, who, url_name, query
):
    url = reverse(url_name) + query
    client.force_login(getattr(personas, who))
    _one_of_each(personas, personas.agency_x, 1)
    client.get(url)  # the session's first page also counts the bell's notifications
    one = _queries_for(client, url)
    _one_of_each(personas, personas.agency_x, 4)
    with django_assert_num_queries(one):
        response = client.get(url)
    assert "C-3" in response.content.decode()


def test_the_overview_costs_the_same_queries_for_one_row_as_for_many(
    client, personas, django_assert_num_queries
):
    url = reverse("certifications:coordinator")
    client.force_login(personas.coordinator)
    _one_of_each(personas, personas.agency_y, 1)
    _one_of_each(personas, personas.coordinator_agency, 1)
    client.get(url)
    cache.clear()
    one = _queries_for(client, url)
    _one_of_each(personas, personas.agency_y, 4)
    _one_of_each(personas, personas.coordinator_agency, 4)
    cache.clear()
    with django_assert_num_queries(one):
        body = client.get(url).content.decode()
    assert "C-3" in body


def test_the_same_incident_page_shows_each_request_numbers_crimes_and_decision(
    client, personas, requests
):
    from certifications.models import LinkKind, RequestLink

    first, certified, denied = requests["open"], requests["certified_u"], requests["denied"]
    for later in (certified, denied):
        RequestLink.objects.create(earlier=first, later=later, kind=LinkKind.FAMILY)
    client.force_login(personas.contact_x)
    url = reverse("certifications:family", args=[first.pk])
    body = client.get(url).content.decode()
    assert "MPD-26-0001" in _row(body, first.reference)
    assert "HCAO-77" in _row(body, first.reference)
    assert "days left" in _row(body, first.reference)
    row = _row(body, certified.reference)
    assert "Blackmail" in row and "File the petition by Sep 2, 2026" in row
    assert "Denied Mar 10, 2026" in _row(body, denied.reference)
