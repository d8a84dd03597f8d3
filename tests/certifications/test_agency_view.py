"""One rule for what the agency sees (access.agency_view_of): the A-Number only when the advocate
shares it, an urgency as "a decision is needed by <date> (urgent)" and never the reason, on the
agency's request page, the draft Supplement B, USCIS's official form pre-filled and the cover
letter, for every role."""

from __future__ import annotations

import datetime
import io
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from certifications.access import agency_view_of
from certifications.choices import Urgency
from certifications.editions.pdf import base_name
from certifications.models import CertificationRequest, FormEdition, OfficialForm
from certifications.services.editions import official_form_load
from tests.factories import make_submitted_request

from .documents_helpers import flat, pdf_text
from .official_pdf import official_pdf

pytestmark = pytest.mark.django_db

A_NUMBER = "A123456789"
# The form prints "A-" before nine digit boxes: the worksheet and the official form carry
# the digits.
A_NUMBER_DIGITS = A_NUMBER[1:]
TURNS_21 = datetime.date(2027, 6, 30)
NEEDED_BY = datetime.date(2027, 5, 14)
# The day the advocate fills in the expedite step (the urgency's date must be ahead of it).
NOON_DECEMBER_1 = datetime.datetime(2026, 12, 1, 18, 0, tzinfo=datetime.UTC)
NEEDED_BY_TEXT = "A decision is needed by May 14, 2027 (urgent)"
# What only the advocate may see: the A-Number digits, the 21st birthday, the reason.
TURNS_21_TEXTS = ("June 30, 2027", "Jun 30, 2027", "06/30/2027")
REASON_TEXTS = ("ages out", "turns 21", "detained", "detention")


def _request(personas, *, shared: bool, urgent: bool) -> CertificationRequest:
    """Advocate A's request to agency X, overdue so the statewide coordinator sees it too."""
    fields = {
        "victim_a_number": A_NUMBER,
        "a_number_shared": shared,
        "child_turns_21_on": TURNS_21,
        "detained": True,
    }
    if urgent:
        fields |= {"urgency_reason": Urgency.AGING_OUT, "decision_needed_by": NEEDED_BY}
    return make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        assigned_contact=personas.agency_x.contacts.first(),
        due_date=timezone.localdate() - datetime.timedelta(days=1),
        **fields,
    )


def _page(client, user, cert_request) -> str:
    client.force_login(user)
    response = client.get(reverse("certifications:detail", kwargs={"pk": cert_request.pk}))
    assert response.status_code == 200
    return _words(response.content.decode())


def _words(html: str) -> str:
    """A page's text, without its tags."""
    return flat(re.sub(r"<[^>]+>", " ", html))


def _document(client, user, cert_request, kind: str) -> str:
    client.force_login(user)
    url = reverse("certifications:document_download", kwargs={"pk": cert_request.pk, "kind": kind})
    response = client.get(url)
    assert response.status_code == 200
    return flat(pdf_text(response.content))


def _official_form_fields(client, user, cert_request) -> dict[str, str]:
    """USCIS's form as downloaded, field by field (its text is in the fields, not the page)."""
    client.force_login(user)
    url = reverse("certifications:official_form_download", kwargs={"pk": cert_request.pk})
    response = client.get(url)
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    return {base_name(n): str(f.get("/V", "") or "") for n, f in reader.get_fields().items()}


def _load_official_form() -> None:
    edition = FormEdition.objects.get(form=OfficialForm.I918B, is_current=True)
    official_form_load(edition=edition, content=official_pdf(OfficialForm.I918B))


def _assert_agency_sees(text: str, *, shared: bool, urgent: bool) -> None:
    assert (A_NUMBER in text) is shared
    assert (NEEDED_BY_TEXT in text) is urgent
    for secret in TURNS_21_TEXTS:
        assert secret not in text
    for reason in REASON_TEXTS:
        assert reason not in text.lower()


def test_by_default_nothing_is_shared():
    cert_request = CertificationRequest(victim_a_number=A_NUMBER, child_turns_21_on=TURNS_21)
    assert agency_view_of(cert_request).a_number is None
    assert agency_view_of(cert_request).decision_needed_by is None


def test_sharing_without_an_a_number_shares_nothing():
    view = agency_view_of(CertificationRequest(victim_a_number="", a_number_shared=True))
    assert view.a_number is None


def test_a_date_without_a_reason_is_not_an_urgency():
    view = agency_view_of(CertificationRequest(decision_needed_by=NEEDED_BY))
    assert view.decision_needed_by is None


@pytest.mark.parametrize("shared", [False, True])
@pytest.mark.parametrize("urgent", [False, True])
@pytest.mark.parametrize("persona", ["contact_x", "coordinator"])
def test_the_agency_page_and_both_documents_follow_the_advocates_choice(
    client, personas, shared, urgent, persona
):
    cert_request = _request(personas, shared=shared, urgent=urgent)
    user = getattr(personas, persona)
    page = _page(client, user, cert_request)
    # The agency's page, as the contact or the coordinator gets it (the review page).
    assert "How the deadline was set" in page
    _assert_agency_sees(page, shared=shared, urgent=urgent)
    supplement_b = _document(client, user, cert_request, "supplement-b")
    assert (A_NUMBER_DIGITS in supplement_b) is shared
    # The form has no urgency item: the draft carries neither the date nor the reason.
    assert "decision is needed" not in supplement_b
    for secret in TURNS_21_TEXTS:
        assert secret not in supplement_b
    _assert_agency_sees(
        _document(client, user, cert_request, "cover-letter"), shared=shared, urgent=urgent
    )
    # The fourth output: USCIS's own form, pre-filled. Part 1 Item 1 has nine digit boxes.
    _load_official_form()
    official = _official_form_fields(client, user, cert_request)
    a_number = official["form1[0].#subform[0].Part1_Line1_AlienNumber[0]"]
    assert a_number == (A_NUMBER_DIGITS if shared else "")
    everything = " ".join(official.values())
    assert "decision is needed" not in everything
    for secret in (*TURNS_21_TEXTS, "05/14/2027"):
        assert secret not in everything


@pytest.mark.parametrize("shared", [False, True])
def test_the_advocate_sees_everything_on_the_own_page_and_what_the_agency_gets_in_the_documents(
    client, personas, shared
):
    cert_request = _request(personas, shared=shared, urgent=True)
    page = _page(client, personas.advocate_a, cert_request)
    assert A_NUMBER in page
    expected = "shared with the agency" if shared else "not shared with the agency"
    assert expected in page
    assert "Jun 30, 2027" in page
    assert "A family member ages out (turns 21) (only your organization sees why)" in page
    assert f'The agency sees: "{NEEDED_BY_TEXT}."' in page
    # The documents go to the agency: the advocate downloads exactly what the agency gets.
    letter = _document(client, personas.advocate_a, cert_request, "cover-letter")
    _assert_agency_sees(letter, shared=shared, urgent=True)
    supplement_b = _document(client, personas.advocate_a, cert_request, "supplement-b")
    assert (A_NUMBER_DIGITS in supplement_b) is shared


def test_the_advocates_review_step_shows_what_will_be_shared(client, personas):
    from .intake_support import complete_request

    cert_request = complete_request(
        personas,
        victim_a_number=A_NUMBER,
        a_number_shared=False,
        child_turns_21_on=TURNS_21,
        urgency_reason=Urgency.AGING_OUT,
        decision_needed_by=NEEDED_BY,
    )
    client.force_login(personas.advocate_a)
    url = reverse("certifications:edit", kwargs={"pk": cert_request.pk, "step": "review"})
    page = _words(client.get(url).content.decode())
    assert f"{A_NUMBER} · not shared with the agency" in page
    assert f'The agency sees: "{NEEDED_BY_TEXT}."' in page


def _expedite(**overrides):
    data = {
        "in_removal_proceedings": "",
        "detained": "",
        "child_turns_21_on": "2027-06-30",
        "urgency_reason": Urgency.AGING_OUT,
        "decision_needed_by": "2027-05-14",
        "go": "stay",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"decision_needed_by": ""}, "decision_needed_by", "Give the date a decision is needed by"),
        ({"urgency_reason": ""}, "urgency_reason", "Say what makes it urgent"),
        ({"decision_needed_by": "2020-01-01"}, "decision_needed_by", "That date has passed"),
        ({"decision_needed_by": "2027-07-01"}, "decision_needed_by", "before the family member"),
        ({"child_turns_21_on": ""}, "child_turns_21_on", "Give the date the family member"),
        ({"urgency_reason": Urgency.DETENTION}, "urgency_reason", "The victim is detained"),
    ],
)
@time_machine.travel(NOON_DECEMBER_1, tick=False)
def test_an_urgency_needs_its_reason_and_a_date_ahead(client, personas, overrides, field, message):
    from .intake_support import complete_request

    cert_request = complete_request(personas)
    client.force_login(personas.advocate_a)
    url = reverse("certifications:edit", kwargs={"pk": cert_request.pk, "step": "expedite"})
    response = client.post(url, _expedite(**overrides))
    body = response.content.decode()
    assert response.status_code == 200
    assert f"error_1_id_{field}" in body
    assert message in body
    cert_request.refresh_from_db()
    assert cert_request.urgency_reason == "" and cert_request.decision_needed_by is None


@time_machine.travel(NOON_DECEMBER_1, tick=False)
def test_an_urgency_and_the_a_number_choice_are_saved_from_their_steps(client, personas):
    from .intake_support import complete_request

    cert_request = complete_request(personas, victim_a_number=A_NUMBER)
    client.force_login(personas.advocate_a)
    url = reverse("certifications:edit", kwargs={"pk": cert_request.pk, "step": "expedite"})
    page = client.get(url).content.decode()
    assert "Only you see the reason" in page and "No urgency named" in page
    assert client.post(url, _expedite()).status_code == 302
    cert_request.refresh_from_db()
    assert cert_request.urgency_reason == Urgency.AGING_OUT
    assert cert_request.decision_needed_by == NEEDED_BY
    assert agency_view_of(cert_request).decision_needed_by == NEEDED_BY
    assert agency_view_of(cert_request).a_number is None
    page = client.get(
        reverse("certifications:edit", kwargs={"pk": cert_request.pk, "step": "victim"})
    )
    assert "Share the A-Number with the agency" in page.content.decode()


def test_a_decision_date_that_has_passed_keeps_the_request_from_being_submitted(personas):
    from certifications.services.intake import certification_request_problems

    from .intake_support import complete_request

    cert_request = complete_request(
        personas, urgency_reason=Urgency.AGING_OUT, decision_needed_by=NEEDED_BY
    )
    ahead = certification_request_problems(cert_request=cert_request, today=NEEDED_BY)
    assert "decision_needed_by" not in ahead
    late = certification_request_problems(
        cert_request=cert_request, today=NEEDED_BY + datetime.timedelta(days=1)
    )
    assert late["decision_needed_by"] == [
        "The date a decision is needed by has passed: give a new date or name no urgency."
    ]
