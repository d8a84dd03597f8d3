"""Loading USCIS's official PDF of an edition: accepted as USCIS publishes it, refused (with
each problem named, and nothing changed) when it is not that form."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse
from pypdf import PdfWriter

from accounts.models import AuditAction, AuditEntry
from certifications.editions.pdf import base_name, mapped_names
from certifications.models import FormEdition, OfficialForm
from certifications.services.editions import (
    OfficialPdfError,
    form_edition_make_current,
    form_editions_load_data,
    official_form_load,
)

from .official_pdf import official_pdf

pytestmark = pytest.mark.django_db

P0 = "form1[0].#subform[0]."
P1 = "form1[0].#subform[1]."


def _edition(form=OfficialForm.I918B) -> FormEdition:
    return FormEdition.objects.get(form=form, is_current=True)


def test_the_data_files_hold_both_forms_editions_seven_parts_each():
    for form, title in (
        (OfficialForm.I918B, "U Nonimmigrant Status Certification"),
        (OfficialForm.I914B, "Declaration for Trafficking Victim"),
    ):
        edition = _edition(form)
        assert edition.label == "01/20/25"
        assert title in edition.title
        assert [p["number"] for p in edition.structure["parts"]] == [1, 2, 3, 4, 5, 6, 7]
        keys = edition.item_keys()
        assert len(keys) == len(set(keys))
        assert set(keys) == set(edition.field_map)
        for item in edition.items():
            assert item["answered_by"] in {"requester", "agency", "official"}
            assert set(item["allows"]) <= {"None", "N/A", "Unknown"}
    assert _edition(OfficialForm.I918B).verified is True
    # No field map of the I-914 Supplement B was at hand: its mapping is marked unverified.
    assert _edition(OfficialForm.I914B).verified is False


def test_loading_the_data_again_keeps_what_an_administrator_changed():
    edition = _edition()
    FormEdition.objects.filter(pk=edition.pk).update(title="Checked by the administrator")
    newer = FormEdition.objects.create(
        form=OfficialForm.I918B, edition_date=datetime.date(2026, 6, 1), title="Next"
    )
    form_edition_make_current(edition=newer)
    assert form_editions_load_data() == []
    edition.refresh_from_db()
    assert edition.title == "Checked by the administrator"
    assert _edition() == newer
    FormEdition.objects.filter(form=OfficialForm.I914B).delete()
    created = form_editions_load_data()
    assert [e.form for e in created] == [OfficialForm.I914B]
    assert _edition(OfficialForm.I914B).label == "01/20/25"


def test_the_i918b_map_names_the_official_pdfs_fields():
    edition = _edition()
    part3 = edition.field_map["crime.activities"]["options"]
    assert len(part3) == 31
    assert part3["abduction"]["field"] == f"{P1}Part3_Line1_checkboxes[0]"
    assert edition.field_map["victim.name"]["family"][0] == f"{P0}Pt1Line2a_FamilyName[0]"
    assert "certification.signature" in edition.field_map


def test_only_one_edition_of_a_form_can_be_current():
    current = _edition()
    with pytest.raises(IntegrityError), transaction.atomic():
        FormEdition.objects.create(
            form=OfficialForm.I918B,
            edition_date=datetime.date(2026, 6, 1),
            title="Next",
            is_current=True,
        )
    newer = FormEdition.objects.create(
        form=OfficialForm.I918B, edition_date=datetime.date(2026, 6, 1), title="Next"
    )
    form_edition_make_current(edition=newer)
    current.refresh_from_db()
    newer.refresh_from_db()
    assert newer.is_current and not current.is_current
    assert _edition(OfficialForm.I914B).is_current


@pytest.mark.parametrize(
    "variant",
    [{}, {"suffix": "x7k2Qz"}, {"xfa": True, "empty_password": True}],
    ids=["plain", "random-suffix", "xfa-usage-rights-empty-password"],
)
def test_uscis_pdfs_are_accepted_as_published(variant):
    edition = _edition()
    check = official_form_load(edition=edition, content=official_pdf(**variant))
    edition.refresh_from_db()
    assert edition.pdf_loaded
    assert len(edition.pdf_fields) == 133
    gender = edition.field_map["victim.gender"]["options"]
    # The export values are the PDF's own, read from its appearance states.
    assert gender["female"]["on"] == "/Female"
    assert gender["male"]["on"] == "/Male"
    assert edition.field_map["crime.activities"]["options"]["stalking"]["on"] == "/Stalking"
    tooltips = {f["base"]: f["tooltip"] for f in edition.pdf_fields}
    assert tooltips[f"{P0}Pt1Line2a_FamilyName[0]"] == "victim.name"
    # Barcodes, buttons and page headers are listed and ignored.
    assert (
        check.unmapped
        == edition.unmapped_fields
        == [
            f"{P0}PDF417BarCode1[0]",
            f"{P0}ClearButton[0]",
            "form1[0].#subform[4].PageHeader[0]",
        ]
    )
    with edition.official_pdf.open("rb") as handle:
        assert handle.read()[:5] == b"%PDF-"


def test_base_name_drops_a_random_suffix_only():
    assert base_name(f"{P0}Pt1Line2a_FamilyName[0]x7k2") == f"{P0}Pt1Line2a_FamilyName[0]"
    assert base_name(f"{P0}Pt1Line2a_FamilyName[0]") == f"{P0}Pt1Line2a_FamilyName[0]"
    assert base_name("form1[0]ab.#subform[1]cd.X[2]ef") == "form1[0].#subform[1].X[2]"


def _no_fields_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _another_forms_pdf() -> bytes:
    # A fillable PDF whose fields share nothing with the mapping (another form's).
    mapped = [name for _, name, _ in mapped_names(_edition().field_map)]
    return official_pdf(drop=tuple(mapped))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a not a pdf at all", "The file is not a PDF."),
        (b"%PDF-1.7\n garbage without any objects", "could not be read as a PDF"),
        ("password", "needs a password to open"),
        ("no-fields", "has no fillable fields"),
        ("another-form", "are not those of Form I-918 Supplement B"),
    ],
    ids=["not-a-pdf", "damaged", "password", "no-fields", "another-form"],
)
def test_bad_files_are_refused_with_a_clear_message_and_nothing_changes(content, message):
    edition = _edition()
    official_form_load(edition=edition, content=official_pdf())
    edition.refresh_from_db()
    before = (edition.official_pdf.name, edition.pdf_fields, edition.field_map)
    content = {
        "password": lambda: official_pdf(password="secret"),
        "no-fields": _no_fields_pdf,
        "another-form": _another_forms_pdf,
    }.get(content, lambda: content)()
    with pytest.raises(OfficialPdfError) as refused:
        official_form_load(edition=edition, content=content)
    assert message in str(refused.value)
    edition.refresh_from_db()
    assert (edition.official_pdf.name, edition.pdf_fields, edition.field_map) == before


def test_a_pdf_lacking_mapped_fields_is_refused_naming_each():
    missing = (f"{P0}Pt1Line2a_GivenName[0]", f"{P1}Part3_Line3_Citations[0]")
    with pytest.raises(OfficialPdfError) as refused:
        official_form_load(edition=_edition(), content=official_pdf(drop=missing))
    problems = refused.value.problems
    assert f"Field {missing[0]} (victim.name) is missing." in problems
    assert f"Field {missing[1]} (crime.citations) is missing." in problems
    assert len(problems) == 2
    assert not _edition().pdf_loaded


def test_a_pdf_changing_a_mapped_fields_type_is_refused():
    changed = f"{P0}P1_Line4_DateOfBirth[0]"
    with pytest.raises(OfficialPdfError) as refused:
        official_form_load(edition=_edition(), content=official_pdf(as_checkbox=(changed,)))
    assert refused.value.problems == [
        f"Field {changed} (victim.date_of_birth) is a checkbox, not a text field."
    ]


def test_a_pdf_changing_a_checkbox_export_value_is_refused():
    edition = _edition()
    official_form_load(edition=edition, content=official_pdf())
    box = f"{P0}Part1_5_checkboxes[0]"
    with pytest.raises(OfficialPdfError) as refused:
        official_form_load(edition=edition, content=official_pdf(export_values={box: "/F"}))
    assert refused.value.problems == [
        f"Checkbox {box} (victim.gender: female) changed its export value from /Female to /F."
    ]
    edition.refresh_from_db()
    assert edition.field_map["victim.gender"]["options"]["female"]["on"] == "/Female"


def test_the_command_loads_and_lists_the_unmapped_fields(tmp_path):
    path = tmp_path / "i-918supb.pdf"
    path.write_bytes(official_pdf(suffix="Zz9", xfa=True, empty_password=True))
    out = io.StringIO()
    call_command(
        "official_form_load", "--form", "I-918B", "--edition", "01/20/25", str(path), stdout=out
    )
    assert "133 fields, 130 used by the mapping" in out.getvalue()
    assert "PDF417BarCode1[0]" in out.getvalue()
    assert _edition().pdf_loaded


def test_the_command_warns_that_the_i914b_mapping_is_unverified(tmp_path):
    path = tmp_path / "i-914supb.pdf"
    path.write_bytes(official_pdf("I-914B"))
    out = io.StringIO()
    call_command(
        "official_form_load", "--form", "I-914B", "--edition", "01/20/25", str(path), stdout=out
    )
    assert "unverified" in out.getvalue()
    assert _edition(OfficialForm.I914B).pdf_loaded


@pytest.mark.parametrize(
    ("edition", "content", "message"),
    [
        ("01/20/25", b"hello", "The file is not a PDF."),
        ("04/01/24", None, "no edition 04/01/24 of I-918B (it has: 01/20/25)"),
        ("someday", None, "'someday' is not an edition date"),
    ],
)
def test_the_command_refuses_with_a_plain_message(tmp_path, edition, content, message):
    path = tmp_path / "file.pdf"
    path.write_bytes(content or official_pdf())
    with pytest.raises(CommandError) as refused:
        call_command("official_form_load", "--form", "I-918B", "--edition", edition, str(path))
    assert message in str(refused.value)
    assert "nothing changed" in str(refused.value)
    assert not _edition().pdf_loaded


def _admin_post(client, edition, upload):
    data = {
        "form": edition.form,
        "edition_date": edition.edition_date.isoformat(),
        "title": edition.title,
        "is_current": "on",
        "verified": "on" if edition.verified else "",
        "mapping_source": edition.mapping_source,
        "structure": json.dumps(edition.structure),
        "field_map": json.dumps(edition.field_map),
        "official_pdf_upload": upload,
    }
    url = reverse("admin:certifications_formedition_change", args=[edition.pk])
    return client.post(url, data)


def test_an_administrator_loads_the_pdf_on_the_admin_page(client, personas):
    edition = _edition()
    client.force_login(personas.admin)
    upload = SimpleUploadedFile("i-918supb.pdf", official_pdf(), "application/pdf")
    response = _admin_post(client, edition, upload)
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.pdf_loaded and edition.loaded_by == personas.admin
    assert AuditEntry.objects.filter(
        action=AuditAction.DIRECTORY_CHANGE, user=personas.admin
    ).exists()
    page = client.get(reverse("admin:certifications_formedition_change", args=[edition.pk]))
    assert "Fields of the loaded PDF (133)" in page.content.decode()
    assert "PDF417BarCode1[0]" in page.content.decode()


def test_the_admin_page_shows_a_refusal_beside_the_field(client, personas):
    edition = _edition()
    client.force_login(personas.admin)
    upload = SimpleUploadedFile("scan.pdf", official_pdf(password="secret"), "application/pdf")
    response = _admin_post(client, edition, upload)
    assert response.status_code == 200
    assert "needs a password to open" in response.content.decode()
    edition.refresh_from_db()
    assert not edition.pdf_loaded


def test_a_refusal_names_the_form_the_pdf_looks_like():
    # Another form's PDF whose fields match that form's mapping.
    FormEdition.objects.filter(form=OfficialForm.I914B).update(
        field_map={"crime.description": [f"{P0}PDF417BarCode1[0]"]}
    )
    with pytest.raises(OfficialPdfError) as refused:
        official_form_load(edition=_edition(), content=_another_forms_pdf())
    assert refused.value.problems[-1] == "It looks like Form I-914 Supplement B."
