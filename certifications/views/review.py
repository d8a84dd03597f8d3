"""The agency's review page of one request: everything the agency needs to decide, and the panel
of the actions possible now (each action posts to its own URL, `agency_actions`).

The page reaches a request only through the access rule in `certifications.access`;
outsiders get 404. The views showing it carry `accounts.decorators.audited`, which writes
the audit entry (one per request, whichever view renders the page).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.decorators import audit_reference, audited
from accounts.models import AuditAction

from ..access import (
    AGENCY,
    RequestAccess,
    agency_view_of,
    certification_request_access,
    shown_attachments,
)
from ..choices import FINAL_STATUSES, TRANSITIONS, Crime, Status, TraffickingType
from ..forms.casefile import MessageWithFilesForm
from ..forms.review import (
    AssignForm,
    CertificationWithdrawForm,
    CertifyForm,
    CoordinateForm,
    DenyForm,
    RecommendForm,
    RequestInfoForm,
)
from ..models import CertificationRequest, DecisionRecord
from ..models.records import certification_withdrawal_of
from ..selectors import (
    agency_contacts_for_assignment,
    certification_request_for_page,
    certification_request_page_lists,
)
from ..selectors_info import exchange_message_ids, info_exchanges
from ..selectors_links import (
    earlier_decision_for,
    family_visible_to,
    linked_requests_visible_to,
)
from ..services.releases import release_state
from ..services.review import ReviewError, decision_authority
from ..services.signer_answers import signer_title
from .casefile_panels import casefile_context
from .editions import edition_context


def possible_actions(
    *, user, cert_request: CertificationRequest, actions: frozenset[str] | None = None
) -> frozenset[str]:
    """What the user may do (`certifications.access`; `actions` when the caller has just
    asked) intersected with what the status allows now."""
    if actions is None:
        access = certification_request_access(user=user, pk=cert_request.pk, require=AGENCY)
        actions = access.agency_actions
    possible = set()
    for name in actions:
        if name in TRANSITIONS:
            allowed_from = TRANSITIONS[name][0]
            if cert_request.status in allowed_from:
                possible.add(name)
        elif name == "assign":
            if cert_request.status not in FINAL_STATUSES:
                possible.add(name)
        elif name == "withdraw_certification":
            # Once, on a certification not yet purged (the agency's record then stands alone).
            if (
                cert_request.status == Status.CERTIFIED
                and cert_request.purged_at is None
                and certification_withdrawal_of(cert_request) is None
            ):
                possible.add(name)
        else:
            possible.add(name)
    return frozenset(possible)


# The actions whose form opens on the review page, in the order the panel lists them.
PANEL_FORMS = (
    "certify",
    "deny",
    "recommend",
    "request_info",
    "assign",
    "message",
    "coordinate",
    "withdraw_certification",
)


def signer_choices(
    *, user, cert_request: CertificationRequest
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The signers the user may choose from and, for the coordinator's own requests, the DPS
    units whose responsibility lets it decide (`services.review.decision_authority`)."""
    try:
        authority = decision_authority(cert_request=cert_request, actor=user)
    except ReviewError:
        return [], []
    signers = [
        (c.pk, f"{c.name}, {signer_title(c)}" if signer_title(c) else c.name)
        for c in authority.signers
    ]
    return signers, [(u.pk, u.name) for u in authority.units]


def agency_panel_context(
    *,
    user,
    cert_request: CertificationRequest,
    bound: dict[str, forms.Form] | None = None,
    open_action: str = "",
    actions: frozenset[str] | None = None,
) -> dict[str, Any]:
    """Context for `certifications/_agency_actions.html`: the actions possible now, and the
    form of the one that is open (`?act=certify`, or the one just refused with its errors).

    Only the open action's form is built: a reviewer decides one thing at a time, and the page
    stays short. Database choices are loaded here, never from the template.
    """
    bound = bound or {}
    possible = possible_actions(user=user, cert_request=cert_request, actions=actions)
    pk = cert_request.pk
    opened = next(iter(bound), "") or open_action
    if opened not in PANEL_FORMS or opened not in possible:
        opened = ""

    def url(name: str) -> str:
        return reverse(f"certifications:{name}", args=[pk])

    panel: dict[str, Any] = {
        "possible": possible,
        "open": opened,
        "can_certify": "certify" in possible,
        "buttons": [name for name in PANEL_FORMS if name in possible and name != opened],
    }
    if opened == "request_info":
        panel["form"] = bound.get(opened) or RequestInfoForm(action=url("request_info"))
    elif opened in ("certify", "deny") and opened not in bound:
        signers, units = signer_choices(user=user, cert_request=cert_request)
        if opened == "certify":
            panel["form"] = CertifyForm(signers=signers, units=units, action=url(opened))
        else:
            panel["form"] = DenyForm(
                signers=signers,
                units=units,
                action=url(opened),
                form_type=cert_request.form_type,
            )
    elif opened in ("certify", "deny", "recommend", "coordinate") and opened in bound:
        panel["form"] = bound[opened]
    elif opened == "recommend":
        panel["form"] = RecommendForm(action=url("recommend"))
    elif opened == "coordinate":
        panel["form"] = CoordinateForm(action=url("coordinate"))
    elif opened == "assign":
        contacts = agency_contacts_for_assignment(agency_id=cert_request.agency_id)
        panel["form"] = bound.get(opened) or AssignForm(
            contacts=contacts,
            action=url("assign"),
            initial={"contact": cert_request.assigned_contact_id},
        )
    elif opened == "message":
        panel["form"] = bound.get(opened) or MessageWithFilesForm(
            action=url("message"), label=_("Message to the advocate")
        )
    elif opened == "withdraw_certification":
        panel["form"] = bound.get(opened) or CertificationWithdrawForm(
            action=url("withdraw_certification")
        )
    # Transfer and re-route have a page of their own (an agency search): the review page
    # only links to it, so it never lists the state's thousand agencies.
    if "transfer" in possible:
        panel["transfer"] = url("transfer")
    if "reroute" in possible:
        panel["reroute"] = url("reroute")
    return {"agency_panel": panel}


def decision_records_context(cert_request: CertificationRequest) -> dict[str, Any]:
    """`_decision_records.html`'s context: read here, so the template runs no query."""
    try:
        record = cert_request.decision_record
    except DecisionRecord.DoesNotExist:
        record = None
    return {"withdrawal": certification_withdrawal_of(cert_request), "decision_record": record}


def render_review(
    request: HttpRequest,
    cert_request: CertificationRequest,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
    actions: frozenset[str] | None = None,
) -> HttpResponse:
    audit_reference(request, cert_request.reference)
    # A request fetched for an action (a refused form shown again) lacks the page's lists.
    certification_request_page_lists(cert_request=cert_request)
    context = {
        "req": cert_request,
        "crime_labels": [_label(Crime, c) for c in cert_request.crimes or []],
        "trafficking_labels": [
            _label(TraffickingType, t) for t in cert_request.trafficking_types or []
        ],
        "Status": Status,
        # A re-certification or reconsideration shows the earlier decision beside it; linked
        # requests only as far as this agency may see each of them.
        "earlier_decision": earlier_decision_for(user=request.user, cert_request=cert_request),
        "linked": linked_requests_visible_to(user=request.user, cert_request=cert_request),
        "family_size": len(family_visible_to(user=request.user, cert_request=cert_request)),
        **decision_records_context(cert_request),
        # Whether a transfer waits for a release, or the release expired (services.releases).
        "release_state": release_state(cert_request=cert_request),
        # The A-Number and an urgency only as the advocate chose to share them.
        "agency_view": agency_view_of(cert_request),
        # DOMAIN / 8 U.S.C. 1367: the agency sees that removal proceedings were flagged (it
        # sets the deadline) and nothing more about immigration status: not the proof itself.
        "attachments": shown_attachments(cert_request.attachment_list, sees_notice_to_appear=False),
        **edition_context(
            access=RequestAccess(cert_request=cert_request, actions=actions)
            if actions is not None
            else certification_request_access(user=request.user, pk=cert_request.pk)
        ),
        **agency_panel_context(
            user=request.user,
            cert_request=cert_request,
            bound=bound,
            open_action=request.GET.get("act", ""),
            actions=actions,
        ),
        **casefile_context(
            cert_request=cert_request,
            agency_actions=actions if actions is not None else frozenset(),
            bound=bound,
        ),
    }
    # Each information request with the advocate's answer and its files beside it; the other
    # messages below.
    context["exchanges"] = info_exchanges(
        cert_request=cert_request, attachments=context["attachments"]
    )
    shown = exchange_message_ids(context["exchanges"])
    context["messages_with_files"] = [
        item
        for item in _messages_with_files(cert_request, context["attachments"])
        if item["message"].pk not in shown
    ]
    return render(request, "certifications/review.html", context, status=status)


def _messages_with_files(cert_request: CertificationRequest, attachments: list) -> list[dict]:
    """Each message with its files among `attachments` (those the agency may see)."""
    files: dict[int, list] = {}
    for attachment in attachments:
        if attachment.message_id:
            files.setdefault(attachment.message_id, []).append(attachment)
    return [{"message": m, "files": files.get(m.pk, [])} for m in cert_request.message_list]


def _label(choices, value: str) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value


@login_required
@require_GET
@audited(AuditAction.VICTIM_DATA_VIEW)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything the agency needs to decide, minus immigration status (only the
    removal-proceedings flag, which sets the deadline: Minn. Stat. 611A.95 subd. 2)."""
    access = certification_request_for_page(
        user=request.user, pk=pk, require=AGENCY, allow_limited=True
    )
    if access.limited:
        return limited_page(request, access)
    return review_page(request, access)


def limited_page(request: HttpRequest, access: RequestAccess) -> HttpResponse:
    """The statewide coordinator's page of a request no current release covers it for: the
    reference, agency, status and dates, nothing about the victim (VAWA 34 U.S.C.
    12291(b)(2))."""
    audit_reference(request, access.cert_request.reference)
    return render(request, "certifications/limited.html", {"req": access.cert_request})


def review_page(request: HttpRequest, access: RequestAccess) -> HttpResponse:
    """The review page of a request already fetched for its page by someone who may act on it
    for an agency (`review`, or the shared request address)."""
    return render_review(request, access.cert_request, actions=access.agency_actions)
