"""Who may sign, delegations and DPS trainings: the head's page of designated certifying
officials (8 CFR 214.14(a)(3)), the statewide coordinator's pages of written delegations and
of every point of contact's training, and the downloads of their signed documents.

No page shows victim data. Each reaches its records through `certifications.access`; anyone
else gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certifications.access import (
    agency_head_access,
    coordinator_access,
    delegation_access,
    designation_letter_access,
)

from .forms_signing import DelegationForm, DesignationForm, DpsTrainingForm
from .models import Agency, PointOfContact, training_cutoff
from .selectors import (
    certifying_officials,
    contacts_training_statewide,
    delegations_statewide,
    designations_of_agency,
)
from .signing import CertifyingDesignation, Delegation
from .signing_services import (
    SigningError,
    delegation_create,
    delegation_revoke,
    designation_create,
    designation_revoke,
    dps_training_record,
)

TRAINING_PAGE_SIZE = 50


def _designation_choices(agency_id: int) -> list[tuple[int, str]]:
    signers = {c.pk for c in certifying_officials(agency_id)}
    return [
        (c.pk, f"{c.name}, {c.title}" if c.title else c.name)
        for c in PointOfContact.objects.active().filter(agency_id=agency_id).order_by("name")
        if c.pk not in signers
    ]


@login_required
@require_http_methods(["GET", "POST"])
def signers(request: HttpRequest) -> HttpResponse:
    """The head's page: who signs for the agency, and designating another official."""
    head = agency_head_access(request.user)
    choices = _designation_choices(head.agency_id)
    form = DesignationForm(request.POST or None, request.FILES or None, contacts=choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            contact = get_object_or_404(
                PointOfContact, pk=form.cleaned_data["contact"], agency_id=head.agency_id
            )
            try:
                designation_create(
                    head=head,
                    contact=contact,
                    designated_on=form.cleaned_data["designated_on"],
                    letter=form.cleaned_data.get("letter"),
                    actor=request.user,
                )
            except SigningError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("%(contact)s may now sign for the agency.") % {"contact": contact.name},
                )
                return redirect("agencies:signers")
        status = 400
    return render(
        request,
        "agencies/signers.html",
        {
            "agency": head.agency,
            "officials": certifying_officials(head.agency_id),
            "designations": designations_of_agency(head.agency_id),
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def designation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    head = agency_head_access(request.user)
    designation = get_object_or_404(CertifyingDesignation, pk=pk, contact__agency_id=head.agency_id)
    try:
        designation_revoke(head=head, designation=designation, actor=request.user)
    except SigningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(contact)s no longer signs for the agency.")
            % {"contact": designation.contact.name},
        )
    return redirect("agencies:signers")


def _file_response(field, content_type: str, filename: str) -> FileResponse:
    response = FileResponse(
        field.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@login_required
@require_GET
def designation_letter(request: HttpRequest, pk: int) -> FileResponse:
    designation = designation_letter_access(user=request.user, pk=pk)
    ext = EXTENSIONS.get(designation.letter_content_type, "bin")
    return _file_response(
        designation.letter,
        designation.letter_content_type or "application/octet-stream",
        f"designation-{designation.pk}.{ext}",
    )


@login_required
@require_GET
def delegation_document(request: HttpRequest, pk: int) -> FileResponse:
    delegation = delegation_access(user=request.user, pk=pk)
    ext = EXTENSIONS.get(delegation.document_content_type, "bin")
    return _file_response(
        delegation.document,
        delegation.document_content_type or "application/octet-stream",
        f"delegation-{delegation.pk}.{ext}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def delegations(request: HttpRequest) -> HttpResponse:
    """The coordinator's page of written delegations, and recording one."""
    coordinator_access(request.user)
    agencies = [
        (a.pk, a.name)
        for a in Agency.objects.active().filter(is_statewide_coordinator=False).only("pk", "name")
    ]
    form = DelegationForm(request.POST or None, request.FILES or None, agencies=agencies)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            agency = get_object_or_404(Agency, pk=form.cleaned_data["agency"], is_active=True)
            try:
                delegation_create(
                    agency=agency,
                    signed_on=form.cleaned_data["signed_on"],
                    signed_by=form.cleaned_data["signed_by"],
                    document=form.cleaned_data["document"],
                    actor=request.user,
                )
            except SigningError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Recorded: the coordinator now decides %(agency)s's requests.")
                    % {"agency": agency.name},
                )
                return redirect("agencies:delegations")
        status = 400
    return render(
        request,
        "agencies/delegations.html",
        {"delegations": delegations_statewide(), "form": form},
        status=status,
    )


@login_required
@require_POST
def delegation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    coordinator_access(request.user)
    delegation = get_object_or_404(Delegation, pk=pk)
    try:
        delegation_revoke(delegation=delegation, actor=request.user)
    except SigningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(agency)s decides its own requests again.") % {"agency": delegation.agency.name},
        )
    return redirect("agencies:delegations")


@login_required
@require_http_methods(["GET", "POST"])
def training(request: HttpRequest) -> HttpResponse:
    """Every point of contact's training status statewide, and recording a DPS training."""
    coordinator_access(request.user)
    lapsed_only = request.GET.get("lapsed") == "1"
    form = DpsTrainingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("contacts") if v.isdigit()]
        chosen = list(PointOfContact.objects.active().filter(pk__in=ids))
        if form.is_valid():
            try:
                count = dps_training_record(
                    contacts=chosen,
                    date=form.cleaned_data["date"],
                    topic=form.cleaned_data["topic"],
                    actor=request.user,
                )
            except SigningError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    ngettext(
                        "DPS training recorded for %(count)s contact.",
                        "DPS training recorded for %(count)s contacts.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect(request.get_full_path())
        status = 400
    page = Paginator(contacts_training_statewide(lapsed_only=lapsed_only), TRAINING_PAGE_SIZE)
    return render(
        request,
        "agencies/training.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "lapsed_only": lapsed_only,
            "cutoff": training_cutoff(),
            "form": form,
            "checked": {str(v) for v in request.POST.getlist("contacts")},
        },
        status=status,
    )
