"""Requests that follow from another, over HTTP: "Ask for a new signature", corrections after
the decision, reconsideration, another certifier, and the family of one incident. Each new
request keeps its own data, clock and access; outsiders get 404."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import CertifyingDesignation
from certifications.choices import Action, AttachmentKind, DenialReason, FormType, Status
from certifications.models import (
    CertificationRequest,
    LinkKind,
    RecertificationReason,
    RequestEvent,
    RequestLink,
)
from certifications.services.review import (
    certification_request_certify,
    certification_request_deny,
)
from certifications.statistics.reconsiderations import reconsideration_figures
from tests.certifications.intake_support import (
    attach,
    complete_request,
    pdf_upload,
    private_media,  # noqa: F401 - fixture
)
from tests.factories import PointOfContactFactory

pytestmark = pytest.mark.usefixtures("private_media")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _chief(personas):
    """The agency's head, who signs (8 CFR 214.14(a)(3)); one per agency."""
    chief = personas.agency_x.contacts.filter(name="Chief Dana Example").first()
    return chief or PointOfContactFactory(
        agency=personas.agency_x,
        name="Chief Dana Example",
        title="Chief of Police",
        is_agency_head=True,
    )


def _client(client, user):
    client.force_login(user)
    return client


def _submitted(personas, agency=None, **fields) -> CertificationRequest:
    agency = agency or personas.agency_x
    draft = complete_request(personas, agency=agency, **fields)
    attach(draft, personas.advocate_a, name="police-report-maria.pdf")
    return make_submitted_request_from(personas, draft, agency)


def make_submitted_request_from(personas, draft, agency) -> CertificationRequest:
    from certifications.services import certification_request_transition

    return certification_request_transition(
        cert_request=draft,
        action=Action.SUBMIT,
        actor=personas.advocate_a,
        updates={
            "agency": agency,
            "assigned_contact": personas.contact_x.point_of_contact
            if agency == personas.agency_x
            else None,
            "submitted_at": timezone.now(),
            "due_date": timezone.localdate() + datetime.timedelta(days=90),
            "deadline_basis": "Minn. Stat. 611A.95: 90 days",
            "routing_reason": "The agency named in the request.",
        },
    )


def _certified(personas, **fields) -> CertificationRequest:
    request = _submitted(personas, **fields)
    return certification_request_certify(
        cert_request=request,
        actor=personas.contact_x,
        signer=_chief(personas),
        signature_date=timezone.localdate() - datetime.timedelta(days=200),
        signed_form=pdf_upload("signed.pdf"),
    )


def _denied(personas, **fields) -> CertificationRequest:
    request = _submitted(personas, **fields)
    return certification_request_deny(
        cert_request=request,
        actor=personas.contact_x,
        signer=personas.contact_x.point_of_contact,
        reason=DenialReason.OTHER,
        explanation="No report number.",
        no_charge_basis_confirmed=True,
    )


# --- Ask for a new signature ------------------------------------------------------------------


def test_a_new_signature_starts_a_linked_draft_prefilled_with_the_ticked_files(client, personas):
    earlier = _certified(personas, victim_family_name="Quispe", narrative="Hit at home in May.")
    report = earlier.attachments.get(kind=AttachmentKind.POLICE_REPORT)
    advocate = _client(client, personas.advocate_a)
    url = reverse("certifications:new_signature", args=[earlier.pk])

    page = advocate.get(url)
    assert page.status_code == 200
    assert "police-report-maria.pdf" in page.content.decode()

    response = advocate.post(
        url, {"reason": RecertificationReason.WINDOW_EXPIRED, "attachments": [report.pk]}
    )
    link = RequestLink.objects.get(earlier=earlier)
    draft = link.later
    assert response.status_code == 302
    assert response["Location"] == reverse("certifications:edit", args=[draft.pk, "victim"])
    assert link.kind == LinkKind.RECERTIFICATION
    assert link.reason == RecertificationReason.WINDOW_EXPIRED
    assert draft.status == Status.DRAFT
    assert draft.victim_family_name == "Quispe"
    assert draft.narrative == "Hit at home in May."
    assert draft.crimes == earlier.crimes
    assert draft.requested_agency_id == personas.agency_x.pk
    # The victim's consent is asked again for the new sharing.
    assert draft.consent_given is False
    copies = list(draft.attachments.all())
    assert [(a.kind, a.sha256) for a in copies] == [(report.kind, report.sha256)]
    assert copies[0].file.name != report.file.name
    earlier.refresh_from_db()
    assert earlier.status == Status.CERTIFIED
    assert RequestEvent.objects.filter(request=earlier, action=Action.LINKED).exists()
    assert RequestEvent.objects.filter(request=draft, action=Action.LINKED).exists()

    # The new request shows where it came from.
    detail = advocate.get(reverse("certifications:detail", args=[draft.pk])).content.decode()
    assert "re-certification" in detail.lower() and earlier.reference in detail


def test_a_new_signature_without_a_reason_keeps_the_page_with_the_error(client, personas):
    earlier = _certified(personas)
    response = _client(client, personas.advocate_a).post(
        reverse("certifications:new_signature", args=[earlier.pk]), {}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not RequestLink.objects.exists()


def test_a_certified_t_declaration_offers_no_filing_window_reason(client, personas):
    # The I-914 Supplement B has no six-month window (8 CFR 214.14(c)(2)(i) is a U rule).
    earlier = _certified(personas, form_type=FormType.T)
    advocate = _client(client, personas.advocate_a)
    url = reverse("certifications:new_signature", args=[earlier.pk])
    page = advocate.get(url).content.decode()
    assert "USCIS asked for a new form" in page
    assert "The six months passed" not in page
    assert "A T-visa declaration (I-914 Supp. B) on the same facts" not in page
    response = advocate.post(url, {"reason": RecertificationReason.WINDOW_EXPIRED})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not RequestLink.objects.exists()


def test_a_t_declaration_on_the_same_facts_is_drafted_on_form_i914(client, personas):
    earlier = _certified(personas)
    _client(client, personas.advocate_a).post(
        reverse("certifications:new_signature", args=[earlier.pk]),
        {"reason": RecertificationReason.T_DECLARATION},
    )
    draft = RequestLink.objects.get(earlier=earlier).later
    assert draft.form_type == FormType.T
    assert draft.crimes == []
    assert draft.narrative == earlier.narrative


def test_only_a_certified_request_is_signed_again_and_outsiders_get_404(client, personas):
    submitted = _submitted(personas)
    url = reverse("certifications:new_signature", args=[submitted.pk])
    response = _client(client, personas.advocate_a).post(
        url, {"reason": RecertificationReason.USCIS_REQUEST}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("certifications:detail", args=[submitted.pk])
    assert not RequestLink.objects.exists()
    certified = _certified(personas)
    url = reverse("certifications:new_signature", args=[certified.pk])
    for outsider in (personas.advocate_b, personas.contact_x, personas.coordinator):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "correction"}).status_code == 404
    assert not RequestLink.objects.exists()


def test_the_agency_sees_the_earlier_signed_decision_beside_the_re_certification(client, personas):
    earlier = _certified(personas)
    advocate = _client(client, personas.advocate_a)
    advocate.post(
        reverse("certifications:new_signature", args=[earlier.pk]),
        {"reason": RecertificationReason.CORRECTION},
    )
    draft = RequestLink.objects.get(earlier=earlier).later
    later = make_submitted_request_from(personas, draft, personas.agency_x)
    agency = _client(client, personas.contact_x)

    queue = agency.get(reverse("certifications:queue")).content.decode()
    assert later.reference in queue and "Re-certification" in queue

    page = agency.get(reverse("certifications:detail", args=[later.pk])).content.decode()
    assert f"Re-certification of {earlier.reference}" in page
    assert "Chief Dana Example" in page
    scan = earlier.attachments.get(kind=AttachmentKind.SIGNED_FORM)
    assert reverse("certifications:attachment_download", args=[scan.pk]) in page
    assert reverse("certifications:detail", args=[earlier.pk]) in page


def test_another_agency_reviewing_a_re_certification_never_sees_the_earlier_request(
    client, personas
):
    earlier = _certified(personas)
    _client(client, personas.advocate_a).post(
        reverse("certifications:new_signature", args=[earlier.pk]),
        {"reason": RecertificationReason.ADDED_CRIME},
    )
    draft = RequestLink.objects.get(earlier=earlier).later
    later = make_submitted_request_from(personas, draft, personas.agency_y)
    agency_y = _client(client, personas.contact_y)
    page = agency_y.get(reverse("certifications:detail", args=[later.pk])).content.decode()
    assert "Chief Dana Example" not in page
    assert reverse("certifications:detail", args=[earlier.pk]) not in page
    assert agency_y.get(reverse("certifications:detail", args=[earlier.pk])).status_code == 404


# --- Corrections in place ---------------------------------------------------------------------


def test_the_edit_views_refuse_a_certified_request_with_a_plain_message(client, personas):
    certified = _certified(personas, victim_family_name="Quispe")
    advocate = _client(client, personas.advocate_a)
    response = advocate.post(
        reverse("certifications:edit", args=[certified.pk, "victim"]),
        {"victim_family_name": "Changed"},
        follow=True,
    )
    assert "Ask for a new signature" in response.content.decode()
    certified.refresh_from_db()
    assert certified.victim_family_name == "Quispe"


def test_a_correction_changes_what_the_form_does_not_state_and_records_why(client, personas):
    certified = _certified(personas, victim_family_name="Quispe")
    advocate = _client(client, personas.advocate_a)
    url = reverse("certifications:correct", args=[certified.pk])
    assert advocate.get(url).status_code == 200
    response = advocate.post(
        url,
        {
            "contact_details": "Call the shelter: 651-555-0199",
            "internal_notes": "",
            "reason": "The shelter moved.",
            # Not a correctable field: ignored, the signed form stays as signed.
            "victim_family_name": "Changed",
        },
    )
    assert response.status_code == 302
    certified.refresh_from_db()
    assert certified.contact_details == "Call the shelter: 651-555-0199"
    assert certified.victim_family_name == "Quispe"
    event = RequestEvent.objects.get(request=certified, action=Action.CORRECTED)
    assert event.changed_fields == ["contact_details"]
    assert event.note == "The shelter moved."
    assert event.actor == personas.advocate_a


def test_a_correction_without_a_reason_is_refused_beside_the_field(client, personas):
    certified = _certified(personas)
    response = _client(client, personas.advocate_a).post(
        reverse("certifications:correct", args=[certified.pk]),
        {"contact_details": "Typed text kept", "reason": ""},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required" in body and "Typed text kept" in body
    assert not RequestEvent.objects.filter(action=Action.CORRECTED).exists()


def test_the_correction_service_refuses_what_the_signed_form_states(personas):
    from certifications.services.links import LinkError, certified_request_correct

    certified = _certified(personas)
    with pytest.raises(LinkError, match="new signature"):
        certified_request_correct(
            cert_request=certified,
            actor=personas.advocate_a,
            fields={"victim_family_name": "Other"},
            reason="Typo",
        )


# --- Reconsideration --------------------------------------------------------------------------


def test_reconsideration_goes_straight_to_the_queue_with_its_own_clock_and_official(
    client, personas
):
    other = PointOfContactFactory(agency=personas.agency_x, name="Lieutenant Second Look")
    CertifyingDesignation.objects.create(
        contact=other, designated_on=timezone.localdate() - datetime.timedelta(days=10)
    )
    denied = _denied(personas, victim_family_name="Quispe")
    advocate = _client(client, personas.advocate_a)
    response = advocate.post(
        reverse("certifications:reconsideration", args=[denied.pk]),
        {"new_information": "The report number is 26-001234.", "files": [pdf_upload("new.pdf")]},
    )
    link = RequestLink.objects.get(earlier=denied)
    new = link.later
    assert response.status_code == 302
    assert response["Location"] == reverse("certifications:detail", args=[new.pk])
    assert link.kind == LinkKind.RECONSIDERATION
    assert new.status == Status.SUBMITTED
    assert new.agency == personas.agency_x
    assert new.assigned_contact == other
    assert new.due_date == timezone.localdate() + datetime.timedelta(days=90)
    assert new.victim_family_name == "Quispe"
    message = new.messages.get()
    assert message.body == "The report number is 26-001234."
    assert message.attachments.count() == 1
    denied.refresh_from_db()
    assert denied.status == Status.DENIED

    agency = _client(client, personas.contact_x)
    queue = agency.get(reverse("certifications:queue")).content.decode()
    assert new.reference in queue and "Reconsideration" in queue
    page = agency.get(reverse("certifications:detail", args=[new.pk])).content.decode()
    assert f"Reconsideration of {denied.reference}" in page
    assert "The report number is 26-001234." in page


def test_reconsideration_follows_the_agencys_stricter_policy_and_waits_unassigned(client, personas):
    personas.agency_x.policy_response_days = 30
    personas.agency_x.save()
    denied = _denied(personas)
    _client(client, personas.advocate_a).post(
        reverse("certifications:reconsideration", args=[denied.pk]),
        {"new_information": "A witness came forward."},
    )
    new = RequestLink.objects.get(earlier=denied).later
    assert new.due_date == timezone.localdate() + datetime.timedelta(days=30)
    # The only certifying official denied it: nobody else to assign.
    assert new.assigned_contact is None


def test_reconsideration_without_new_information_is_refused(client, personas):
    denied = _denied(personas)
    response = _client(client, personas.advocate_a).post(
        reverse("certifications:reconsideration", args=[denied.pk]), {"new_information": ""}
    )
    assert response.status_code == 400
    assert not RequestLink.objects.exists()
    certified = _certified(personas)
    response = client.post(
        reverse("certifications:reconsideration", args=[certified.pk]),
        {"new_information": "More"},
    )
    assert response.status_code == 302
    assert not RequestLink.objects.exists()


def test_statistics_count_reconsiderations_and_their_outcomes(client, personas):
    from certifications.services.links import reconsideration_ask

    first = reconsideration_ask(
        denied=_denied(personas), actor=personas.advocate_a, new_information="New witness."
    )
    reconsideration_ask(
        denied=_denied(personas), actor=personas.advocate_a, new_information="New report."
    )
    certification_request_certify(
        cert_request=first,
        actor=personas.contact_x,
        signer=_chief(personas),
        signature_date=timezone.localdate(),
    )
    today = timezone.localdate()
    figures = reconsideration_figures(start=today, end=today)
    assert (figures.asked, figures.certified, figures.denied, figures.pending) == (2, 1, 0, 1)
    assert reconsideration_figures(start=today, end=today, agency=personas.agency_y).asked == 0
    page = _client(client, personas.coordinator).get(
        reverse("statistics:figures"), {"start": today.isoformat(), "end": today.isoformat()}
    )
    assert "Reconsiderations after a denial" in page.content.decode()
    queue = _client(client, personas.contact_x).get(reverse("certifications:queue"))
    assert '<dd class="col-sm-6 col-lg-3 reconsiderations">2 / 1 / 0</dd>' in (
        queue.content.decode()
    )


# --- Another certifier ------------------------------------------------------------------------


def test_another_certifier_starts_a_draft_with_the_same_facts_for_the_chosen_agency(
    client, personas
):
    denied = _denied(personas, narrative="Same facts.")
    advocate = _client(client, personas.advocate_a)
    url = reverse("certifications:another_certifier", args=[denied.pk])
    search = advocate.get(url, {"q": "Sheriff"}).content.decode()
    assert personas.agency_y.name.replace("'", "&#x27;") in search
    response = advocate.post(url + "?q=Sheriff", {"agency": personas.agency_y.pk})
    link = RequestLink.objects.get(earlier=denied)
    draft = link.later
    assert response.status_code == 302
    assert link.kind == LinkKind.ANOTHER_CERTIFIER
    assert draft.status == Status.DRAFT
    assert draft.requested_agency == personas.agency_y
    assert draft.narrative == "Same facts."
    assert draft.consent_given is False


def test_another_certifier_cannot_be_the_agency_that_answered(client, personas):
    denied = _denied(personas)
    response = _client(client, personas.advocate_a).post(
        reverse("certifications:another_certifier", args=[denied.pk]),
        {"agency": personas.agency_x.pk},
    )
    assert response.status_code == 400
    assert not RequestLink.objects.exists()


# --- The family of one incident ---------------------------------------------------------------


def test_a_request_for_another_victim_prefills_the_incident_and_joins_the_family(client, personas):
    first = _submitted(personas, victim_family_name="Mother", case_number="26-0042")
    advocate = _client(client, personas.advocate_a)
    response = advocate.post(reverse("certifications:family_another_victim", args=[first.pk]))
    link = RequestLink.objects.get(earlier=first, kind=LinkKind.FAMILY)
    child = link.later
    assert response["Location"] == reverse("certifications:edit", args=[child.pk, "victim"])
    assert child.case_number == "26-0042"
    assert child.crimes == first.crimes
    assert child.requested_agency == personas.agency_x
    assert child.victim_family_name == ""
    assert child.narrative == ""

    # A third request started from the second joins the same group (one first request).
    advocate.post(reverse("certifications:family_another_victim", args=[child.pk]))
    assert RequestLink.objects.filter(earlier=first, kind=LinkKind.FAMILY).count() == 2
    page = advocate.get(reverse("certifications:family", args=[child.pk])).content.decode()
    assert page.count("status-badge") == 3


def test_the_agency_reviews_the_family_on_one_page_and_sees_only_what_it_may(client, personas):
    mother = _submitted(personas, victim_family_name="Mother")
    son = _submitted(personas, victim_family_name="Son")
    advocate = _client(client, personas.advocate_a)
    response = advocate.post(
        reverse("certifications:family_link", args=[son.pk]), {"other": mother.pk}
    )
    assert response.status_code == 302
    advocate.post(reverse("certifications:family_another_victim", args=[mother.pk]))  # a draft
    agency = _client(client, personas.contact_x)
    page = agency.get(reverse("certifications:family", args=[son.pk])).content.decode()
    assert mother.reference in page and son.reference in page
    assert page.count("status-badge") == 2  # not the advocate's unsent draft
    review = agency.get(reverse("certifications:detail", args=[mother.pk])).content.decode()
    assert "2 requests reviewed together" in review
    queue = agency.get(reverse("certifications:queue")).content.decode()
    assert "Same incident" in queue
    for outsider in (personas.contact_y, personas.advocate_b):
        client.force_login(outsider)
        assert client.get(reverse("certifications:family", args=[son.pk])).status_code == 404


def test_requests_to_different_agencies_are_not_grouped(client, personas):
    mother = _submitted(personas)
    at_y = _submitted(personas, agency=personas.agency_y)
    response = _client(client, personas.advocate_a).post(
        reverse("certifications:family_link", args=[at_y.pk]), {"other": mother.pk}
    )
    # Not offered for another agency's request: refused beside the field.
    assert response.status_code == 400
    assert not RequestLink.objects.exists()


def test_links_outlive_the_retention_purge_for_the_statistics(personas, settings):
    from certifications.services.links import reconsideration_ask
    from certifications.services.retention import certification_request_purge

    denied = _denied(personas)
    new = reconsideration_ask(denied=denied, actor=personas.advocate_a, new_information="New.")
    CertificationRequest.objects.filter(pk=denied.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSE + 1)
    )
    assert certification_request_purge(request_id=denied.pk)
    assert RequestLink.objects.filter(earlier=denied, later=new).exists()


def test_reconsideration_goes_to_neither_the_assigned_official_nor_the_one_who_denied(
    personas,
):
    from accounts.models import Role
    from certifications.services.links import reconsideration_contact
    from tests.factories import UserFactory

    denier = UserFactory(email="denier@example.org", role=Role.AGENCY_CONTACT, organization=None)
    denier_contact = PointOfContactFactory(
        agency=personas.agency_x, user=denier, name="Aaron Denier"
    )
    third = PointOfContactFactory(agency=personas.agency_x, name="Zed Third")
    # Only officials who may sign reconsider (8 CFR 214.14(a)(3)); a reviewer does not.
    PointOfContactFactory(agency=personas.agency_x, name="Ann Reviewer")
    for contact in (denier_contact, third):
        CertifyingDesignation.objects.create(
            contact=contact, designated_on=timezone.localdate() - datetime.timedelta(days=10)
        )
    PointOfContactFactory(agency=personas.agency_x, name="Inactive", is_active=False)
    PointOfContactFactory(agency=personas.agency_y, name="Another Agency's Official")
    request = _submitted(personas)
    denied = certification_request_deny(
        cert_request=request,
        actor=denier,
        signer=denier_contact,
        reason=DenialReason.NOT_HELPFUL,
        explanation="No cooperation on record.",
        no_charge_basis_confirmed=True,
    )
    assert denied.assigned_contact == personas.contact_x.point_of_contact
    assert reconsideration_contact(denied) == third


def test_the_earlier_request_lists_what_followed_from_it(client, personas):
    earlier = _certified(personas)
    advocate = _client(client, personas.advocate_a)
    advocate.post(
        reverse("certifications:new_signature", args=[earlier.pk]),
        {"reason": RecertificationReason.USCIS_REQUEST},
    )
    draft = RequestLink.objects.get(earlier=earlier).later
    page = advocate.get(reverse("certifications:detail", args=[earlier.pk])).content.decode()
    assert draft.reference in page
    assert "re-certification of this request" in page
    assert "uscis asked for a new form" in page.lower()


def test_deleting_a_re_certification_draft_leaves_the_certified_request_alone(client, personas):
    earlier = _certified(personas)
    advocate = _client(client, personas.advocate_a)
    advocate.post(
        reverse("certifications:new_signature", args=[earlier.pk]),
        {"reason": RecertificationReason.CORRECTION},
    )
    draft = RequestLink.objects.get(earlier=earlier).later
    response = advocate.post(reverse("certifications:delete_draft", args=[draft.pk]))
    assert response.status_code == 302
    assert not CertificationRequest.objects.filter(pk=draft.pk).exists()
    assert not RequestLink.objects.exists()
    earlier.refresh_from_db()
    assert earlier.status == Status.CERTIFIED
    assert advocate.get(reverse("certifications:detail", args=[earlier.pk])).status_code == 200


def test_a_double_click_starts_one_request(client, personas):
    certified = _certified(personas)
    denied = _denied(personas)
    advocate = _client(client, personas.advocate_a)
    url = reverse("certifications:new_signature", args=[certified.pk])
    for _ in range(2):
        response = advocate.post(url, {"reason": RecertificationReason.USCIS_REQUEST})
    assert RequestLink.objects.filter(earlier=certified).count() == 1
    assert response["Location"] == reverse("certifications:detail", args=[certified.pk])
    # Another reason is another request (a T declaration beside a new U form).
    advocate.post(url, {"reason": RecertificationReason.T_DECLARATION})
    assert RequestLink.objects.filter(earlier=certified).count() == 2
    url = reverse("certifications:reconsideration", args=[denied.pk])
    for _ in range(2):
        advocate.post(url, {"new_information": "A witness came forward."})
    assert RequestLink.objects.filter(earlier=denied).count() == 1
    page = advocate.get(url, follow=True)
    assert page.status_code == 200
