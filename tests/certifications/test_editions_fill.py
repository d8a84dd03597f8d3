"""USCIS's official PDF filled for a request, read back field by field with pypdf."""

from __future__ import annotations

import datetime
import io
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from certifications.access import certification_request_access
from certifications.choices import Crime, FormType, Gender, TraffickingType, YesNoUnknown
from certifications.editions.fill import FONT_RESOURCE, SEE_PART_7
from certifications.editions.pdf import base_name
from certifications.models import CertificationRequest, FamilyMember, FormEdition, OfficialForm
from certifications.services.documents import agency_form_answers_update
from certifications.services.editions import official_form_fill, official_form_load
from tests.factories import make_request

from .documents_helpers import submit_to
from .official_pdf import official_pdf

pytestmark = pytest.mark.django_db

P0 = "form1[0].#subform[0]."
P1 = "form1[0].#subform[1]."
P2 = "form1[0].#subform[2]."
P4 = "form1[0].pg4[0]."
P7 = "form1[0].#subform[4]."
# Vietnamese (precomposed), Yoruba (a dot below and a combining grave: no precomposed form),
# Hawaiian (ʻokina and kahakō).
VIETNAMESE = ("Nguyễn", "Thị Ánh Tuyết")
YORUBA = "Ọlárẹ̀wájú"
HAWAIIAN = "ʻŌlelo Kalāheo"


def load(form=OfficialForm.I918B, **variant) -> FormEdition:
    edition = FormEdition.objects.get(form=form, is_current=True)
    official_form_load(edition=edition, content=official_pdf(form, **variant))
    edition.refresh_from_db()
    return edition


def fields(pdf: bytes) -> dict[str, object]:
    """Every field's value by its name without suffix ("" when empty)."""
    reader = PdfReader(io.BytesIO(pdf))
    return {base_name(name): f.get("/V", "") or "" for name, f in reader.get_fields().items()}


@pytest.fixture
def u_request(personas):
    request = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        form_type=FormType.U,
        victim_family_name=VIETNAMESE[0],
        victim_given_name=VIETNAMESE[1],
        victim_middle_name=YORUBA,
        victim_other_names=HAWAIIAN,
        victim_gender=Gender.FEMALE,
        victim_a_number="A123456789",
        victim_date_of_birth=datetime.date(1990, 5, 17),
        crimes=[Crime.DOMESTIC_VIOLENCE.value, Crime.STALKING.value],
        crime_date_from=datetime.date(2025, 3, 1),
        crime_date_to=datetime.date(2025, 3, 4),
        statutes_cited="Minn. Stat. 609.2242",
        case_number="SPPD-25-001",
        narrative="Assaulted at home; reported the same night.",
        known_injuries="Bruises.",
        family_implicated=YesNoUnknown.NO,
    )
    return submit_to(request, personas.agency_x)


def fill_as(user, cert_request) -> bytes:
    access = certification_request_access(user=user, pk=cert_request.pk)
    return official_form_fill(access=access).content


def test_every_known_item_is_filled_and_names_come_back_exactly(personas, u_request):
    load()
    values = fields(fill_as(personas.contact_x, u_request))
    expected = {
        f"{P0}Pt1Line2a_FamilyName[0]": VIETNAMESE[0],
        f"{P0}Pt1Line2a_GivenName[0]": VIETNAMESE[1],
        f"{P0}Pt1Line2a_MiddleName[0]": YORUBA,
        f"{P0}Pt1Line3a_FamilyName[0]": HAWAIIAN,
        f"{P0}P1_Line4_DateOfBirth[0]": "05/17/1990",
        f"{P0}Part1_5_checkboxes[0]": "/Female",
        f"{P0}Part1_5_checkboxes[1]": "/Off",
        f"{P0}Pt2Line1_CertifyingAgency[0]": "Agency X Police Department",
        f"{P0}Pt2Line2c_FamilyName[0]": "Contact X",
        f"{P0}Pt2Line3_TitleandDivisionOffice[0]": "Sergeant",
        f"{P0}StreetNumberName[0]": "15 Kellogg Blvd W",
        f"{P0}CityTown[0]": "Saint Paul",
        f"{P0}Pt2Line5_ZipCode[0]": "55102",
        f"{P0}Part2_Line6_checkboxes[2]": "/Local",
        f"{P0}Part2_Line8_checkboxes[0]": "/LawEnforcement",
        f"{P0}Part2_Line9_CaseNumber[0]": "SPPD-25-001",
        f"{P1}Part3_Line1_checkboxes[3]": "/DomesticViolence",
        f"{P1}Part3_Line1_checkboxes[23]": "/Stalking",
        f"{P1}Part3_Line1_checkboxes[0]": "/Off",
        f"{P1}Part3_Line2a_Date[0]": "03/01/2025",
        f"{P1}Part3_Line2b_Date[0]": "03/04/2025",
        f"{P1}Part3_Line2c_Date[0]": "",
        f"{P1}Part3_Line3_Citations[0]": "Minn. Stat. 609.2242",
        f"{P1}Part3_Line4a_chbxyesno[0]": "/Yes",
        f"{P1}Part3_Line6_Explanation[0]": "Assaulted at home; reported the same night.",
        f"{P1}Part3_Line7_Explanation[0]": "Bruises.",
        f"{P4}Part5_Line1_chbxyesno[1]": "/No",
        f"{P4}Part6_Line3_DaytimePhoneNumber[0]": "651-555-0100",
        # Part 7's header repeats Part 1 and Part 2.
        f"{P7}Pt1Line2a_FamilyName[1]": VIETNAMESE[0],
        f"{P7}Pt1Line2a_MiddleName[1]": YORUBA,
        f"{P7}Pt2Line1_CertifyingAgency[1]": "Agency X Police Department",
    }
    assert {name: values[name] for name in expected} == expected
    # The signature is in ink; the date only once the agency records it; the official's
    # own answers (Part 4) are not pre-checked.
    assert values[f"{P4}Pt1Line13_ApplicantSignature[0]"] == ""
    assert values[f"{P4}Part6_Line2_Date[0]"] == ""
    for line in (1, 2, 3):
        for box in (0, 1):
            assert values[f"{P2}Part4_Line{line}_chbxyesno[{box}]"] == "/Off"
    # 8 U.S.C. 1367: the A-Number is not on the form unless the advocate shares it.
    assert values[f"{P0}Part1_Line1_AlienNumber[0]"] == ""


def test_the_a_number_is_on_the_form_when_the_advocate_shares_it(personas, u_request):
    """One rule for what the agency sees (`access.agency_view_of`): the official form too."""
    load()
    CertificationRequest.objects.filter(pk=u_request.pk).update(a_number_shared=True)
    u_request.refresh_from_db()
    for user in (personas.contact_x, personas.advocate_a):
        values = fields(fill_as(user, u_request))
        assert values[f"{P0}Part1_Line1_AlienNumber[0]"] == "123456789"


def test_the_agencys_answers_fill_parts_2_to_4(personas, u_request):
    load()
    agency_form_answers_update(
        cert_request=u_request,
        actor=personas.contact_x,
        answers={
            "official_capacity": "head",
            "official_family_name": "Hoàng",
            "official_given_name": "Văn Minh",
            "official_middle_name": "Thị",
            "possesses_information": YesNoUnknown.YES,
            "has_been_helpful": YesNoUnknown.YES,
            "refused_assistance": YesNoUnknown.NO,
            "helpfulness_explanation": "Gave a statement; testified.",
            "case_status": "ongoing",
        },
    )
    values = fields(fill_as(personas.contact_x, u_request))
    assert values[f"{P0}Pt2Line2c_FamilyName[0]"] == "Hoàng"
    assert values[f"{P0}Pt2Line2c_GivenName[0]"] == "Văn Minh"
    assert values[f"{P0}Pt2Line2c_MiddleName[0]"] == "Thị"
    # The head of the agency signs: Part 2 Item 4 does not apply.
    assert values[f"{P0}Pt2Line4a_FamilyName[0]"] == "N/A"
    assert values[f"{P0}Part2_Line7_checkboxes[0]"] == "/Ongoing"
    assert values[f"{P2}Part4_Line1_chbxyesno[0]"] == "/Yes"
    assert values[f"{P2}Part4_Line2_chbxyesno[0]"] == "/Yes"
    assert values[f"{P2}Part4_Line3_chbxyesno[1]"] == "/No"
    assert values[f"{P2}Part4_Line3_chbxyesno[0]"] == "/Off"
    assert values[f"{P2}Part4_Line5_Other[0]"] == "Gave a statement; testified."


def test_the_date_of_the_wet_signature_goes_in_part_6(personas, u_request):
    load()
    u_request.signature_date = datetime.date(2026, 11, 30)
    u_request.save(update_fields=["signature_date"])
    values = fields(fill_as(personas.contact_x, u_request))
    assert values[f"{P4}Part6_Line2_Date[0]"] == "11/30/2026"
    assert values[f"{P4}Pt1Line13_ApplicantSignature[0]"] == ""


def test_xfa_and_usage_rights_are_removed_and_the_form_stays_editable(personas, u_request):
    load(xfa=True, empty_password=True, suffix="Qx7")
    pdf = fill_as(personas.contact_x, u_request)
    reader = PdfReader(io.BytesIO(pdf))
    assert not reader.is_encrypted
    root = reader.trailer["/Root"]
    acro_form = root["/AcroForm"]
    assert "/XFA" not in acro_form
    assert "/Perms" not in root
    assert "/NeedsRendering" not in root
    # Real appearances are drawn: no reader should redraw them with a font lacking the letters.
    assert acro_form["/NeedAppearances"] is False or acro_form["/NeedAppearances"] == False  # noqa: E712
    for name, field in reader.get_fields().items():
        assert not int(field.get("/Ff", 0)) & 1, f"{name} is read-only"
    assert fields(pdf)[f"{P0}Pt1Line2a_FamilyName[0]"] == VIETNAMESE[0]


def test_appearances_are_drawn_in_an_embedded_font_that_has_every_letter(personas, u_request):
    load()
    reader = PdfReader(io.BytesIO(fill_as(personas.contact_x, u_request)))
    font = reader.trailer["/Root"]["/AcroForm"]["/DR"]["/Font"][FONT_RESOURCE].get_object()
    assert font["/Subtype"] == "/Type0"
    descendant = font["/DescendantFonts"][0].get_object()
    embedded = descendant["/FontDescriptor"]["/FontFile2"].get_data()
    cmap = TTFont(io.BytesIO(embedded)).getBestCmap()
    for text in (*VIETNAMESE, YORUBA, HAWAIIAN):
        missing = [c for c in text if ord(c) not in cmap]
        assert not missing, f"no glyph for {missing!r} in {text!r}"
    # A subset, not the whole font: small enough to send to an agency by e-mail.
    assert len(embedded) < 250_000
    widget = next(
        a.get_object()
        for a in reader.pages[0]["/Annots"]
        if a.get_object().get("/T") == "Pt1Line2a_FamilyName[0]"
    )
    assert FONT_RESOURCE in widget["/DA"]
    assert FONT_RESOURCE.encode() in widget["/AP"]["/N"].get_object().get_data()


def test_text_too_long_continues_in_part_7_with_its_page_part_and_item(personas, u_request):
    load()
    narrative = "The victim reported repeated assaults over two years. " * 6
    u_request.narrative = narrative.strip()
    u_request.save(update_fields=["narrative"])
    values = fields(fill_as(personas.contact_x, u_request))
    assert values[f"{P1}Part3_Line6_Explanation[0]"] == SEE_PART_7
    assert values[f"{P7}P8_Line4a_PageNumber[0]"] == "2"
    assert values[f"{P7}P8_Line4b_PartNumber[0]"] == "3"
    assert values[f"{P7}P8_Line4c_ItemNumber[0]"] == "6"
    assert values[f"{P7}Part7_Line4d_AdditionalInfo[0]"] == narrative.strip()


def test_a_continuation_longer_than_its_block_takes_the_next_one(personas, u_request):
    load()
    narrative = " ".join(
        f"Sentence {n} of the victim's account of the assaults." for n in range(80)
    )
    u_request.narrative = narrative
    u_request.save(update_fields=["narrative"])
    values = fields(fill_as(personas.contact_x, u_request))
    blocks = [
        values[f"{P7}Part7_Line4d_AdditionalInfo[0]"],
        values[f"{P7}Part7_Line5d_AdditionalInfo[0]"],
        values[f"{P7}Part7_Line6d_AdditionalInfo[0]"],
    ]
    assert all(blocks)
    assert " ".join(blocks) == narrative
    # Each block says where it belongs.
    assert values[f"{P7}Part7_Line5a_PageNumber[0]"] == "2"
    assert values[f"{P7}Part7_Line5a_PartNumber[0]"] == "3"
    assert values[f"{P7}Part7_Line5a_ItemNumber[0]"] == "6"
    assert values[f"{P7}P8_Line6c_ItemNumber[0]"] == "6"


def test_more_continuations_than_blocks_share_the_last_block(personas, u_request):
    small = (
        f"{P0}Pt1Line2a_FamilyName[0]",
        f"{P0}Pt1Line2a_GivenName[0]",
        f"{P0}Pt1Line2a_MiddleName[0]",
        f"{P0}Pt1Line3a_FamilyName[0]",
    )
    load(small=small)
    values = fields(fill_as(personas.contact_x, u_request))
    assert values[f"{P0}Pt1Line2a_GivenName[0]"] == SEE_PART_7
    assert values[f"{P7}Part7_Line4d_AdditionalInfo[0]"] == VIETNAMESE[0]
    assert values[f"{P7}P8_Line4c_ItemNumber[0]"] == "2.a"
    assert values[f"{P7}Part7_Line5d_AdditionalInfo[0]"] == VIETNAMESE[1]
    last = values[f"{P7}Part7_Line6d_AdditionalInfo[0]"]
    assert last == f"Page 1, Part 1, Item 2.c: {YORUBA}\n\nPage 1, Part 1, Item 3.a: {HAWAIIAN}"


def test_the_i914b_is_filled_from_its_own_mapping(personas):
    request = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        form_type=FormType.T,
        victim_family_name=VIETNAMESE[0],
        trafficking_types=[TraffickingType.LABOR_PEONAGE.value],
    )
    request = submit_to(request, personas.agency_x)
    load(OfficialForm.I914B)
    values = fields(fill_as(personas.contact_x, request))
    assert values[f"{P0}Pt1Line2a_FamilyName[0]"] == VIETNAMESE[0]
    assert values[f"{P1}Part3_Line1_checkboxes[3]"] == "/LaborPeonage"
    assert values[f"{P1}Part3_Line1_checkboxes[0]"] == "/Off"


def test_every_page_renders(personas, u_request, tmp_path):
    load(xfa=True, empty_password=True)
    path = Path(tmp_path) / "filled.pdf"
    path.write_bytes(fill_as(personas.contact_x, u_request))
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 5
    assert all(page.stat().st_size > 1000 for page in pages)


def test_the_download_is_the_filled_form(client, personas, u_request):
    load()
    client.force_login(personas.contact_x)
    response = client.get(reverse("certifications:official_form_download", args=[u_request.pk]))
    assert response.status_code == 200
    assert fields(response.content)[f"{P0}Pt1Line2a_MiddleName[0]"] == YORUBA


def test_family_members_beyond_the_forms_three_rows_continue_in_part_7(personas, u_request):
    load()
    u_request.family_implicated = YesNoUnknown.YES
    u_request.save(update_fields=["family_implicated"])
    for name, relationship in [
        ("Trần Văn Bình", "Spouse"),
        ("Adébáyọ̀ Ọlá", "Brother"),
        ("Kahananui Keola", "Cousin"),
        ("Ayaan Cabdi", "Uncle"),
    ]:
        FamilyMember.objects.create(request=u_request, full_name=name, relationship=relationship)
    values = fields(fill_as(personas.contact_x, u_request))
    assert values[f"{P4}Part5_Line1_chbxyesno[0]"] == "/Yes"
    assert values[f"{P4}Part5_Line2_FamilyName[0]"] == "Trần Văn Bình"
    assert values[f"{P4}Part5_Line2_Relationship[0]"] == "Spouse"
    assert values[f"{P4}Part5_Line3_FamilyName[0]"] == "Adébáyọ̀ Ọlá"
    assert values[f"{P4}Part5_Line4_FamilyName[0]"] == "Kahananui Keola"
    assert values[f"{P7}Part7_Line4d_AdditionalInfo[0]"] == "Ayaan Cabdi (Uncle)"
    assert values[f"{P7}P8_Line4a_PageNumber[0]"] == "4"
    assert values[f"{P7}P8_Line4b_PartNumber[0]"] == "5"
    assert values[f"{P7}P8_Line4c_ItemNumber[0]"] == "4"
