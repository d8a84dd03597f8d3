"""Helpers for the intake and advocate tests: a complete draft, and small valid/invalid files."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certifications.choices import AttachmentKind, Crime, FormType, Gender
from certifications.services.intake import attachment_add

from ..factories import CountyFactory, make_request


def pdf_bytes(text: str = "Police report") -> bytes:
    """A small, valid one-page PDF (no scripts)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(name: str = "police-report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def complete_request(personas, *, form_type=FormType.U, agency=None, **fields):
    """A draft that passes every completeness rule, filed by advocate A for agency X."""
    county = CountyFactory(name="Ramsey", fips="27123")
    agency = agency or personas.agency_x
    agency.counties.add(county)
    defaults = {
        "victim_gender": Gender.FEMALE,
        "crime_county": county,
        "requested_agency": agency,
    }
    if form_type == FormType.T:
        defaults["trafficking_types"] = ["labor_servitude"]
        defaults["crimes"] = []
    else:
        defaults["crimes"] = [Crime.DOMESTIC_VIOLENCE.value]
    defaults.update(fields)
    return make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        form_type=form_type,
        **defaults,
    )


def attach_notice_to_appear(request, actor):
    return attach(request, actor, kind=AttachmentKind.NOTICE_TO_APPEAR, name="nta.pdf")


def attach(request, actor, *, kind=AttachmentKind.POLICE_REPORT, name="report.pdf"):
    return attachment_add(cert_request=request, actor=actor, upload=pdf_upload(name), kind=kind)


TODAY = datetime.date(2026, 3, 2)


@pytest.fixture
def private_media(settings, tmp_path):
    """Uploaded files go to a temporary directory, not var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "uvisa_portal.storage.EncryptedFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/_media-not-served/"},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def fast_passwords(settings):
    """Personas are hashed with a fast hasher in these tests (the login still checks them)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
