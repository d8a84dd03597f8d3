"""The victim's release per agency, over HTTP: the release step and submission, a transfer that
waits for a release naming the new agency, an expired release, the coordinator without a
release, the expiry reminder, what was certified, and the request's dated record."""

from __future__ import annotations

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import AuditAction, AuditEntry
from certifications.choices import Action, AttachmentKind, Status
from certifications.models import (
    AgencyFormAnswers,
    CertificationRequest,
    Notification,
    NotificationKind,
    PendingMove,
    Release,
)
from certifications.services.intake import attachment_add
from certifications.services.notifications import notifications_send_pending
from certifications.services.reminders import release_expiry_reminders_create
from certifications.services.review import certification_request_certify
from tests.factories import PointOfContactFactory, make_release, make_submitted_request

from .intake_support import (
    complete_request,
    fast_passwords,  # noqa: F401 - fixture
    pdf_upload,
    private_media,  # noqa: F401 - fixture
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords", "private_media")]

FAMILY = "Zyxwvutson"


def _today() -> datetime.date:
    return timezone.localdate()


def _release_data(agencies, **overrides) -> dict:
    data = {
        "agencies": [a.pk for a in agencies],
        "covers_coordinator": "on",
        "signed_on": (_today() - datetime.timedelta(days=1)).isoformat(),
        "expires_on": (_today() + datetime.timedelta(days=180)).isoformat(),
        "given_by": "The victim",
        "language": "Spanish",
        "interpreter_name": "Ana Interpreter",
        "document": pdf_upload("release-signed.pdf"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _submitted(personas, **fields) -> CertificationRequest:
    return make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        victim_family_name=FAMILY,
        **fields,
    )


def _overdue(request: CertificationRequest) -> CertificationRequest:
    CertificationRequest.objects.filter(pk=request.pk).update(
        due_date=_today() - datetime.timedelta(days=3)
    )
    request.refresh_from_db()
    return request


# --- the release step and submission ---------------------------------------------------------


def test_the_release_step_attaches_a_signed_release_and_the_request_can_then_be_submitted(
    client, personas
):
    draft = complete_request(personas, consent_given=False)
    client.force_login(personas.advocate_a)
    url = reverse("certifications:edit", args=[draft.pk, "consent"])
    page = client.get(url).content.decode()
    # The agency asked is offered (and ticked) by default; the coordinator box is ticked.
    assert f'value="{personas.agency_x.pk}"' in page
    assert "also covers the statewide coordinator" in page
    response = client.post(url, _release_data([personas.agency_x]))
    assert response.status_code == 302
    release = Release.objects.get(request=draft)
    assert [a.pk for a in release.agencies.all()] == [personas.agency_x.pk]
    assert release.covers_coordinator
    assert release.language == "Spanish"
    assert release.interpreter_name == "Ana Interpreter"
    assert release.document.kind == AttachmentKind.RELEASE
    assert not release.migrated
    assert draft.events.filter(action=Action.RELEASE_ADDED).exists()
    response = client.post(reverse("certifications:submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.agency == personas.agency_x


def test_a_release_without_its_document_or_with_bad_dates_is_refused_beside_the_field(
    client, personas
):
    draft = complete_request(personas, consent_given=False)
    client.force_login(personas.advocate_a)
    url = reverse("certifications:edit", args=[draft.pk, "consent"])
    response = client.post(
        url,
        _release_data(
            [personas.agency_x],
            document=None,
            expires_on=(_today() - datetime.timedelta(days=2)).isoformat(),
            given_by="Maria's mother",
        ),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "This field is required" in body
    assert "Maria&#x27;s mother" in body
    response = client.post(
        url,
        _release_data(
            [personas.agency_x], expires_on=(_today() - datetime.timedelta(days=2)).isoformat()
        ),
    )
    assert response.status_code == 400
    assert "would already be expired" in response.content.decode()
    assert not Release.objects.filter(request=draft).exists()


def test_the_release_must_name_the_agency_the_request_goes_to(client, personas):
    draft = complete_request(personas, consent_given=False)
    make_release(draft, [personas.agency_y])
    client.force_login(personas.advocate_a)
    response = client.post(reverse("certifications:submit", args=[draft.pk]))
    assert "current release naming Agency X" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


# --- a transfer to an agency the release does not name waits ------------------------------


def test_a_transfer_to_an_agency_the_release_does_not_name_waits_then_moves(client, personas):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    response = client.post(
        reverse("certifications:transfer", args=[request.pk]),
        {"agency": personas.agency_y.pk, "reason": "The sheriff investigated."},
        follow=True,
    )
    assert "waits for the advocate to attach a release" in response.content.decode()
    request.refresh_from_db()
    assert request.agency == personas.agency_x
    assert PendingMove.objects.get(request=request).to_agency == personas.agency_y
    assert request.events.filter(action=Action.MOVE_WAITING).exists()
    assert not request.events.filter(action=Action.TRANSFER).exists()
    # Both sides' pages say it waits; agency Y does not see the request.
    agency_page = client.get(reverse("certifications:detail", args=[request.pk])).content.decode()
    assert "is waiting: the victim" in agency_page
    client.force_login(personas.contact_y)
    assert client.get(reverse("certifications:detail", args=[request.pk])).status_code == 404
    client.force_login(personas.advocate_a)
    advocate_page = client.get(reverse("certifications:detail", args=[request.pk]))
    assert "is waiting: the victim" in advocate_page.content.decode()
    assert Notification.objects.filter(user=personas.advocate_a, request=request).exists()
    # The advocate attaches a release naming agency Y: the request moves.
    new_url = reverse("certifications:release_new", args=[request.pk])
    assert f'value="{personas.agency_y.pk}"' in client.get(new_url).content.decode()
    response = client.post(new_url, _release_data([personas.agency_y]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.agency == personas.agency_y
    assert not PendingMove.objects.filter(request=request).exists()
    transfer = request.events.get(action=Action.TRANSFER)
    assert transfer.actor == personas.contact_x
    client.force_login(personas.contact_y)
    assert client.get(reverse("certifications:detail", args=[request.pk])).status_code == 200


def test_a_release_naming_another_agency_leaves_the_move_waiting(client, personas):
    request = _submitted(personas)
    other = type(personas.agency_x).objects.create(name="Agency Z", is_active=True)
    client.force_login(personas.contact_x)
    client.post(
        reverse("certifications:transfer", args=[request.pk]),
        {"agency": personas.agency_y.pk, "reason": "The sheriff investigated."},
    )
    client.force_login(personas.advocate_a)
    # Agency Z is not among the choices: the form offers where the request is and waits to go.
    response = client.post(
        reverse("certifications:release_new", args=[request.pk]), _release_data([other])
    )
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.agency == personas.agency_x
    assert PendingMove.objects.filter(request=request).exists()


# --- an expired release blocks new sharing ----------------------------------------------------


def test_an_expired_release_blocks_answers_and_transfers_and_says_why(client, personas):
    request = _submitted(personas, status=Status.INFO_REQUESTED, actor=personas.contact_x)
    Release.objects.filter(request=request).update(
        signed_on=_today() - datetime.timedelta(days=200),
        expires_on=_today() - datetime.timedelta(days=1),
    )
    make_release(
        request,
        [personas.agency_y],
        signed_on=_today() - datetime.timedelta(days=200),
        expires_on=_today() - datetime.timedelta(days=1),
    )
    client.force_login(personas.advocate_a)
    page = client.get(reverse("certifications:detail", args=[request.pk])).content.decode()
    assert "release expired on" in page
    response = client.post(
        reverse("certifications:respond", args=[request.pk]),
        {"message": "Here is the report.", "files": [pdf_upload()]},
        follow=True,
    )
    assert "expired on" in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.INFO_REQUESTED
    assert not request.attachments.exists()
    client.force_login(personas.contact_x)
    response = client.post(
        reverse("certifications:transfer", args=[request.pk]),
        {"agency": personas.agency_y.pk, "reason": "The sheriff investigated."},
    )
    assert response.status_code == 400
    assert "expired on" in response.content.decode()
    request.refresh_from_db()
    assert request.agency == personas.agency_x
    assert not PendingMove.objects.exists()


def test_the_advocate_is_reminded_before_the_release_expires_once_and_without_victim_data(
    personas,
):
    request = _submitted(personas)
    Release.objects.filter(request=request).update(
        expires_on=_today() + datetime.timedelta(days=10)
    )
    assert release_expiry_reminders_create() == 1
    assert release_expiry_reminders_create() == 0
    notice = Notification.objects.get(kind=NotificationKind.RELEASE_EXPIRY)
    assert notice.user == personas.advocate_a
    assert request.reference in notice.subject
    assert FAMILY not in notice.subject
    assert FAMILY not in str(notice.context)
    notifications_send_pending()
    (sent,) = [m for m in mail.outbox if "release" in m.subject]
    assert sent.to == [personas.advocate_a.email]
    assert request.reference in sent.subject
    assert FAMILY not in sent.body


def test_no_reminder_when_a_newer_release_lasts_beyond_the_horizon(personas):
    request = _submitted(personas)
    Release.objects.filter(request=request).update(
        expires_on=_today() + datetime.timedelta(days=10)
    )
    make_release(request, [personas.agency_x], expires_on=_today() + datetime.timedelta(days=300))
    assert release_expiry_reminders_create() == 0


# --- the coordinator without a release ---------------------------------------------------------


def test_the_coordinator_not_covered_sees_reference_agency_and_dates_only(client, personas):
    request = _overdue(_submitted(personas))
    attachment = attachment_add(
        cert_request=request,
        actor=personas.advocate_a,
        upload=pdf_upload(),
        kind=AttachmentKind.POLICE_REPORT,
    )
    attachment_url = reverse("certifications:attachment_download", args=[attachment.pk])
    client.force_login(personas.coordinator)
    covered = client.get(reverse("certifications:detail", args=[request.pk])).content.decode()
    assert FAMILY in covered
    assert client.get(attachment_url).status_code == 200
    Release.objects.filter(request=request).update(covers_coordinator=False)
    for name in ("certifications:detail", "certifications:review"):
        response = client.get(reverse(name, args=[request.pk]))
        body = response.content.decode()
        assert response.status_code == 200
        assert request.reference in body
        assert personas.agency_x.name in body
        assert "does not cover the statewide coordinator" in body
        assert FAMILY not in body
        assert "Assaulted at home" not in body
    assert client.get(attachment_url).status_code == 404
    for name in ("certifications:reroute", "certifications:documents"):
        assert client.get(reverse(name, args=[request.pk])).status_code == 404, name
    response = client.get(
        reverse("certifications:document_download", args=[request.pk, "cover-letter"])
    )
    assert response.status_code == 404


# --- what was certified, and the record -------------------------------------------------------


def test_the_advocate_sees_what_was_certified_and_the_signed_scan(client, personas):
    request = _submitted(personas, status=Status.IN_REVIEW, actor=personas.contact_x)
    AgencyFormAnswers.objects.create(
        request=request,
        crimes=["felonious_assault"],
        has_been_helpful="yes",
        helpfulness_explanation="Testified at the hearing.",
        official_capacity="designee",
    )
    client.force_login(personas.advocate_a)
    before = client.get(reverse("certifications:detail", args=[request.pk])).content.decode()
    # Before the decision the agency's answers stay with the agency.
    assert "Testified at the hearing." not in before
    certification_request_certify(
        cert_request=request,
        actor=personas.contact_x,
        signer=_chief(personas),
        signature_date=_today(),
        signed_form=pdf_upload("signed.pdf"),
    )
    page = client.get(reverse("certifications:detail", args=[request.pk])).content.decode()
    assert "What the agency certified" in page
    assert "Felonious assault" in page
    assert "Testified at the hearing." in page
    assert "Chief Example, Chief of Police" in page
    assert "Official designated by the head of the agency" in page
    scan = request.attachments.get(kind=AttachmentKind.SIGNED_FORM)
    assert reverse("certifications:attachment_download", args=[scan.pk]) in page


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_record_is_dated_lists_every_event_and_leaves_the_name_out_unless_asked(
    client, personas
):
    request = _overdue(_submitted(personas))
    client.force_login(personas.advocate_a)
    url = reverse("certifications:request_record", args=[request.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"{request.reference}-record.pdf" in response["Content-Disposition"]
    text = _pdf_text(response.content)
    assert request.reference in text
    assert "Submitted" in text
    assert "Agency X Police Department" in text
    assert "passed unanswered" in text
    assert FAMILY not in text
    entry = AuditEntry.objects.filter(action=AuditAction.DOCUMENT_DOWNLOAD).latest("id")
    assert request.reference in entry.target
    named = _pdf_text(client.get(url, {"include_victim_name": "on"}).content)
    assert FAMILY in named


@pytest.mark.parametrize("who", ["advocate_b", "contact_x", "coordinator", "admin"])
def test_outsiders_get_404_on_the_new_addresses(client, personas, who):
    request = _overdue(_submitted(personas))
    client.force_login(getattr(personas, who))
    for name in ("certifications:release_new", "certifications:request_record"):
        assert client.get(reverse(name, args=[request.pk])).status_code == 404, name
    response = client.post(
        reverse("certifications:release_new", args=[request.pk]),
        _release_data([personas.agency_x]),
    )
    assert response.status_code == 404
    assert Release.objects.filter(request=request).count() == 1


def test_the_release_document_is_access_checked_like_any_attachment(client, personas):
    request = _submitted(personas)
    client.force_login(personas.advocate_a)
    client.post(
        reverse("certifications:release_new", args=[request.pk]),
        _release_data([personas.agency_x]),
    )
    release = Release.objects.exclude(document=None).get(request=request)
    url = reverse("certifications:attachment_download", args=[release.document_id])
    assert client.get(url).status_code == 200
    client.force_login(personas.advocate_b)
    assert client.get(url).status_code == 404
    client.force_login(personas.contact_y)
    assert client.get(url).status_code == 404


# --- requests from before releases were recorded ---------------------------------------------


def test_ticked_consent_boxes_become_migrated_releases_without_a_document(personas):
    request = _submitted(personas)
    draft = complete_request(personas)
    unticked = complete_request(personas, consent_given=False)
    Release.objects.all().delete()
    migration = importlib.import_module("certifications.migrations.0021_releases")
    migration.consent_to_releases(apps, None)
    moved = Release.objects.get(request=request)
    assert moved.migrated and moved.document is None and moved.expires_on is None
    assert [a.pk for a in moved.agencies.all()] == [personas.agency_x.pk]
    assert Release.objects.get(request=draft).migrated
    assert not Release.objects.filter(request=unticked).exists()


def _chief(personas):
    """An official the agency's head designated, who signs (8 CFR 214.14(a)(3))."""
    from agencies.models import CertifyingDesignation

    official = PointOfContactFactory(
        agency=personas.agency_x, name="Chief Example", title="Chief of Police"
    )
    CertifyingDesignation.objects.create(contact=official, designated_on=datetime.date(2026, 1, 2))
    return official
