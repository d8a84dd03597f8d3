"""The agency's actions on one request, one POST URL each: access, form, service, redirect.

Every action reaches the request through `certifications.access.certification_request_access`
(outsiders get 404). A refused form is shown again with what was typed and its errors, on the
review page (or, for a transfer or re-route, on the page that finds the receiving agency).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import audit_reference, audited
from accounts.models import AuditAction
from agencies.models import Agency, PointOfContact

from ..access import certification_request_access, certification_requests_visible_to
from ..choices import Action
from ..forms.casefile import MessageWithFilesForm
from ..forms.review import (
    AgencySearchForm,
    AssignForm,
    CertificationWithdrawForm,
    CertifyForm,
    CoordinateForm,
    DenyForm,
    MoveForm,
    RecommendForm,
    RequestInfoForm,
)
from ..models import CertificationRequest
from ..selectors import (
    MOVE_CANDIDATES_SHOWN,
    agencies_to_move_to,
    agency_contacts_for_assignment,
)
from ..services import TransitionError
from ..services.coordination import (
    certification_request_coordinate,
    certification_request_recommend,
)
from ..services.messages import message_with_files_send
from ..services.records import certification_withdraw
from ..services.review import (
    ReviewError,
    certification_request_assign,
    certification_request_certify,
    certification_request_deny,
    certification_request_request_info,
    certification_request_reroute,
    certification_request_start_review,
    certification_request_transfer,
)
from .review import possible_actions, render_review, signer_choices


def _back(cert_request: CertificationRequest) -> HttpResponse:
    return redirect("certifications:detail", pk=cert_request.pk)


def _refused(request: HttpRequest, cert_request: CertificationRequest, exc: Exception):
    messages.error(request, str(exc))
    return _back(cert_request)


def _done(request: HttpRequest, cert_request: CertificationRequest, text: str) -> HttpResponse:
    messages.success(request, text)
    if not certification_requests_visible_to(user=request.user).filter(pk=cert_request.pk).exists():
        # A transfer or re-route can take the request out of the user's sight: go home rather
        # than to a page that now answers 404.
        return redirect("home")
    return _back(cert_request)


@login_required
@require_POST
def start_review(request: HttpRequest, pk: int) -> HttpResponse:
    access = certification_request_access(user=request.user, pk=pk, require=Action.START_REVIEW)
    cert_request = access.cert_request
    try:
        certification_request_start_review(cert_request=cert_request, actor=request.user)
    except (TransitionError, ReviewError) as exc:
        return _refused(request, cert_request, exc)
    return _done(request, cert_request, "Review started.")


@login_required
@require_POST
@audited(AuditAction.VICTIM_DATA_VIEW)
def request_info(request: HttpRequest, pk: int) -> HttpResponse:
    access = certification_request_access(user=request.user, pk=pk, require=Action.REQUEST_INFO)
    cert_request = access.cert_request
    audit_reference(request, cert_request.reference)
    form = RequestInfoForm(request.POST, action=reverse("certifications:request_info", args=[pk]))
    if form.is_valid():
        try:
            certification_request_request_info(
                cert_request=cert_request, actor=request.user, message=form.cleaned_data["message"]
            )
        except TransitionError as exc:
            return _refused(request, cert_request, exc)
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            return _done(
                request,
                cert_request,
                "Information requested. The statute's clock keeps running.",
            )
    return render_review(
        request,
        cert_request,
        bound={"request_info": form},
        status=400,
        actions=access.agency_actions,
    )


def _signer_and_unit(cert_request: CertificationRequest, data: dict):
    """The chosen signer and DPS unit as rows; the service checks they may be chosen."""
    signer = PointOfContact.objects.filter(pk=data["signer"]).first()
    unit_pk = data.get("responsible_unit")
    unit = Agency.objects.filter(pk=unit_pk).first() if unit_pk else None
    if signer is None:
        raise ReviewError(_("Choose who signs."))
    return signer, unit


@login_required
@require_POST
@audited(AuditAction.VICTIM_DATA_VIEW)
def certify(request: HttpRequest, pk: int) -> HttpResponse:
    access = certification_request_access(user=request.user, pk=pk, require=Action.CERTIFY)
    cert_request = access.cert_request
    audit_reference(request, cert_request.reference)
    signers, units = signer_choices(user=request.user, cert_request=cert_request)
    form = CertifyForm(
        request.POST,
        request.FILES,
        signers=signers,
        units=units,
        action=reverse("certifications:certify", args=[pk]),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            signer, unit = _signer_and_unit(cert_request, data)
            certification_request_certify(
                cert_request=cert_request,
                actor=request.user,
                signer=signer,
                signature_date=data["signature_date"],
                signed_form=data.get("signed_form"),
                responsible_unit=unit,
            )
        except TransitionError as exc:
            return _refused(request, cert_request, exc)
        except ReviewError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error("signed_form", exc.message_dict.get("signed_form", exc.messages))
        else:
            return _done(
                request,
                cert_request,
                "Certification recorded. The advocate can now see the filing deadline.",
            )
    return render_review(
        request, cert_request, bound={"certify": form}, status=400, actions=access.agency_actions
    )


@login_required
@require_POST
@audited(AuditAction.VICTIM_DATA_VIEW)
def deny(request: HttpRequest, pk: int) -> HttpResponse:
    access = certification_request_access(user=request.user, pk=pk, require=Action.DENY)
    cert_request = access.cert_request
    audit_reference(request, cert_request.reference)
    signers, units = signer_choices(user=request.user, cert_request=cert_request)
    form = DenyForm(
        request.POST,
        signers=signers,
        units=units,
        action=reverse("certifications:deny", args=[pk]),
        form_type=cert_request.form_type,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            signer, unit = _signer_and_unit(cert_request, data)
            certification_request_deny(
                cert_request=cert_request,
                actor=request.user,
                signer=signer,
                reason=data["reason"],
                explanation=data["explanation"],
                no_charge_basis_confirmed=data["no_charge_basis"],
                request_described=data.get("request_described", ""),
                request_date=data.get("request_date"),
                refusal_unreasonable=data.get("refusal_unreasonable", False),
                responsible_unit=unit,
            )
        except TransitionError as exc:
            return _refused(request, cert_request, exc)
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            return _done(
                request,
                cert_request,
                "Denial recorded. The advocate can read the reason and explanation.",
            )
    return render_review(
        request, cert_request, bound={"deny": form}, status=400, actions=access.agency_actions
    )


@login_required
@require_POST
@audited(AuditAction.VICTIM_DATA_VIEW)
def recommend(request: HttpRequest, pk: int) -> HttpResponse:
    """A contact who may not sign recommends a decision to those who may."""
    access = certification_request_access(user=request.user, pk=pk, require="recommend")
    cert_request = access.cert_request
    audit_reference(request, cert_request.reference)
    form = RecommendForm(request.POST, action=reverse("certifications:recommend", args=[pk]))
    if form.is_valid():
        try:
            certification_request_recommend(
                cert_request=cert_request,
                actor=request.user,
                recommendation=form.cleaned_data["recommendation"],
                note=form.cleaned_data["note"],
            )
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, cert_request, "Recommendation recorded for the signing official.")
    return render_review(
        request, cert_request, bound={"recommend": form}, status=400, actions=access.agency_actions
    )


@login_required
@require_POST
@audited(AuditAction.VICTIM_DATA_VIEW)
def coordinate(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator records what it did on a request that stays with its agency."""
    access = certification_request_access(user=request.user, pk=pk, require="coordinate")
    cert_request = access.cert_request
    audit_reference(request, cert_request.reference)
    form = CoordinateForm(request.POST, action=reverse("certifications:coordinate", args=[pk]))
    if form.is_valid():
        try:
            certification_request_coordinate(
                cert_request=cert_request,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
            )
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, cert_request, "Recorded. The request stays with its agency.")
    return render_review(
        request,
        cert_request,
        bound={"coordinate": form},
        status=400,
        actions=access.agency_actions,
    )


@login_required
@require_POST
@audited(AuditAction.VICTIM_DATA_VIEW)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    access = certification_request_access(user=request.user, pk=pk, require="assign")
    cert_request = access.cert_request
    audit_reference(request, cert_request.reference)
    form = AssignForm(
        request.POST,
        contacts=agency_contacts_for_assignment(agency_id=cert_request.agency_id),
        action=reverse("certifications:assign", args=[pk]),
    )
    if form.is_valid():
        contact = PointOfContact.objects.filter(
            pk=form.cleaned_data["contact"], agency_id=cert_request.agency_id, is_active=True
        ).first()
        try:
            if contact is None:
                raise ReviewError(_("Choose an active point of contact of this agency."))
            certification_request_assign(
                cert_request=cert_request, actor=request.user, contact=contact
            )
        except TransitionError as exc:
            return _refused(request, cert_request, exc)
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, cert_request, "Assignment saved.")
    return render_review(
        request, cert_request, bound={"assign": form}, status=400, actions=access.agency_actions
    )


@login_required
@require_POST
@audited(AuditAction.VICTIM_DATA_VIEW)
def message(request: HttpRequest, pk: int) -> HttpResponse:
    access = certification_request_access(user=request.user, pk=pk, require="message")
    cert_request = access.cert_request
    audit_reference(request, cert_request.reference)
    form = MessageWithFilesForm(
        request.POST,
        request.FILES,
        action=reverse("certifications:message", args=[pk]),
        label=_("Message to the advocate"),
    )
    if form.is_valid():
        try:
            # Its files are checked like every upload (uploads.validate_upload).
            message_with_files_send(
                cert_request=cert_request,
                author=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
            )
        except TransitionError as exc:
            return _refused(request, cert_request, exc)
        except ReviewError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, msgs)
        else:
            return _done(request, cert_request, "Message sent.")
    return render_review(
        request, cert_request, bound={"message": form}, status=400, actions=access.agency_actions
    )


@login_required
@require_POST
@audited(AuditAction.VICTIM_DATA_VIEW)
def withdraw_certification(request: HttpRequest, pk: int) -> HttpResponse:
    access = certification_request_access(
        user=request.user, pk=pk, require="withdraw_certification"
    )
    cert_request = access.cert_request
    audit_reference(request, cert_request.reference)
    if "withdraw_certification" not in possible_actions(
        user=request.user, cert_request=cert_request, actions=access.agency_actions
    ):
        # Not certified, or already withdrawn: said on the request's page, as for a transition
        # the status no longer allows.
        return _refused(
            request,
            cert_request,
            ReviewError(
                _(
                    "Only a certification the agency gave can be withdrawn, once: this one is not "
                    "certified or its withdrawal is already recorded."
                )
            ),
        )
    form = CertificationWithdrawForm(
        request.POST, action=reverse("certifications:withdraw_certification", args=[pk])
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            certification_withdraw(
                cert_request=cert_request,
                actor=request.user,
                kind=data["kind"],
                reason=data["reason"],
                effective_on=data["effective_on"],
            )
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            return _done(
                request,
                cert_request,
                "Recorded. The advocate is told; notify USCIS of the withdrawal as well.",
            )
    return render_review(
        request,
        cert_request,
        bound={"withdraw_certification": form},
        status=400,
        actions=access.agency_actions,
    )


# --- Transfer and re-route: a page that finds the receiving agency, then the POST -----------

MOVE_BUTTONS = {Action.TRANSFER: "Transfer", Action.REROUTE: "Re-route"}
MOVE_SERVICES = {
    Action.TRANSFER: certification_request_transfer,
    Action.REROUTE: certification_request_reroute,
}


def _move_form(
    cert_request: CertificationRequest, action: Action, agencies: list, data=None
) -> MoveForm:
    return MoveForm(
        data,
        agencies=[(a.pk, a.name) for a in agencies],
        action=reverse(f"certifications:{action.value}", args=[cert_request.pk]),
        button=MOVE_BUTTONS[action],
    )


def _render_move(
    request: HttpRequest,
    cert_request: CertificationRequest,
    *,
    action: Action,
    form: MoveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The transfer (or re-route) page: find the receiving agency, give the reason."""
    local_only = action == Action.REROUTE
    search = AgencySearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    candidates = agencies_to_move_to(cert_request=cert_request, local_only=local_only, query=query)
    if form is None:
        form = _move_form(cert_request, action, candidates)
    else:
        # Keep the choice that was posted among the agencies listed again.
        listed = {pk for pk, _ in form.fields["agency"].choices}
        extra = [(a.pk, a.name) for a in candidates if a.pk not in listed]
        form.fields["agency"].choices = list(form.fields["agency"].choices) + extra
    return render(
        request,
        "certifications/move.html",
        {
            "req": cert_request,
            "action": action.value,
            "local_only": local_only,
            "search": search,
            "query": query,
            "candidates": candidates,
            "form": form,
            "shown_at_most": MOVE_CANDIDATES_SHOWN,
        },
        status=status,
    )


def _move(request: HttpRequest, pk: int, *, action: Action) -> HttpResponse:
    """GET: the page that finds the receiving agency. POST: access, form, service, redirect."""
    access = certification_request_access(user=request.user, pk=pk, require=action)
    cert_request = access.cert_request
    audit_reference(request, cert_request.reference)
    if request.method == "GET":
        possible = possible_actions(
            user=request.user, cert_request=cert_request, actions=access.agency_actions
        )
        if action not in possible:
            messages.error(request, _("This request can no longer be sent to another agency."))
            return _back(cert_request)
        return _render_move(request, cert_request, action=action)
    # The choice is checked against the agencies it may go to, not a list of all of them.
    chosen = request.POST.get("agency", "")
    agencies = (
        agencies_to_move_to(
            cert_request=cert_request, local_only=action == Action.REROUTE, pk=int(chosen)
        )
        if chosen.isdigit()
        else []
    )
    form = _move_form(cert_request, action, agencies, data=request.POST)
    if form.is_valid():
        # Read before the service, which reloads the request in place when it moves.
        agency_before = cert_request.agency_id
        try:
            moved = MOVE_SERVICES[action](
                cert_request=cert_request,
                actor=request.user,
                to_agency=Agency.objects.get(pk=form.cleaned_data["agency"]),
                reason=form.cleaned_data["reason"],
            )
        except TransitionError as exc:
            return _refused(request, cert_request, exc)
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            if moved.agency_id == agency_before:
                # The victim's release does not name the agency (releases.move_wait_for_release).
                return _done(
                    request,
                    cert_request,
                    f"{moved.reference} waits for the advocate to attach a release naming the "
                    "new agency; it stays here until then.",
                )
            return _done(
                request,
                cert_request,
                f"{moved.reference} was sent to {moved.agency.name}; its original deadline "
                "clock continues.",
            )
    return _render_move(request, cert_request, action=action, form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
@audited(AuditAction.VICTIM_DATA_VIEW)
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, action=Action.TRANSFER)


@login_required
@require_http_methods(["GET", "POST"])
@audited(AuditAction.VICTIM_DATA_VIEW)
def reroute(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, action=Action.REROUTE)
