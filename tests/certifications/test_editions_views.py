"""The official form on the request pages (who sees the link, what each copy carries), and a
request drafted on an edition that is no longer current."""

from __future__ import annotations

import copy
import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import AuditAction, AuditEntry
from certifications.choices import Action, FormType, Status, YesNoUnknown
from certifications.editions.pdf import base_name
from certifications.models import CertificationRequest, FormEdition, OfficialForm, RequestEvent
from certifications.services.documents import agency_form_answers_update
from certifications.services.editions import (
    certification_request_edition_move,
    form_edition_make_current,
    official_form_load,
)
from certifications.services.intake import certification_request_submit
from tests.factories import make_request

from .documents_helpers import submit_to
from .intake_support import complete_request
from .official_pdf import official_pdf

pytestmark = pytest.mark.django_db

LINK = "Official Form I-918 Supplement B (pre-filled)"
HELPFUL_YES = "form1[0].#subform[2].Part4_Line2_chbxyesno[0]"
AGENCY_NAME = "form1[0].#subform[0].Pt2Line1_CertifyingAgency[0]"


def _current(form=OfficialForm.I918B) -> FormEdition:
    return FormEdition.objects.get(form=form, is_current=True)


def _load(form=OfficialForm.I918B) -> FormEdition:
    edition = _current(form)
    official_form_load(edition=edition, content=official_pdf(form))
    return edition


@pytest.fixture
def u_request(personas):
    request = make_request(
        organization=personas.org_a, created_by=personas.advocate_a, form_type=FormType.U
    )
    return submit_to(request, personas.agency_x)


def _page(client, user, cert_request) -> str:
    client.force_login(user)
    response = client.get(reverse("certifications:detail", args=[cert_request.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _download(client, user, cert_request):
    client.force_login(user)
    return client.get(reverse("certifications:official_form_download", args=[cert_request.pk]))


def _values(response) -> dict[str, object]:
    reader = PdfReader(io.BytesIO(response.content))
    return {base_name(n): f.get("/V", "") for n, f in reader.get_fields().items()}


def test_a_request_is_drafted_on_the_current_edition(u_request):
    assert u_request.form_edition == _current()


@pytest.mark.parametrize("persona", ["advocate_a", "contact_x"])
def test_no_link_and_404_until_the_current_editions_pdf_is_loaded(
    client, personas, u_request, persona
):
    user = getattr(personas, persona)
    assert LINK not in _page(client, user, u_request)
    assert _download(client, user, u_request).status_code == 404


@pytest.mark.parametrize("persona", ["advocate_a", "contact_x"])
def test_the_agency_and_the_advocate_see_the_link_beside_the_draft(
    client, personas, u_request, persona
):
    _load()
    page = _page(client, getattr(personas, persona), u_request)
    assert LINK in page
    assert page.index("Download the draft Form I-918") < page.index(LINK)
    assert "unverified" not in page


def test_the_download_is_an_audited_attachment_named_by_reference(client, personas, u_request):
    _load()
    response = _download(client, personas.contact_x, u_request)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == (
        f'attachment; filename="{u_request.reference}-I-918-Supplement-B-official-prefilled.pdf"'
    )
    entry = AuditEntry.objects.get(action=AuditAction.DOCUMENT_DOWNLOAD, user=personas.contact_x)
    assert entry.target.split()[0] == u_request.reference
    assert entry.outcome == "200"
    assert "official-prefilled" in entry.detail
    assert "Example" not in entry.detail


@pytest.mark.parametrize("persona", ["advocate_b", "contact_y", "coordinator", "admin"])
def test_outsiders_get_404(client, personas, u_request, persona):
    _load()
    assert _download(client, getattr(personas, persona), u_request).status_code == 404


def test_the_advocates_copy_carries_the_agencys_answers_only_once_decided(
    client, personas, u_request
):
    _load()
    agency_form_answers_update(
        cert_request=u_request,
        actor=personas.contact_x,
        answers={
            "has_been_helpful": YesNoUnknown.YES,
            "agency_name": "Agency X, Special Victims Unit",
        },
    )
    agency_copy = _values(_download(client, personas.contact_x, u_request))
    assert agency_copy[HELPFUL_YES] == "/Yes"
    assert agency_copy[AGENCY_NAME] == "Agency X, Special Victims Unit"
    before = _values(_download(client, personas.advocate_a, u_request))
    assert before[HELPFUL_YES] == "/Off"
    assert before[AGENCY_NAME] == "Agency X Police Department"
    CertificationRequest.objects.filter(pk=u_request.pk).update(
        status=Status.CERTIFIED, signature_date=datetime.date(2026, 11, 30)
    )
    after = _values(_download(client, personas.advocate_a, u_request))
    assert after[HELPFUL_YES] == "/Yes"
    assert after[AGENCY_NAME] == "Agency X, Special Victims Unit"
    assert "(pre-filled)" in _page(client, personas.advocate_a, u_request)


def test_the_agencys_page_says_the_i914b_mapping_is_unverified(client, personas):
    request = make_request(
        organization=personas.org_a, created_by=personas.advocate_a, form_type=FormType.T
    )
    request = submit_to(request, personas.agency_x)
    _load(OfficialForm.I914B)
    page = _page(client, personas.contact_x, request)
    assert "Official Form I-914 Supplement B (pre-filled)" in page
    assert "Its field mapping is unverified" in page
    assert _download(client, personas.contact_x, request).status_code == 200


def _next_edition() -> FormEdition:
    """A later edition of the I-918B: one item renamed (a new key), one item removed, a
    required item added; every other key the same."""
    old = _current()
    structure = copy.deepcopy(old.structure)
    field_map = copy.deepcopy(old.field_map)
    part1 = structure["parts"][0]["items"]
    dob = next(i for i in part1 if i["key"] == "victim.date_of_birth")
    dob["key"] = "victim.birth_date"
    field_map["victim.birth_date"] = field_map.pop("victim.date_of_birth")
    part3 = structure["parts"][2]["items"]
    structure["parts"][2]["items"] = [i for i in part3 if i["key"] != "crime.citations"]
    field_map.pop("crime.citations")
    part1.append(
        {
            "key": "victim.country_of_birth",
            "number": "6",
            "label": "Country of Birth",
            "kind": "text",
            "required": True,
            "allows": ["Unknown"],
            "answered_by": "requester",
        }
    )
    field_map["victim.country_of_birth"] = ["form1[0].#subform[0].P1_Line6_Country[0]"]
    edition = FormEdition.objects.create(
        form=OfficialForm.I918B,
        edition_date=datetime.date(2026, 9, 1),
        title=old.title,
        structure=structure,
        field_map=field_map,
        verified=True,
    )
    form_edition_make_current(edition=edition)
    return edition


def test_moving_carries_matching_answers_and_lists_the_others(personas, u_request):
    CertificationRequest.objects.filter(pk=u_request.pk).update(
        statutes_cited="Minn. Stat. 609.224"
    )
    new = _next_edition()
    result = certification_request_edition_move(cert_request=u_request, actor=personas.advocate_a)
    u_request.refresh_from_db()
    assert u_request.form_edition == new
    assert result.moved and result.from_label == "01/20/25" and result.to_label == "09/01/26"
    assert "Part 1, Item 2: Full Legal Name" in result.carried
    assert any(
        label.startswith("Part 3, Item 6: Provide a description") for label in result.carried
    )
    assert result.reenter == [
        "Part 1, Item 4: Date of Birth (mm/dd/yyyy)",
        "Part 3, Item 3: List the statutory citations for the criminal activity being "
        "investigated or prosecuted, or that was investigated or prosecuted",
        "Part 1, Item 6: Country of Birth",
    ]
    event = RequestEvent.objects.filter(request=u_request, action=Action.EDITED).latest("id")
    assert "Moved to edition 09/01/26" in event.note
    assert "609.224" not in event.note
    again = certification_request_edition_move(cert_request=u_request, actor=personas.advocate_a)
    assert not again.moved


@pytest.mark.parametrize("persona", ["advocate_a", "contact_x"])
def test_the_page_says_the_edition_is_no_longer_current_and_moves_it(
    client, personas, u_request, persona
):
    _next_edition()
    user = getattr(personas, persona)
    page = _page(client, user, u_request)
    assert "This request was drafted on edition 01/20/25" in page
    assert "USCIS's current edition is 09/01/26" in page
    response = client.post(reverse("certifications:edition_move", args=[u_request.pk]), follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The request is now on edition 09/01/26" in body
    assert "Enter again on the new edition: Part 1, Item 4: Date of Birth" in body
    u_request.refresh_from_db()
    assert u_request.form_edition.label == "09/01/26"
    assert "This request was drafted on edition" not in _page(client, user, u_request)


@pytest.mark.parametrize("persona", ["advocate_b", "contact_y", "coordinator"])
def test_others_cannot_move_a_request(client, personas, u_request, persona):
    _next_edition()
    client.force_login(getattr(personas, persona))
    response = client.post(reverse("certifications:edition_move", args=[u_request.pk]))
    assert response.status_code == 404
    u_request.refresh_from_db()
    assert u_request.form_edition.label == "01/20/25"


def test_a_closed_request_keeps_its_edition_and_offers_no_move(client, personas, u_request):
    _next_edition()
    CertificationRequest.objects.filter(pk=u_request.pk).update(
        status=Status.CERTIFIED, signature_date=datetime.date(2026, 11, 30)
    )
    page = _page(client, personas.advocate_a, u_request)
    assert "This request was drafted on edition 01/20/25" in page
    assert "Move to edition" not in page
    response = client.post(reverse("certifications:edition_move", args=[u_request.pk]))
    assert response.status_code == 404


def test_moving_needs_a_post(client, personas, u_request):
    client.force_login(personas.advocate_a)
    assert (
        client.get(reverse("certifications:edition_move", args=[u_request.pk])).status_code == 405
    )


def test_submitting_a_request_without_an_edition_records_the_current_one(personas):
    request = complete_request(personas)
    CertificationRequest.objects.filter(pk=request.pk).update(form_edition=None)
    request.refresh_from_db()
    submitted = certification_request_submit(cert_request=request, actor=personas.advocate_a)
    submitted.refresh_from_db()
    assert submitted.form_edition == _current()


def test_a_lost_official_pdf_is_a_404_not_an_error(client, personas, u_request):
    edition = _load()
    edition.official_pdf.storage.delete(edition.official_pdf.name)
    assert _download(client, personas.contact_x, u_request).status_code == 404


def test_a_draft_on_an_old_edition_is_offered_the_current_one(client, personas):
    draft = make_request(
        organization=personas.org_a, created_by=personas.advocate_a, form_type=FormType.U
    )
    _next_edition()
    page = _page(client, personas.advocate_a, draft)
    assert "This request was drafted on edition 01/20/25" in page
    assert "Move to edition 09/01/26" in page
    client.post(reverse("certifications:edition_move", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.form_edition.label == "09/01/26"
