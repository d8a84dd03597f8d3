"""The advocate's releases of information (the intake's release step, and a new release on a
submitted request) and the request's dated record.

Every view reaches the request through `certifications.access` (advocates of the request's
organization only; anyone else gets 404), and carries `audited`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import audit_detail, audit_reference, audited
from accounts.models import AuditAction
from agencies.models import Agency

from ..access import ADVOCATE, RequestAccess, certification_request_access
from ..choices import AttachmentKind, Crime, Status, TraffickingType
from ..documents.record import request_record_pdf
from ..forms.intake import STEP_TITLES
from ..forms.releases import RecordForm, ReleaseForm
from ..models import AgencyFormAnswers, CertificationRequest
from ..services.release_attach import release_attach
from ..services.releases import release_add, release_agencies_offered, release_state


def certified_context(*, access: RequestAccess, attachments: list) -> dict:
    """What the agency certified, for the advocate's page once it decided: the crimes, the
    helpfulness answers, the signer and capacity (8 CFR 214.14(a)(2)-(3)), and the signed scan."""
    cert_request = access.cert_request
    if not access.can_act_as_advocate or cert_request.status not in (
        Status.CERTIFIED,
        Status.DENIED,
    ):
        return {"certified": None}
    answers = AgencyFormAnswers.objects.filter(request=cert_request).first()
    return {
        "certified": {
            "answers": answers,
            # An item the agency left unanswered shows what the request says, as on the form.
            "crime_labels": [_label(Crime, c) for c in _certified_crimes(cert_request, answers)],
            "trafficking_labels": [
                _label(TraffickingType, t)
                for t in _answer(answers, "trafficking_types", cert_request.trafficking_types)
            ],
            "signed_scans": [a for a in attachments if a.kind == AttachmentKind.SIGNED_FORM],
        }
    }


def _answer(answers, name: str, fallback):
    value = getattr(answers, name, None) if answers is not None else None
    return (fallback if value is None else value) or []


def _certified_crimes(cert_request: CertificationRequest, answers) -> list[str]:
    return _answer(answers, "crimes", cert_request.crimes)


def _label(choices, value: str) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value


def _release_fields(form: ReleaseForm) -> dict:
    data = form.cleaned_data
    return {
        "agencies": list(data["agencies"]),
        "covers_coordinator": data["covers_coordinator"],
        "signed_on": data["signed_on"],
        "expires_on": data["expires_on"],
        "given_by": data["given_by"],
        "language": data["language"],
        "interpreter_name": data["interpreter_name"],
        "document": data["document"],
    }


def _add_errors(form: ReleaseForm, exc: ValidationError) -> None:
    for field, msgs in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, msgs)


def release_step(
    request: HttpRequest, cert_request: CertificationRequest, *, progress: list[dict]
) -> HttpResponse:
    """The draft's release step (`advocate.request_edit` calls it for the "consent" step)."""
    offered = release_agencies_offered(cert_request=cert_request)
    # The review step sends here, with `also`, the other agencies the advocate wants the same
    # incident submitted to (views.other_agency): the release may name them too.
    also = {
        int(v) for v in request.GET.getlist("also") + request.POST.getlist("also") if v.isdigit()
    }
    offered += [a for a in Agency.objects.active().filter(pk__in=also) if a not in offered]
    form = ReleaseForm(agencies=offered)
    if request.method == "POST":
        form = ReleaseForm(request.POST, request.FILES, agencies=offered)
        if form.is_valid():
            try:
                release_add(cert_request=cert_request, actor=request.user, **_release_fields(form))
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The release was attached."))
                return redirect("certifications:edit", pk=cert_request.pk, step="attachments")
    return render(
        request,
        "certifications/advocate/release_step.html",
        {
            "obj": cert_request,
            "step": "consent",
            "step_title": STEP_TITLES["consent"],
            "progress": progress,
            "form": form,
            "offered": offered,
            "also": sorted(also),
            "release_state": release_state(cert_request=cert_request),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@audited(AuditAction.VICTIM_DATA_VIEW)
def release_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A new release on a submitted request: one naming the agency a transfer waits for, or
    one replacing an expired release. A move that waited for it goes ahead."""
    cert_request = certification_request_access(
        user=request.user, pk=pk, require=ADVOCATE
    ).cert_request
    audit_reference(request, cert_request.reference)
    if cert_request.status == Status.DRAFT:
        return redirect("certifications:edit", pk=cert_request.pk, step="consent")
    offered = release_agencies_offered(cert_request=cert_request)
    bound = request.method == "POST"
    form = (
        ReleaseForm(request.POST, request.FILES, agencies=offered)
        if bound
        else ReleaseForm(agencies=offered)
    )
    if bound and form.is_valid():
        try:
            release_attach(cert_request=cert_request, actor=request.user, **_release_fields(form))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The release was attached."))
            return redirect("certifications:detail", pk=cert_request.pk)
    return render(
        request,
        "certifications/advocate/release_new.html",
        {
            "obj": cert_request,
            "form": form,
            "release_state": release_state(cert_request=cert_request),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
@audited(AuditAction.DOCUMENT_DOWNLOAD)
def request_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The request's dated record as a PDF, for the advocate; the victim's name only when the
    advocate ticks it (`?include_victim_name=on`)."""
    cert_request = certification_request_access(
        user=request.user, pk=pk, require=ADVOCATE
    ).cert_request
    audit_reference(request, cert_request.reference)
    if cert_request.status == Status.DRAFT:
        raise Http404(_("A draft has no record yet."))
    form = RecordForm(request.GET)
    include = form.is_valid() and form.cleaned_data["include_victim_name"]
    audit_detail(request, "request record" + (" with the victim's name" if include else ""))
    content = request_record_pdf(cert_request=cert_request, include_victim_name=include)
    response = HttpResponse(content, content_type="application/pdf")
    # The file name carries the reference only (8 U.S.C. 1367).
    response["Content-Disposition"] = f'attachment; filename="{cert_request.reference}-record.pdf"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
