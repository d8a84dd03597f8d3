"""The cover letter: the statute's sentence right (Minn. Stat. 611A.95 subd. 2, counted from the
request), a stricter policy named as the agency's own with its own date, files by kind, USCIS's
official form signed in black ink, and the six-month filing window of the U petition."""

from __future__ import annotations

import datetime

import pytest

from agencies.models import AgencyKind, AgencyLevel
from certifications.choices import AttachmentKind, FormType
from certifications.deadlines import compute_due_date, deadline_rules
from certifications.documents.letter import deadline_sentences
from certifications.documents.render import cover_letter_pdf
from certifications.models import Attachment
from tests.factories import AgencyFactory, PointOfContactFactory, make_submitted_request

from .documents_helpers import flat, pdf_text

pytestmark = pytest.mark.django_db

# Noon in Minnesota on December 1, 2026.
DECEMBER_1 = datetime.datetime(2026, 12, 1, 18, 0, tzinfo=datetime.UTC)


def _saint_paul(**policy):
    agency = AgencyFactory(name="Saint Paul Police Department", **policy)
    PointOfContactFactory(agency=agency, is_primary=True)
    return agency


def _letter(personas, agency, *, form_type=FormType.U, removal=False, **fields) -> str:
    cert_request = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=agency,
        submitted_at=DECEMBER_1,
        in_removal_proceedings=removal,
        form_type=form_type,
        **fields,
    )
    return flat(pdf_text(cover_letter_pdf(cert_request=cert_request)))


def test_a_stricter_policy_is_the_agencys_own_with_its_own_date(personas):
    agency = _saint_paul(policy_response_days=30, policy_expedited_days=7)
    text = _letter(personas, agency, removal=True)
    assert (
        "Minn. Stat. 611A.95, subd. 2, requires a response within 14 days of the request when "
        "the victim is in removal proceedings: by December 15, 2026."
    ) in text
    assert (
        "Saint Paul Police Department's own policy is stricter: a response within 7 days of the "
        "request when the victim is in removal proceedings, by December 8, 2026."
    ) in text
    assert "Your response is due by December 8, 2026." in text
    assert "Response due: December 8, 2026" in text
    # The old sentence put the policy's date on the statute's days.
    assert "14 days of the request, by December 8" not in text
    assert "statute requires a response within 14 days" not in text


def test_without_removal_proceedings_the_statute_gives_90_days_and_the_policy_30(personas):
    agency = _saint_paul(policy_response_days=30, policy_expedited_days=7)
    text = _letter(personas, agency)
    assert (
        "Minn. Stat. 611A.95, subd. 2, requires a response within 90 days of the request: "
        "by March 1, 2027."
    ) in text
    assert (
        "Saint Paul Police Department's own policy is stricter: a response within 30 days of the "
        "request, by December 31, 2026."
    ) in text
    assert "Your response is due by December 31, 2026." in text
    assert "Expedited request" not in text


def test_without_a_stricter_policy_only_the_statute_is_named(personas):
    agency = _saint_paul(policy_response_days=120, policy_expedited_days=None)
    text = _letter(personas, agency, removal=True)
    assert "requires a response within 14 days of the request when the victim" in text
    assert "by December 15, 2026." in text
    assert "policy" not in text
    assert "Your response is due by December 15, 2026." in text


def _federal(**policy):
    agency = AgencyFactory(
        name="Federal Bureau of Investigation",
        kind=AgencyKind.FEDERAL_LE,
        level=AgencyLevel.FEDERAL,
        **policy,
    )
    PointOfContactFactory(agency=agency, is_primary=True)
    return agency


def test_an_uncovered_agencys_own_policy_is_asked_for_without_citing_the_statute(personas):
    agency = _federal(policy_response_days=30, policy_expedited_days=7)
    rules = deadline_rules(
        requested_on=datetime.date(2026, 12, 1), in_removal_proceedings=False, agency=agency
    )
    assert [(r.source, r.days) for r in rules] == [("policy", 30)]
    deadline = compute_due_date(
        requested_on=datetime.date(2026, 12, 1), in_removal_proceedings=False, agency=agency
    )
    assert deadline.due_date == datetime.date(2026, 12, 31)
    assert deadline.basis == (
        "Federal Bureau of Investigation policy: 30 days (the agency's own published policy)"
    )
    text = _letter(personas, agency)
    assert "611A.95" not in text
    assert (
        "Federal Bureau of Investigation's own policy asks for a response within 30 days of the "
        "request, by December 31, 2026."
    ) in text
    assert "Response due: December 31, 2026" in text


def test_an_uncovered_agency_without_a_policy_is_asked_for_a_date_in_neutral_words(personas):
    agency = _federal()
    deadline = compute_due_date(
        requested_on=datetime.date(2026, 12, 1), in_removal_proceedings=True, agency=agency
    )
    assert deadline.due_date == datetime.date(2026, 12, 15)
    assert deadline.source == "requested"
    assert deadline.basis.startswith("Requested response: 14 days, removal proceedings")
    assert "611A.95" not in deadline.basis
    text = _letter(personas, agency, removal=True)
    assert "611A.95" not in text
    assert "statute" not in text
    assert "Response requested by: December 15, 2026" in text
    assert "We ask for a response within 14 days of the request when the victim is in " in text
    assert "We ask for your response by December 15, 2026." in text
    assert "Your response is due" not in text
    # DHS's guidance is DHS's, never the statute's.
    assert (
        "The U.S. Department of Homeland Security's U and T Visa Law Enforcement Resource Guide "
        "notes that there is no time limit on certifying an older case."
    ) in text


def test_a_covered_agencys_letter_cites_subd_2c_with_its_condition(personas):
    agency = _saint_paul()
    text = _letter(personas, agency)
    assert (
        "Under Minn. Stat. 611A.95, subd. 2(c), where your agency initiated an investigation of "
        "the criminal activity and the victim cooperated with it, no open investigation, charge "
        "or conviction is required to certify."
    ) in text
    assert "Resource Guide notes that there is no time limit on certifying an older case." in text
    # The old sentence dropped the condition and gave DHS's guidance as the statute's.
    assert "it is enough that the agency investigated" not in text
    assert "The statute does not require" not in text


def test_with_no_rule_at_all_the_letter_says_so():
    assert deadline_sentences(rules=[], agency_name="X") == [
        "We ask for a response as soon as you can."
    ]


def _attach(cert_request, kind, name):
    Attachment.objects.create(
        request=cert_request,
        kind=kind,
        file=f"attachments/{name}",
        original_name=name,
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
    )


def test_enclosures_are_listed_by_kind_never_by_file_name(personas):
    cert_request = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        submitted_at=DECEMBER_1,
        in_removal_proceedings=True,
    )
    _attach(cert_request, AttachmentKind.POLICE_REPORT, "Nguyen report 1.pdf")
    _attach(cert_request, AttachmentKind.POLICE_REPORT, "Nguyen report 2.pdf")
    _attach(cert_request, AttachmentKind.RELEASE, "release-signed.pdf")
    _attach(cert_request, AttachmentKind.NOTICE_TO_APPEAR, "NTA A123456789.pdf")
    text = flat(pdf_text(cover_letter_pdf(cert_request=cert_request)))
    enclosures = text[text.index("Enclosures") : text.index("Please return the signed form")]
    assert "Police report (2 files)" in enclosures
    assert "Release of information" in enclosures
    for name in ("Nguyen", ".pdf", "release-signed", "A123456789"):
        assert name not in text
    # The proof of removal proceedings stays with the advocate (access.py), and the letter says
    # so instead of claiming to enclose it.
    assert "Notice to Appear" not in enclosures
    assert "Organization A Shelter holds the proof of the proceedings" in text


def test_it_asks_for_usciss_official_form_in_black_ink_and_names_the_six_month_window(personas):
    text = _letter(personas, personas.agency_x)
    assert (
        "please complete USCIS's official Form I-918 Supplement B (the current edition, at "
        "uscis.gov/i-918) and sign it in black ink. Please do not sign the draft."
    ) in text
    assert "within 6 months of the date of your signature (8 CFR 214.14(c)(2)(i))" in text
    assert "Draft Form I-918 Supplement B (worksheet, edition" in text


def test_the_t_letter_has_no_six_month_window(personas):
    text = _letter(
        personas, personas.agency_x, form_type=FormType.T, trafficking_types=["labor_servitude"]
    )
    assert "official Form I-914 Supplement B (the current edition, at uscis.gov/i-914)" in text
    assert "months of the date of your signature" not in text
    assert "six months" not in text
