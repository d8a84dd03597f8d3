"""Who may sign (8 CFR 214.14(a)(3)), over HTTP: only the agency's head or an official the head
designated records a certification or a denial, choosing the signer from the directory; every
other contact recommends; the official form's certifying-official part follows the signer."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Role
from agencies.models import CertifyingDesignation
from agencies.selectors import certifying_officials
from certifications.choices import Action, DenialReason, Recommendation, Status
from certifications.editions.pdf import base_name
from certifications.models import AgencyFormAnswers, FormEdition, OfficialForm
from certifications.services.editions import official_form_load
from tests.factories import PointOfContactFactory, UserFactory, make_submitted_request

from .official_pdf import official_pdf

OFFICIAL_FAMILY = "form1[0].#subform[0].Pt2Line2c_FamilyName[0]"
OFFICIAL_TITLE = "form1[0].#subform[0].Pt2Line3_TitleandDivisionOffice[0]"
HEAD_FAMILY = "form1[0].#subform[0].Pt2Line4a_FamilyName[0]"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _contact(agency, name: str, *, title: str = "Detective", head: bool = False):
    user = UserFactory(role=Role.AGENCY_CONTACT, organization=None, full_name=name)
    contact = PointOfContactFactory(
        agency=agency, user=user, name=name, title=title, email=user.email, is_agency_head=head
    )
    return user, contact


@pytest.fixture
def reviewer(personas):
    """A contact of agency X who is neither its head nor designated."""
    return _contact(personas.agency_x, "Riley Reviewer")


@pytest.fixture
def chief(personas):
    return _contact(personas.agency_x, "Morgan Chief", title="Chief of Police", head=True)


def _submitted(personas, agency=None):
    return make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=agency or personas.agency_x,
    )


def _certify(client, request, signer, **extra):
    data = {"signer": signer.pk, "signature_date": timezone.localdate().isoformat(), **extra}
    return client.post(reverse("certifications:certify", args=[request.pk]), data)


def test_a_reviewer_cannot_certify_or_deny_and_is_offered_the_recommendation(
    client, personas, reviewer, chief
):
    user, _ = reviewer
    request = _submitted(personas)
    client.force_login(user)
    page = client.get(reverse("certifications:review", args=[request.pk])).content.decode()
    assert "Recommend a decision" in page
    assert "?act=certify" not in page and "?act=deny" not in page
    assert _certify(client, request, chief[1]).status_code == 404
    response = client.post(
        reverse("certifications:deny", args=[request.pk]),
        {"reason": DenialReason.NOT_HELPFUL, "explanation": "x", "signer": chief[1].pk},
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED


def test_a_reviewers_recommendation_is_on_the_agencys_timeline_and_queue_not_the_advocates(
    client, personas, reviewer
):
    user, _ = reviewer
    request = _submitted(personas)
    client.force_login(user)
    url = reverse("certifications:recommend", args=[request.pk])
    refused = client.post(url, {"recommendation": Recommendation.CERTIFY, "note": " "})
    assert refused.status_code == 400
    response = client.post(
        url, {"recommendation": Recommendation.CERTIFY, "note": "Report confirms cooperation."}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED
    assert request.recommendation == Recommendation.CERTIFY
    event = request.events.get(action=Action.RECOMMENDED)
    assert event.actor == user and "Report confirms cooperation." in event.note
    client.force_login(personas.contact_x)
    review = client.get(reverse("certifications:review", args=[request.pk])).content.decode()
    assert "Report confirms cooperation." in review
    assert "Recommended: certify" in client.get(reverse("certifications:queue")).content.decode()
    client.force_login(personas.advocate_a)
    advocate = client.get(reverse("certifications:detail", args=[request.pk])).content.decode()
    assert "Report confirms cooperation." not in advocate


def test_a_designated_official_certifies_choosing_the_head_as_signer(client, personas, chief):
    _, head = chief
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    page = client.get(
        reverse("certifications:review", args=[request.pk]) + "?act=certify"
    ).content.decode()
    assert "Morgan Chief, Chief of Police" in page
    response = _certify(client, request, head)
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.CERTIFIED
    assert request.signing_official == head
    assert request.certifying_official_name == "Morgan Chief"
    assert request.certifying_official_title == "Chief of Police"
    assert request.decision_basis == ""
    answers = AgencyFormAnswers.objects.get(request=request)
    assert answers.official_capacity == "head"


def test_the_signer_must_be_the_head_or_a_designated_official_of_the_agency(
    client, personas, reviewer
):
    _, reviewer_contact = reviewer
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    other_agency = personas.contact_y.point_of_contact
    for signer in (reviewer_contact, other_agency):
        response = _certify(client, request, signer)
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED
    assert set(certifying_officials(personas.agency_x)) == {personas.contact_x.point_of_contact}


def test_a_revoked_designation_no_longer_signs(client, personas):
    request = _submitted(personas)
    CertifyingDesignation.objects.filter(contact__user=personas.contact_x).update(
        revoked_on=timezone.localdate()
    )
    client.force_login(personas.contact_x)
    assert _certify(client, request, personas.contact_x.point_of_contact).status_code == 404
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED


def test_a_denial_records_its_signer(client, personas):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    signer = personas.contact_x.point_of_contact
    response = client.post(
        reverse("certifications:deny", args=[request.pk]),
        {
            "reason": DenialReason.NO_RESPONSIBILITY,
            "explanation": "Another county investigated.",
            "no_charge_basis": "on",
            "signer": signer.pk,
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.DENIED
    assert request.signing_official == signer
    assert request.certifying_official_name == signer.name


def test_the_official_form_reads_back_the_designated_signer_and_the_head(client, personas, chief):
    _, head = chief
    edition = FormEdition.objects.get(form=OfficialForm.I918B, is_current=True)
    official_form_load(edition=edition, content=official_pdf(OfficialForm.I918B))
    signer = personas.contact_x.point_of_contact
    signer.title, signer.division = "Lieutenant", "Family Violence Unit"
    signer.save()
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    assert _certify(client, request, signer).status_code == 302
    response = client.get(reverse("certifications:official_form_download", args=[request.pk]))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    values = {base_name(n): f.get("/V", "") for n, f in reader.get_fields().items()}
    assert values[OFFICIAL_FAMILY] == "Contact X"
    assert values[OFFICIAL_TITLE] == "Lieutenant, Family Violence Unit"
    # A designee signs: Part 2 Item 4 names the head of the agency.
    assert values[HEAD_FAMILY] == head.name


def test_the_head_designates_an_official_who_may_then_sign(client, personas, chief, reviewer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .intake_support import pdf_bytes

    head_user, _ = chief
    reviewer_user, reviewer_contact = reviewer
    request = _submitted(personas)
    client.force_login(reviewer_user)
    assert client.get(reverse("agencies:signers")).status_code == 404
    client.force_login(head_user)
    page = client.get(reverse("agencies:signers"))
    assert page.status_code == 200 and "Riley Reviewer" in page.content.decode()
    future = timezone.localdate() + datetime.timedelta(days=2)
    refused = client.post(
        reverse("agencies:signers"),
        {"contact": reviewer_contact.pk, "designated_on": future.isoformat()},
    )
    assert refused.status_code == 400 and "cannot be in the future" in refused.content.decode()
    letter = SimpleUploadedFile("letter.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(
        reverse("agencies:signers"),
        {
            "contact": reviewer_contact.pk,
            "designated_on": timezone.localdate().isoformat(),
            "letter": letter,
        },
    )
    assert response.status_code == 302
    designation = CertifyingDesignation.objects.get(contact=reviewer_contact)
    assert designation.designated_by.user == head_user and designation.letter
    download = reverse("agencies:designation_letter", args=[designation.pk])
    assert client.get(download).status_code == 200
    for outsider in (personas.contact_y, personas.advocate_a):
        client.force_login(outsider)
        assert client.get(download).status_code == 404
    client.force_login(reviewer_user)
    assert _certify(client, request, reviewer_contact).status_code == 302
    request.refresh_from_db()
    assert request.signing_official == reviewer_contact
    client.force_login(head_user)
    client.post(reverse("agencies:designation_revoke", args=[designation.pk]))
    designation.refresh_from_db()
    assert designation.revoked_on == timezone.localdate()
