"""Denials within the law: reasons that follow the legal elements, a refusal named with its
request and date (for T, unreasonable), and the Minn. Stat. 611A.95 subd. 2(c) confirmation."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from agencies.selectors import certifying_officials
from certifications.choices import Action, DenialReason, FormType, Status, TraffickingType
from certifications.models import CertificationRequest
from tests.factories import make_request, make_submitted_request


def _submitted(personas, form_type=FormType.U) -> CertificationRequest:
    extra = {}
    if form_type == FormType.T:
        extra = {"trafficking_types": [TraffickingType.LABOR_PEONAGE.value]}
    return make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        form_type=form_type,
        **extra,
    )


def _deny(client, request, **data):
    # Signed by one of the agency's designated officials (8 CFR 214.14(a)(3)).
    data.setdefault("signer", certifying_officials(request.agency_id)[0].pk)
    return client.post(reverse("certifications:deny", args=[request.pk]), data)


def test_the_deny_form_lists_the_legal_elements_and_states_subd_2c(client, personas):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    page = client.get(
        reverse("certifications:review", args=[request.pk]), {"act": "deny"}
    ).content.decode()
    for reason in DenialReason:
        assert f'value="{reason.value}"' in page
    assert "Not a qualifying crime" in page
    assert "not being and is not likely to be helpful" in page
    assert "611A.95 subd. 2(c)" in page
    assert "no one has been charged or convicted" in page
    assert "unreasonable" not in page  # the T-only checkbox is not on a U request's form


def test_a_denial_without_the_subd_2c_confirmation_is_refused_beside_the_box(client, personas):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    response = _deny(
        client, request, reason=DenialReason.NOT_QUALIFYING_CRIME, explanation="Theft only."
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Confirm that the denial does not rest on the absence of a charge" in body
    assert "Theft only." in body  # what was typed is kept
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED

    response = _deny(
        client,
        request,
        reason=DenialReason.NOT_QUALIFYING_CRIME,
        explanation="Theft only.",
        no_charge_basis="on",
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.DENIED
    assert request.denial_confirmed_no_charge_basis
    event = request.events.get(action=Action.DENY)
    assert event.note == "Not a qualifying crime: Theft only.\nDecided by Contact X."


def test_a_refusal_needs_the_request_and_its_date_beside_their_fields(client, personas):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    response = _deny(
        client,
        request,
        reason=DenialReason.REFUSED_ASSISTANCE,
        explanation="Did not come to the interview.",
        no_charge_basis="on",
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Name the request for assistance that was refused." in body
    assert "Give the date of the request." in body
    assert "Did not come to the interview." in body
    future = timezone.localdate() + datetime.timedelta(days=2)
    response = _deny(
        client,
        request,
        reason=DenialReason.REFUSED_ASSISTANCE,
        explanation="Did not come to the interview.",
        request_described="Asked to attend a follow-up interview with the investigator.",
        request_date=future.isoformat(),
        no_charge_basis="on",
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    asked = timezone.localdate() - datetime.timedelta(days=20)
    response = _deny(
        client,
        request,
        reason=DenialReason.REFUSED_ASSISTANCE,
        explanation="Did not come to the interview.",
        request_described="Asked to attend a follow-up interview with the investigator.",
        request_date=asked.isoformat(),
        no_charge_basis="on",
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.denial_reason == DenialReason.REFUSED_ASSISTANCE
    assert request.denial_request_date == asked
    client.force_login(personas.advocate_a)
    page = client.get(reverse("certifications:detail", args=[request.pk])).content.decode()
    assert "Victim refused or failed to provide assistance reasonably requested" in page
    assert "Asked to attend a follow-up interview with the investigator." in page


def test_a_t_refusal_must_be_unreasonable_and_is_worded_so(client, personas):
    request = _submitted(personas, FormType.T)
    client.force_login(personas.contact_x)
    page = client.get(
        reverse("certifications:review", args=[request.pk]), {"act": "deny"}
    ).content.decode()
    assert "Victim unreasonably refused to comply with a reasonable request" in page
    assert "Not a severe form of trafficking in persons" in page
    data = {
        "reason": DenialReason.REFUSED_ASSISTANCE,
        "explanation": "Declined every interview.",
        "request_described": "Interview with the task force.",
        "request_date": (timezone.localdate() - datetime.timedelta(days=5)).isoformat(),
        "no_charge_basis": "on",
    }
    response = _deny(client, request, **data)
    assert response.status_code == 400
    assert "only when the refusal was unreasonable" in response.content.decode()
    response = _deny(client, request, refusal_unreasonable="on", **data)
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.DENIED
    assert request.denial_reason_text.startswith("Victim unreasonably refused")


def test_another_reason_needs_its_explanation(client, personas):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    response = _deny(client, request, reason=DenialReason.OTHER, no_charge_basis="on")
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED


BEFORE = [("certifications", "0017_case_file")]
AFTER = [("certifications", "0018_denial_reasons_follow_the_law")]


@pytest.mark.django_db(transaction=True)
def test_the_former_reasons_are_mapped_and_their_explanations_kept(personas):
    old_reasons = {
        "not_victim": "Theft is not listed.",
        "not_jurisdiction": "A federal case.",
        "not_helpful": "Declined a statement.",
        "insufficient_info": "No report number given.",
        "other": "Duplicate request.",
    }
    rows = {
        reason: make_request(organization=personas.org_a, created_by=personas.advocate_a)
        for reason in [*old_reasons, "insufficient_blank"]
    }
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps.get_model(
            "certifications", "CertificationRequest"
        )
        for reason, request in rows.items():
            row = old.objects.get(pk=request.pk)
            row.status = "denied"
            row.submitted_at = timezone.now()
            row.denial_reason = "insufficient_info" if reason == "insufficient_blank" else reason
            row.denial_explanation = old_reasons.get(reason, "")
            row.save()
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)

    def after(key):
        return CertificationRequest.objects.get(pk=rows[key].pk)

    assert after("not_victim").denial_reason == DenialReason.NOT_QUALIFYING_CRIME
    assert after("not_jurisdiction").denial_reason == DenialReason.NO_RESPONSIBILITY
    assert after("not_helpful").denial_reason == DenialReason.NOT_HELPFUL
    assert after("other").denial_explanation == "Duplicate request."
    moved = after("insufficient_info")
    assert moved.denial_reason == DenialReason.OTHER
    assert moved.denial_explanation.startswith("No report number given.")
    assert "former reason" in moved.denial_explanation
    blank = after("insufficient_blank")
    assert blank.denial_reason == DenialReason.OTHER
    assert blank.denial_explanation == (
        'Recorded under the former reason "Insufficient information".'
    )
