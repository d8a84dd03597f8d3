"""Downloads, stored files that are never stale, the pre-render task, the agency's corrections."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import AuditAction, AuditEntry
from certifications.choices import Crime, FormType
from certifications.models import (
    AgencyFormAnswers,
    CertificationRequest,
    DocumentKind,
    GeneratedDocument,
    RequestEvent,
)
from certifications.services.documents import (
    agency_form_answers_update,
    document_current,
    document_store,
    documents_prerender_enqueue,
)
from certifications.tasks import documents_prerender
from tests.factories import make_request

from .documents_helpers import body_text, pdf_text, submit_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def u_request(personas):
    request = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        form_type=FormType.U,
        victim_family_name="Muñoz",
        case_number="CASE-1",
    )
    return submit_to(request, personas.agency_x)


def _url(request, kind="supplement-b"):
    return reverse("certifications:document_download", kwargs={"pk": request.pk, "kind": kind})


@pytest.mark.parametrize("persona", ["advocate_a", "contact_x"])
@pytest.mark.parametrize("kind", ["supplement-b", "cover-letter"])
def test_advocate_and_agency_download_an_audited_attachment(
    client, personas, u_request, persona, kind
):
    client.force_login(getattr(personas, persona))
    response = client.get(_url(u_request, kind))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and u_request.reference in disposition
    assert "Muñoz" not in disposition and "Mu" not in disposition.split(u_request.reference)[1]
    assert response.content.startswith(b"%PDF")
    entry = AuditEntry.objects.get(action=AuditAction.DOCUMENT_DOWNLOAD)
    assert entry.target.startswith(f"{u_request.reference} certifications:document_download ")
    assert entry.outcome == "200"
    assert entry.user == getattr(personas, persona)
    assert "Muñoz" not in entry.detail


@pytest.mark.parametrize("persona", ["advocate_b", "contact_y", "admin", "coordinator"])
def test_outsiders_get_404(client, personas, u_request, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(_url(u_request)).status_code == 404
    # The attempt is recorded, by id only (the outsider learns nothing, the trail does).
    entry = AuditEntry.objects.get(action=AuditAction.DOCUMENT_DOWNLOAD)
    assert entry.outcome == "not_found"
    assert entry.target == f"certifications:document_download kind=supplement-b pk={u_request.pk}"


def test_anonymous_is_sent_to_login(client, u_request):
    response = client.get(_url(u_request))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_document_kind_is_404(client, personas, u_request):
    client.force_login(personas.advocate_a)
    assert client.get(_url(u_request, "passport")).status_code == 404


def test_agency_never_sees_a_draft_request(client, personas):
    request = make_request(organization=personas.org_a, created_by=personas.advocate_a)
    CertificationRequest.objects.filter(pk=request.pk).update(agency=personas.agency_x)
    client.force_login(personas.contact_x)
    assert client.get(_url(request)).status_code == 404
    client.force_login(personas.advocate_a)
    assert client.get(_url(request)).status_code == 200


def test_the_stored_file_is_used_while_current_and_never_when_stale(personas, u_request):
    stored = document_store(request_id=u_request.pk, kind=DocumentKind.SUPPLEMENT_B)
    current = document_current(cert_request=u_request, kind=DocumentKind.SUPPLEMENT_B)
    assert current.from_store and current.content_hash == stored.content_hash
    # The advocate changes the case number: the stored file is stale and is not served.
    CertificationRequest.objects.filter(pk=u_request.pk).update(case_number="CASE-2")
    current = document_current(cert_request=u_request, kind=DocumentKind.SUPPLEMENT_B)
    assert not current.from_store
    assert "CASE-2" in body_text(current.content) and "CASE-1" not in body_text(current.content)
    # A directory change is an input too.
    document_store(request_id=u_request.pk, kind=DocumentKind.SUPPLEMENT_B)
    personas.agency_x.phone = "612-555-0199"
    personas.agency_x.save()
    current = document_current(cert_request=u_request, kind=DocumentKind.SUPPLEMENT_B)
    assert not current.from_store and "612-555-0199" in body_text(current.content)


def test_prerender_task_is_idempotent_and_keeps_one_version(personas, u_request):
    first = documents_prerender(u_request.pk)
    second = documents_prerender(u_request.pk)
    assert first == second and len(first) == 2
    assert GeneratedDocument.objects.filter(request=u_request).count() == 2
    assert RequestEvent.objects.filter(request=u_request, action="document_generated").count() == 2
    # After a change the old version (victim data no longer current) is replaced, not kept.
    CertificationRequest.objects.filter(pk=u_request.pk).update(case_number="CASE-3")
    documents_prerender(u_request.pk)
    rows = GeneratedDocument.objects.filter(request=u_request, kind=DocumentKind.SUPPLEMENT_B)
    assert rows.count() == 1
    assert "CASE-3" in body_text(rows.get().file.read())


def test_prerender_task_returns_quietly_for_a_missing_request(db):
    assert documents_prerender(987654) == []


def test_enqueue_waits_for_the_commit(django_capture_on_commit_callbacks, u_request):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        documents_prerender_enqueue(request_id=u_request.pk)
    assert len(callbacks) == 1


def test_contact_corrects_the_agency_answers_and_the_draft_follows(client, personas, u_request):
    client.force_login(personas.contact_x)
    page = client.get(
        reverse("certifications:document_agency_answers", kwargs={"pk": u_request.pk})
    )
    assert page.status_code == 200
    assert b"Leave blank to keep what the worksheet shows: CASE-1" in page.content
    response = client.post(
        reverse("certifications:document_agency_answers_save", kwargs={"pk": u_request.pk}),
        {
            "official_capacity": "designee",
            "official_family_name": "Muñoz",
            "official_given_name": "Ana",
            "head_family_name": "Ọlábísí",
            "head_given_name": "Adé",
            "head_title": "Chief of Police",
            "case_number": "AGENCY-42",
            "fbi_sid_number": "SID-7",
            "case_status": "completed",
            "crimes": [Crime.DOMESTIC_VIOLENCE.value, Crime.STALKING.value],
            "has_been_helpful": "yes",
        },
    )
    assert response.status_code == 302
    u_request.refresh_from_db()
    assert u_request.case_number == "CASE-1"  # the advocate's data is never overwritten
    answers = AgencyFormAnswers.objects.get(request=u_request)
    assert answers.case_number == "AGENCY-42" and answers.updated_by == personas.contact_x
    assert RequestEvent.objects.filter(request=u_request, action="agency_answers_edited").exists()
    client.force_login(personas.advocate_a)
    text = body_text(client.get(_url(u_request)).content)
    assert "AGENCY-42" in text and "CASE-1" not in text
    assert "Muñoz Ana" in text and "SID-7" in text and "☒ Completed" in text
    assert "Ọlábísí Adé" in text and "Head of the agency's title: Chief of Police" in text
    assert "☒ Official designated by the head of the agency" in text
    assert "☒ Stalking" in text and "☒ Domestic Violence" in text


def test_unchanged_crimes_are_no_correction(personas, u_request):
    agency_form_answers_update(
        cert_request=u_request, actor=personas.contact_x, answers={"crimes": list(u_request.crimes)}
    )
    assert AgencyFormAnswers.objects.get(request=u_request).crimes is None
    assert not RequestEvent.objects.filter(action="agency_answers_edited").exists()


def test_bad_corrections_come_back_with_a_message_and_nothing_lost(client, personas, u_request):
    client.force_login(personas.contact_x)
    response = client.post(
        reverse("certifications:document_agency_answers_save", kwargs={"pk": u_request.pk}),
        {"case_status": "other", "case_number": "KEEP-ME", "agency_phone": "not a phone"},
    )
    assert response.status_code == 400
    assert b"Describe the case status." in response.content
    assert b"Enter a phone number with its area code" in response.content
    assert b"KEEP-ME" in response.content and b"not a phone" in response.content
    assert not AgencyFormAnswers.objects.filter(request=u_request).exists()


@pytest.mark.parametrize("persona", ["advocate_a", "contact_y", "advocate_b"])
def test_only_the_agency_may_correct_its_answers(client, personas, u_request, persona):
    client.force_login(getattr(personas, persona))
    url = reverse("certifications:document_agency_answers", kwargs={"pk": u_request.pk})
    assert client.get(url).status_code == 404
    save = reverse("certifications:document_agency_answers_save", kwargs={"pk": u_request.pk})
    assert client.post(save, {"case_number": "X"}).status_code == 404
    assert client.get(save).status_code == 405


def test_documents_page_links_and_corrections_link_only_for_the_agency(client, personas, u_request):
    url = reverse("certifications:documents", kwargs={"pk": u_request.pk})
    client.force_login(personas.contact_x)
    page = client.get(url).content.decode()
    assert _url(u_request) in page and _url(u_request, "cover-letter") in page
    assert "Answer the agency's items on the form" in page
    client.force_login(personas.advocate_a)
    assert "Answer the agency" not in client.get(url).content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.VICTIM_DATA_VIEW).count() == 2


def test_pdf_title_metadata_carries_the_reference_not_the_name(personas, u_request):
    from certifications.documents.render import supplement_b_pdf

    pdf = supplement_b_pdf(cert_request=u_request)
    title = PdfReader(io.BytesIO(pdf)).metadata.title
    assert u_request.reference in title and "Muñoz" not in title
    assert "Muñoz" in pdf_text(pdf)
