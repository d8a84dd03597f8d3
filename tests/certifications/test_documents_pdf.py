"""Acceptance: the drafts read back from the PDF carry every part and item, answered."""

from __future__ import annotations

import datetime
import re

import pytest

from certifications.choices import (
    AttachmentKind,
    Crime,
    FormType,
    Gender,
    TraffickingType,
    YesNoUnknown,
)
from certifications.documents.drafts import BOX_LIMITS, supplement_b_draft
from certifications.documents.inputs import document_inputs
from certifications.documents.render import cover_letter_pdf, supplement_b_pdf
from certifications.models import (
    Attachment,
    CertificationRequest,
    FamilyMember,
    FormEdition,
    OfficialForm,
)
from certifications.services.editions import form_edition_make_current
from tests.factories import CountyFactory, make_request

from .documents_helpers import HEADER, body_text, flat, pdf_pages, pdf_text, submit_to

pytestmark = pytest.mark.django_db

BLANK_OK = {"Signature of the certifying official (in ink)", "Date of signature (mm/dd/yyyy)"}
# Asked "if any", and printed only when the advocate shares it (access.agency_view_of).
A_NUMBER = "Alien Registration Number (A-Number), if any"


def _labels(request: CertificationRequest) -> list[tuple[int, str, str, object]]:
    draft = supplement_b_draft(document_inputs(cert_request=request))
    return [
        (part.number, part.title, f"{item.number}. {flat(item.label)}", item)
        for part in draft.parts
        for item in part.items
    ]


def assert_every_item_answered(request: CertificationRequest, pdf: bytes) -> str:
    """Every part title and item label, in the form's order, each followed by an answer."""
    text = body_text(pdf)
    position = 0
    found: list[tuple[int, int, object]] = []
    for number, title, label, item in _labels(request):
        heading = f"Part {number}. {title}"
        if heading in text[position:] and (not found or found[-1][0] != number):
            position = text.index(heading, position) + len(heading)
        index = text.find(label, position)
        assert index >= 0, f"Part {number} item {label!r} missing or out of order"
        found.append((number, index, item))
        position = index + len(label)
    assert "Part 7. Additional Information" in text[position:]
    ends = [i for _, i, _ in found[1:]] + [text.index("Part 7. Additional Information")]
    for (number, start, item), end in zip(found, ends, strict=True):
        label = f"{item.number}. {flat(item.label)}"
        answer = text[start + len(label) : end]
        answer = re.sub(r"Part \d\. [A-Z][A-Za-z ]+$", "", answer.strip()).strip()
        if flat(item.label) in BLANK_OK:
            assert "To be completed by the certifying official" in answer
            continue
        if flat(item.label) == A_NUMBER:
            continue
        assert answer, f"Part {number} item {item.number} is blank"
        if item.options:
            assert "☒" in answer or any(w in answer for w in ("Unknown", "None", "N/A")), (
                f"Part {number} item {item.number}: no box checked and no answer"
            )
    return text


def _full_u_request(personas, **overrides):
    county = CountyFactory(name="Ramsey", fips="27123")
    fields = dict(
        victim_family_name="Nguyễn",
        victim_given_name="Thị Hồng",
        victim_middle_name="Muñoz",
        victim_other_names="Hong Nguyen; Rosa Cabdi",
        victim_gender=Gender.FEMALE,
        victim_a_number="A123456789",
        crimes=[Crime.DOMESTIC_VIOLENCE.value, Crime.STALKING.value],
        crime_date_to=datetime.date(2025, 4, 2),
        crime_county=county,
        statutes_cited="Minn. Stat. 609.2242",
        case_number="SPPD-25-012345",
        known_injuries="Fractured wrist.",
        family_implicated=YesNoUnknown.YES,
    )
    fields.update(overrides)
    request = make_request(
        organization=personas.org_a, created_by=personas.advocate_a, form_type=FormType.U, **fields
    )
    FamilyMember.objects.create(request=request, full_name="Xiong Vang", relationship="Brother")
    return submit_to(request, personas.agency_x)


def test_u_draft_has_every_part_and_item_answered_with_the_checked_crimes(personas):
    request = _full_u_request(personas)
    pdf = supplement_b_pdf(cert_request=request)
    text = assert_every_item_answered(request, pdf)
    for crime in Crime:
        mark = "☒" if crime in (Crime.DOMESTIC_VIOLENCE, Crime.STALKING) else "☐"
        assert f"{mark} {crime.label}" in text, crime
    assert "Nguyễn" in text and "Thị Hồng" in text and "Muñoz" in text
    assert "☒ Female" in text and "☒ Local" in text and "☒ Law enforcement" in text
    assert "Xiong Vang Brother" in text
    assert "Agency X Police Department" in text
    assert "Contact X" in text  # the assigned certifying official
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    for n, page in enumerate(pages, start=1):
        page_flat = flat(page)
        assert HEADER in page_flat
        assert f"Page {n} of {len(pages)}" in page_flat
        assert request.reference in page_flat
        # The edition is data: the one the request was drafted on (FormEdition).
        assert f"Edition {request.form_edition.label}" in page_flat
        assert request.form_edition.label == "01/20/25"
    # Nothing overflowed: Part 7 says so.
    assert text.rstrip().endswith("None")


def test_t_draft_has_every_part_and_item_answered_with_the_checked_trafficking(personas):
    request = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        form_type=FormType.T,
        victim_family_name="Cabdi",
        trafficking_types=[TraffickingType.LABOR_DEBT_BONDAGE.value],
    )
    request = submit_to(request, personas.agency_x)
    pdf = supplement_b_pdf(cert_request=request)
    text = assert_every_item_answered(request, pdf)
    assert "Form I-914, Supplement B: Declaration of Law Enforcement Officer" in text
    assert "Part 3. Statement of Claim" in text and "Part 4. Cooperation of the Victim" in text
    for kind in TraffickingType:
        mark = "☒" if kind == TraffickingType.LABOR_DEBT_BONDAGE else "☐"
        assert f"{mark} {kind.label}" in text
    assert "Edition 01/20/25" in flat(pdf_text(pdf))
    assert "Abduction" not in text  # the U-visa crime list is not on the T form


@pytest.mark.parametrize("form_type", [FormType.U, FormType.T])
def test_a_request_with_every_optional_field_empty_still_has_no_blank_item(personas, form_type):
    request = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        form_type=form_type,
        victim_given_name="",
        victim_date_of_birth=None,
        crimes=[],
        crime_date_from=None,
        crime_city="",
        narrative="",
        helpfulness="",
        occurred_in_us=YesNoUnknown.UNKNOWN,
        family_implicated=YesNoUnknown.UNKNOWN,
    )
    text = assert_every_item_answered(request, supplement_b_pdf(cert_request=request))
    for expected in ("Unknown", "N/A"):
        assert expected in text
    # No A-Number shared: the item stays empty ("None" would be a statement about the victim).
    assert "1. Alien Registration Number (A-Number), if any 2.a. Family name" in text
    assert "None checked by the requester" in text


def _max_request(personas, form_type):
    def fill(field: str, seed: str) -> str:
        size = CertificationRequest._meta.get_field(field).max_length
        return (seed + " ") * (size // (len(seed) + 1)) + "X" * (size % (len(seed) + 1))

    long_text = ("Nguyễn reported the assault and identified the suspect. " * 90).strip()
    request = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        form_type=form_type,
        victim_family_name=fill("victim_family_name", "Nguyễn"),
        victim_given_name=fill("victim_given_name", "Muñoz"),
        victim_middle_name=fill("victim_middle_name", "Cabdi"),
        victim_other_names=fill("victim_other_names", "Xiong"),
        victim_a_number="A123456789",
        crimes=[c.value for c in Crime],
        similar_activity_description=fill("similar_activity_description", "threats"),
        trafficking_types=[t.value for t in TraffickingType],
        crime_city=fill("crime_city", "Minneapolis"),
        statutes_cited=fill("statutes_cited", "609.2242"),
        case_number=fill("case_number", "CASE"),
        narrative=long_text,
        known_injuries=long_text[:3000],
        helpfulness=long_text[:3000],
        family_implicated=YesNoUnknown.YES,
    )
    for n in range(6):
        FamilyMember.objects.create(
            request=request, full_name=f"Member {n} " + "Vang " * 38, relationship="Cousin"
        )
    return submit_to(request, personas.agency_x)


@pytest.mark.parametrize("form_type", [FormType.U, FormType.T])
def test_every_field_at_its_maximum_length_continues_in_part_7(personas, form_type):
    request = _max_request(personas, form_type)
    pdf = supplement_b_pdf(cert_request=request)
    text = assert_every_item_answered(request, pdf)
    part7 = text[text.index("Part 7. Additional Information") :]
    description_item = "5" if form_type == FormType.T else "7"
    for part, item in [(1, "3"), (3, "3"), (3, description_item), (4, "4"), (5, "2")]:
        assert re.search(rf"Entry \d+: Page \d+, Part {part}, Item {item} \(continued\)", part7), (
            part,
            item,
        )
    # The end of the narrative is in Part 7, and its box points there.
    assert "identified the suspect." in part7
    assert "[continued in Part 7, entry" in text[: text.index("Part 7. Additional Information")]
    # The page named in Part 7 is the page the item is on.
    pages = [flat(p) for p in pdf_pages(pdf)]
    match = re.search(rf"Page (\d+), Part 3, Item {description_item} \(continued\)", part7)
    page = pages[int(match.group(1)) - 1]
    label = "Description of the" + (" trafficking" if form_type == FormType.T else " criminal")
    assert label in page
    # Long names wrap but are all there.
    assert flat(pdf_text(pdf)).replace(" ", "").count("Nguyễn") >= 14
    assert len(request.narrative) > BOX_LIMITS["description"]


def test_cover_letter_says_who_asks_for_whom_what_and_by_when(personas):
    request = _full_u_request(personas, in_removal_proceedings=True, detained=True)
    Attachment.objects.create(
        request=request,
        kind=AttachmentKind.NOTICE_TO_APPEAR,
        file="attachments/x",
        original_name="nta.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
    )
    request.organization.address = "1 Example Plaza\nSaint Paul, MN 55101"
    request.organization.save()
    text = flat(pdf_text(cover_letter_pdf(cert_request=request)))
    for expected in [
        HEADER,
        "Organization A Shelter",
        "1 Example Plaza",
        "Agency X Police Department",
        request.reference,
        "Thị Hồng Muñoz Nguyễn",
        "SPPD-25-012345",
        "domestic violence, stalking",
        "Minn. Stat. 611A.95",
        "Expedited request: the victim is in removal proceedings",
        "Organization A Shelter holds the proof of the proceedings",
        "Draft Form I-918 Supplement B",
        "Please return the signed form to",
        "Advocate A",
        "Page 1 of",
    ]:
        assert expected in text, expected
    # Agencies learn of removal proceedings (they set the deadline) and nothing more: not the
    # proof itself, nor a file's original name.
    assert "detain" not in text.lower()
    assert "nta.pdf" not in text


def test_cover_letter_without_removal_proceedings_has_no_expedite(personas):
    request = _full_u_request(personas)
    text = flat(pdf_text(cover_letter_pdf(cert_request=request)))
    assert "Expedited request" not in text
    assert "90 days" in text


def test_agency_answers_replace_the_request_data_on_the_draft(personas):
    from certifications.models import AgencyFormAnswers

    request = _full_u_request(personas)
    answers = AgencyFormAnswers(
        request=request,
        certifying_official_name="Lt. Ana Muñoz",
        case_number="AGENCY-999",
        case_status="ongoing",
        crimes=[Crime.FELONIOUS_ASSAULT.value],
    )
    text = body_text(supplement_b_pdf(cert_request=request, answers=answers))
    assert "Lt. Ana Muñoz" in text and "AGENCY-999" in text and "SPPD-25-012345" not in text
    assert "☒ On-going" in text
    assert "☒ Felonious assault" in text and "☐ Domestic violence" in text


def test_the_draft_prints_the_edition_recorded_on_the_request(personas):
    newer = FormEdition.objects.create(
        form=OfficialForm.I918B,
        edition_date=datetime.date(2026, 9, 1),
        title="Form I-918, Supplement B",
        structure=FormEdition.objects.get(form=OfficialForm.I918B, is_current=True).structure,
    )
    older_request = _full_u_request(personas)
    form_edition_make_current(edition=newer)
    newer_request = make_request(
        organization=personas.org_a, created_by=personas.advocate_a, form_type=FormType.U
    )
    assert "Edition 09/01/26" in flat(pdf_text(supplement_b_pdf(cert_request=newer_request)))
    assert "Edition 01/20/25" in flat(pdf_text(supplement_b_pdf(cert_request=older_request)))
