"""Text safety in documents: stored in NFC, bidirectional controls removed on input and before
rendering (and isolated by <bdi> where they slip through), and every script of the names
Minnesota's communities use printed with a font that has its glyphs (no empty boxes)."""

from __future__ import annotations

import functools
import re
import subprocess
import unicodedata
from io import BytesIO

import pytest
from django.urls import reverse
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from certifications.documents.inputs import document_inputs
from certifications.documents.render import cover_letter_pdf, render_pdf, supplement_b_pdf
from certifications.models import AgencyFormAnswers, CertificationRequest, DocumentKind
from certifications.text import BIDI_CONTROLS, text_clean
from tests.factories import CountyFactory, make_request

from .documents_helpers import flat, pdf_text, submit_to
from .intake_support import fast_passwords, private_media  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords", "private_media")]

RLO = "\u202e"
# Names from Minnesota's communities, typed the way keyboards produce them: Vietnamese with
# combining marks (NFD), Yoruba with a dot below and tones, Hawaiian with the ʻokina and kahakō,
# Amharic (Ethiopic), Somali and Arabic, Karen (Myanmar script), and an emoji.
VIETNAMESE_NFD = unicodedata.normalize("NFD", "Nguyễn Thị Hồng")
YORUBA = "Ọlábísí Adébáyọ̀"
HAWAIIAN = "ʻŌlelo Kaʻahumanu"
AMHARIC = "ተስፋዬ ሰላም"
ARABIC = "فاطمة"
KAREN = "ကညီ"
EMOJI = "🌹"
# The font each script must come from (DejaVu Sans first, then the Noto families).
SCRIPT_FONTS = {
    unicodedata.normalize("NFC", VIETNAMESE_NFD): "DejaVu-Sans",
    YORUBA: "DejaVu-Sans",
    HAWAIIAN: "DejaVu-Sans",
    AMHARIC: "Noto-Sans-Ethiopic",
    KAREN: "Noto-Sans-Myanmar",
    EMOJI: "Noto-Color-Emoji",
}


def test_text_clean_composes_to_nfc_and_removes_every_bidi_control():
    assert text_clean(VIETNAMESE_NFD) == "Nguyễn Thị Hồng"
    assert text_clean(VIETNAMESE_NFD) == unicodedata.normalize("NFC", VIETNAMESE_NFD)
    for control in BIDI_CONTROLS:
        assert text_clean(f"Saint {control}Paul") == "Saint Paul"
    assert len(BIDI_CONTROLS) == 12
    # Joiners are not direction controls: emoji sequences and Persian words need them.
    assert text_clean("👩\u200d👧 می\u200cخواهم") == "👩\u200d👧 می\u200cخواهم"


@pytest.fixture
def advocate(client, personas):
    client.force_login(personas.advocate_a)
    return client


def test_the_intake_form_stores_names_in_nfc_without_direction_controls(advocate, personas):
    response = advocate.post(
        reverse("certifications:new"),
        {
            "form_type": "U",
            "victim_family_name": f"{RLO}{VIETNAMESE_NFD}",
            "victim_given_name": f"{YORUBA}\u2066",
            "victim_other_names": f"{HAWAIIAN}\u200f; {ARABIC}\u061c",
            "victim_date_of_birth": "1990-05-17",
            "victim_gender": "female",
            "go": "next",
        },
    )
    assert response.status_code == 302
    obj = CertificationRequest.objects.get()
    assert obj.victim_family_name == "Nguyễn Thị Hồng"
    assert obj.victim_given_name == YORUBA
    assert obj.victim_other_names == f"{HAWAIIAN}; {ARABIC}"
    county = CountyFactory(name="Ramsey", fips="27123")
    response = advocate.post(
        reverse("certifications:edit", args=[obj.pk, "crime"]),
        {
            "crimes": ["domestic_violence"],
            "crime_date_from": "2025-12-24",
            "crime_city": f"Saint {RLO}Paul",
            "crime_county": str(county.pk),
            "occurred_in_us": "yes",
            "requested_agency": str(personas.agency_x.pk),
            "go": "next",
        },
    )
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.crime_city == "Saint Paul"


def test_the_agencys_answers_are_stored_without_direction_controls(client, personas):
    cert_request = submit_to(
        make_request(organization=personas.org_a, created_by=personas.advocate_a),
        personas.agency_x,
    )
    client.force_login(personas.contact_x)
    response = client.post(
        reverse("certifications:document_agency_answers_save", args=[cert_request.pk]),
        {
            "occurred_in_us": "no",
            "crime_location": f"Saint {RLO}Paul",
            "official_family_name": VIETNAMESE_NFD,
        },
    )
    assert response.status_code == 302
    answers = AgencyFormAnswers.objects.get(request=cert_request)
    assert answers.crime_location == "Saint Paul"
    assert answers.official_family_name == "Nguyễn Thị Hồng"


def _legacy_request(personas, **fields) -> CertificationRequest:
    """Text stored before the rule (or through no form): a U+202E in the city, NFD names."""
    cert_request = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        victim_family_name=VIETNAMESE_NFD,
        victim_given_name=YORUBA,
        victim_other_names=f"{HAWAIIAN}; {AMHARIC}; {ARABIC}; {KAREN}; {EMOJI} Rose",
        crime_city=f"Saint {RLO}Paul",
        crime_county=CountyFactory(name="Ramsey", fips="27123"),
        **fields,
    )
    return submit_to(cert_request, personas.agency_x)


@pytest.mark.parametrize("render", [supplement_b_pdf, cover_letter_pdf])
def test_a_stored_direction_override_never_reaches_the_documents(personas, render):
    # The worksheet prints the place in Part 3 Item 4.b, asked only when the activity did not
    # occur in the United States.
    extra = {"occurred_in_us": "no"} if render is supplement_b_pdf else {}
    pdf = render(cert_request=_legacy_request(personas, **extra))
    text = pdf_text(pdf)
    assert RLO not in text
    assert "Saint Paul, Ramsey County, Minnesota" in flat(text)
    # pdftotext marks right-to-left runs with embeddings; none reversed the Latin text.
    assert "luaP" not in text


def test_an_override_that_slips_through_stays_inside_its_answer(personas):
    """<bdi> around what people typed: even unremoved, a U+202E cannot reverse the documents'
    own text that follows it on the line."""
    snapshot = document_inputs(cert_request=_legacy_request(personas))
    snapshot["victim"]["given_name"] = f"Lan {RLO}Thi"
    snapshot["case_number"] = f"SP-{RLO}25"
    letter = flat(pdf_text(render_pdf(DocumentKind.COVER_LETTER, snapshot)))
    assert ", born 05/17/1990 (other names used:" in letter
    assert "Case or report number:" in letter
    assert "and has been helpful to your agency's investigation or prosecution" in letter


@functools.cache
def _font_file(base_font: str) -> str:
    """The system font file of an embedded font (`ABCDEF+Noto-Sans-Ethiopic` and the like)."""
    family = base_font.split("+", 1)[-1].replace("-Bold", "").replace("-Oblique", "")
    family = family.replace("-", " ")
    return subprocess.run(
        ["fc-match", "-f", "%{file}", family], capture_output=True, text=True, check=True
    ).stdout


@functools.cache
def _cmap(path: str) -> frozenset[int]:
    return frozenset(TTFont(path, fontNumber=0).getBestCmap())


def _runs(pdf: bytes) -> list[tuple[str, str]]:
    """(font, text) of every piece of text on every page."""
    runs: list[tuple[str, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font:
            runs.append((str(font.get("/BaseFont")), text))

    for page in PdfReader(BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return runs


@pytest.mark.parametrize("render", [supplement_b_pdf, cover_letter_pdf])
def test_every_script_prints_with_a_font_that_has_its_glyphs(personas, render):
    # The worksheet prints the place in Part 3 Item 4.b, asked only when the activity did not
    # occur in the United States.
    extra = {"occurred_in_us": "no"} if render is supplement_b_pdf else {}
    pdf = render(cert_request=_legacy_request(personas, **extra))
    runs = _runs(pdf)
    for name, font in SCRIPT_FONTS.items():
        holders = [f for f, text in runs if name in unicodedata.normalize("NFC", text)]
        assert holders, f"{name!r} is not in the PDF"
        assert all(font in f for f in holders), (name, holders)
    # No empty boxes: every character is in the font it was drawn with (glyph 0 is .notdef).
    for font, text in runs:
        missing = {c for c in text if not c.isspace() and ord(c) not in _cmap(_font_file(font))}
        assert not missing, (font, missing)
    text = flat(pdf_text(pdf))
    assert ARABIC in text and AMHARIC in text and KAREN in text and EMOJI in text
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True).stdout.decode()
    for family in ("Noto-Sans-Ethiopic", "Noto-Sans-Myanmar", "Noto-Color-Emoji"):
        assert family in fonts


def test_digits_stay_in_the_text_font(personas):
    # Noto Color Emoji has glyphs for 0-9 (keycaps): the letters' font must keep them.
    pdf = supplement_b_pdf(cert_request=_legacy_request(personas))
    for font, text in _runs(pdf):
        if re.search(r"\d", text):
            assert "Emoji" not in font, text


def test_family_members_and_messages_are_stored_the_same_way():
    from certifications.forms.advocate import ProvideInfoForm
    from certifications.forms.intake import FamilyMemberForm

    member = FamilyMemberForm({"full_name": f"{RLO}{VIETNAMESE_NFD}", "relationship": "Brother"})
    assert member.is_valid()
    assert member.cleaned_data["full_name"] == "Nguyễn Thị Hồng"
    message = ProvideInfoForm({"message": f"Report from {VIETNAMESE_NFD}\u2067"})
    assert message.is_valid()
    assert message.cleaned_data["message"] == "Report from Nguyễn Thị Hồng"
