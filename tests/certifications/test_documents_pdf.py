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
from certifications.documents.drafts import BOX_LIMITS
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


def edition_of(request: CertificationRequest) -> FormEdition:
    return request.form_edition or FormEdition.objects.get(
        form=OfficialForm.I914B if request.form_type == FormType.T else OfficialForm.I918B,
        is_current=True,
    )


def assert_follows_the_edition(request: CertificationRequest, pdf: bytes) -> str:
    """Every part title and item label of the request's edition, in the edition's order, with
    the edition's item numbers."""
    text = body_text(pdf)
    position = 0
    for part in edition_of(request).structure["parts"]:
        heading = f"Part {part['number']}. {part['title']}"
        index = text.find(heading, position)
        assert index >= 0, f"{heading!r} missing or out of order"
        position = index + len(heading)
        for item in part["items"]:
            if item["kind"] == "additional_info":
                continue
            label = f"{item['number']}. {flat(item['label'])}"
            index = text.find(label, position)
            assert index >= 0, f"Part {part['number']} item {label!r} missing or out of order"
            position = index + len(label)
    return text


def answer_of(text: str, label_start: str, next_label_start: str) -> str:
    """The text between an item's label and the next item's."""
    start = text.index(label_start)
    end = text.index(next_label_start, start + len(label_start))
    return text[start:end]


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


def test_u_draft_follows_the_edition_item_by_item_with_the_checked_crimes(personas):
    request = _full_u_request(personas)
    pdf = supplement_b_pdf(cert_request=request)
    text = assert_follows_the_edition(request, pdf)
    crimes = edition_of(request).structure["parts"][2]["items"][0]["options"]
    assert len(crimes) == 31
    for crime in crimes:
        mark = "☒" if crime["value"] in ("domestic_violence", "stalking") else "☐"
        assert f"{mark} {crime['label']}" in text, crime
    assert "Nguyễn" in text and "Thị Hồng" in text and "Muñoz" in text
    assert "☒ Female" in text and "☒ Local" in text and "☒ Law Enforcement" in text
    member = answer_of(text, "2. Family Member 1", "3. Family Member 2")
    assert "Xiong Vang" in member and "Brother" in member and "Involvement" in member
    assert "Agency X Police Department" in text and "Contact X" in text
    # The four date boxes of Part 3 Item 2.
    dates = answer_of(text, "2. Date or dates", "3. List the statutory")
    assert all(box in dates for box in ("2.a", "2.b", "2.c", "2.d", "03/01/2025", "04/02/2025"))
    pages = pdf_pages(pdf)
    for n, page in enumerate(pages, start=1):
        page_flat = flat(page)
        assert HEADER in page_flat
        assert f"Page {n} of {len(pages)}" in page_flat
        assert request.reference in page_flat
        # The edition is data: the one the request was drafted on (FormEdition).
        assert f"Edition {request.form_edition.label}" in page_flat


def test_the_draft_has_no_box_or_item_the_edition_lacks(personas):
    request = _full_u_request(personas, occurred_in_us=YesNoUnknown.UNKNOWN)
    text = body_text(supplement_b_pdf(cert_request=request))
    for absent in (
        "☐ Unknown",
        "☒ Unknown",
        "☐ N/A",
        "Other: any similar activity",
        "Not stated",
        "Location where the criminal activity occurred",
        "Agency phone number",
        "Agency fax number",
        "Division or office",
        "E-mail",
    ):
        assert absent not in text, absent
    # Phone and fax are in Part 6, as on the form.
    part6 = text[text.index("Part 6. Certification") :]
    assert "3. Certifying Official's Daytime Telephone Number 651-555-0100" in part6
    assert "4. Certifying Official's Fax Number" in part6


def test_nothing_the_official_decides_is_pre_checked(personas):
    request = _full_u_request(personas)
    text = body_text(supplement_b_pdf(cert_request=request))
    part4 = text[text.index("Part 4. Helpfulness") : text.index("Part 5. Family")]
    assert "☒" not in part4
    # Items 1-3 wait for the official; Item 4 only once Item 3 is answered "Yes".
    assert part4.count("For the certifying official to answer.") == 3
    # The capacity is the agency's to state.
    assert "☐ Head of the certifying agency ☐ Official designated by the head of the agency" in text
    assert "☒ Head" not in text


def test_the_agencys_answers_show_on_the_draft(personas):
    from certifications.models import AgencyFormAnswers

    request = _full_u_request(personas)
    answers = AgencyFormAnswers(
        request=request,
        possesses_information=YesNoUnknown.YES,
        has_been_helpful=YesNoUnknown.YES,
        refused_assistance=YesNoUnknown.NO,
        case_number="AGENCY-999",
        case_status="ongoing",
        crimes=[Crime.FELONIOUS_ASSAULT.value],
    )
    text = body_text(supplement_b_pdf(cert_request=request, answers=answers))
    part4 = text[text.index("Part 4. Helpfulness") : text.index("Part 5. Family")]
    assert part4.count("☒ Yes ☐ No") == 2 and part4.count("☐ Yes ☒ No") == 1
    assert "AGENCY-999" in text and "SPPD-25-012345" not in text
    assert "☒ On-going" in text
    assert "☒ Felonious Assault" in text and "☐ Domestic Violence" in text


def test_t_draft_follows_the_i914_edition(personas):
    request = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        form_type=FormType.T,
        victim_family_name="Cabdi",
        trafficking_types=[TraffickingType.LABOR_DEBT_BONDAGE.value],
    )
    request = submit_to(request, personas.agency_x)
    pdf = supplement_b_pdf(cert_request=request)
    text = assert_follows_the_edition(request, pdf)
    assert "Declaration for Trafficking Victim" in text
    assert "Abduction" not in text  # the U-visa crime list is not on the T form
    assert "☒" in text[text.index("Part 3.") : text.index("2. Date or dates")]


@pytest.mark.parametrize("form_type", [FormType.U, FormType.T])
def test_an_empty_required_item_says_only_what_the_edition_allows(personas, form_type):
    request = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        form_type=form_type,
        victim_given_name="",
        victim_date_of_birth=None,
        victim_other_names="",
        crimes=[],
        crime_date_from=None,
        crime_date_to=None,
        crime_city="",
        narrative="",
        known_injuries="",
        helpfulness="",
        occurred_in_us=YesNoUnknown.UNKNOWN,
        family_implicated=YesNoUnknown.UNKNOWN,
    )
    text = assert_follows_the_edition(request, supplement_b_pdf(cert_request=request))
    # Date of birth allows "Unknown"; other names allow "None" only; the injury allows both
    # and gets "Unknown" (the requester does not know; "None" would be a statement).
    assert "4. Date of Birth (mm/dd/yyyy) Unknown 5. Gender" in text
    injury = answer_of(text, "Provide a description of any known", "Part 4.")
    assert injury.endswith("victim. Unknown ")
    dates = answer_of(text, "2. Date or dates", "3. List the statutory")
    assert dates.endswith("Unknown ")
    # No A-Number shared: the item stays empty ("None" would be a statement about the victim).
    assert "1. Alien Registration Number (A-Number) (if any) 2. Full Legal Name" in text
    # The description has no "allows": it stays empty for the agency.
    description = answer_of(text, "Provide a description of the", "Provide a description of any")
    assert "Unknown" not in description and "None" not in description


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
            request=request, full_name=f"Member {n} Vang", relationship="Cousin"
        )
    return submit_to(request, personas.agency_x)


@pytest.mark.parametrize("form_type", [FormType.U, FormType.T])
def test_long_answers_continue_in_the_additional_information_part(personas, form_type):
    request = _max_request(personas, form_type)
    pdf = supplement_b_pdf(cert_request=request)
    text = assert_follows_the_edition(request, pdf)
    part7 = text[text.index("Part 7. Additional Information") :]
    description_item = "4" if form_type == FormType.T else "6"
    for part, item in [(3, "3"), (3, description_item), (4, "5"), (5, "4")]:
        assert re.search(
            rf"Entry \d+: Page \d+, Part {part}, Item Number {item} \(continued\)", part7
        ), (part, item)
    assert "identified the suspect." in part7
    assert "Member 5 Vang (Cousin)" in part7
    # The page named in Part 7 is the page the item is on.
    pages = [flat(p) for p in pdf_pages(pdf)]
    match = re.search(rf"Page (\d+), Part 3, Item Number {description_item} \(continued\)", part7)
    assert "Provide a description of the" in pages[int(match.group(1)) - 1]
    assert len(request.narrative) > BOX_LIMITS["crime.description"]


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


def test_the_agencys_documents_stay_in_english_from_a_spanish_page(personas):
    """The draft, the cover letter and their snapshot go to the agency in English whatever
    the language of the page they were asked from (docs/languages.md): same text, same hash."""
    from django.utils import translation

    from certifications.documents.inputs import content_hash, document_inputs
    from certifications.documents.render import html_for
    from certifications.models import DocumentKind

    request = _full_u_request(personas)
    english = document_inputs(cert_request=request, today=datetime.date(2026, 3, 2))
    with translation.override("es"):
        spanish = document_inputs(cert_request=request, today=datetime.date(2026, 3, 2))
        html = {kind: html_for(kind, english) for kind in DocumentKind.values}
        assert translation.get_language() == "es"
    assert spanish == english
    for kind in DocumentKind.values:
        assert content_hash(kind=kind, inputs=spanish) == content_hash(kind=kind, inputs=english)
        assert html[kind] == html_for(kind, english)


def test_in_english_runs_in_the_portals_language_and_restores_the_pages():
    from django.utils import translation

    from certifications.documents.common import in_english

    @in_english
    def language_inside():
        return translation.get_language(), translation.gettext("Withdrawn")

    with translation.override("es"):
        assert language_inside() == ("en", "Withdrawn")
        assert translation.get_language() == "es"
        assert translation.gettext("Withdrawn") != "Withdrawn"
