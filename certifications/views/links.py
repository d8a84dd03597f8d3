"""The advocate's pages for requests that follow from another (services.links): "Ask for a new
signature", corrections after the decision, "Ask for reconsideration", "Ask another
certifier", and the family of one incident (its page is shared with the agency).

Every view reaches the request through `certifications.access.certification_request_access`
(outsiders get 404) and carries `@audited`; the linked requests are read through
`selectors_links`, which applies the same rule to each of them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import audit_reference, audited
from accounts.models import AuditAction

from ..access import ADVOCATE, certification_request_access
from ..choices import Status
from ..forms.links import (
    AnotherCertifierForm,
    CorrectionForm,
    FamilyLinkForm,
    NewSignatureForm,
    ReconsiderationForm,
)
from ..models import CertificationRequest
from ..selectors import agencies_to_move_to
from ..selectors_links import family_candidates_for, family_visible_to
from ..services.links import (
    CORRECTABLE_FIELDS,
    LinkError,
    another_certifier_start,
    certified_request_correct,
    family_another_victim_start,
    family_link,
    recertification_start,
    reconsideration_ask,
)


def _advocate_request(request: HttpRequest, pk: int) -> CertificationRequest:
    cert_request = certification_request_access(
        user=request.user, pk=pk, require=ADVOCATE
    ).cert_request
    audit_reference(request, cert_request.reference)
    return cert_request


def _not_now(request: HttpRequest, cert_request: CertificationRequest, text: str):
    messages.info(request, text)
    return redirect("certifications:detail", pk=cert_request.pk)


def _posted(request: HttpRequest):
    # An empty POST is a submitted form with nothing in it: its errors, not a fresh form.
    return request.POST if request.method == "POST" else None


def _errors_to_form(form, exc: ValidationError) -> None:
    for field, msgs in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, msgs)


@login_required
@require_http_methods(["GET", "POST"])
@audited(AuditAction.VICTIM_DATA_VIEW)
def new_signature(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Ask for a new signature" on a certified request: a linked draft, pre-filled."""
    cert_request = _advocate_request(request, pk)
    if cert_request.status != Status.CERTIFIED:
        return _not_now(request, cert_request, "Only a certified request can be signed again.")
    attachments = list(cert_request.attachments.order_by("id"))
    choices = [(a.pk, f"{a.get_kind_display()}: {a.original_name}") for a in attachments]
    form = NewSignatureForm(_posted(request), attachments=choices, form_type=cert_request.form_type)
    if request.method == "POST" and form.is_valid():
        try:
            draft = recertification_start(
                source=cert_request,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                attachment_ids=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except LinkError as exc:
            return _not_now(request, cert_request, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Draft %(draft_reference)s was started from %(reference)s. Check it, record "
                    "the victim's consent and submit it: it has a clock of its own."
                )
                % {"draft_reference": draft.reference, "reference": cert_request.reference},
            )
            return redirect("certifications:edit", pk=draft.pk, step="victim")
    return render(
        request,
        "certifications/links/new_signature.html",
        {"obj": cert_request, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@audited(AuditAction.VICTIM_DATA_VIEW)
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct, on a decided request, what the signed form does not state."""
    cert_request = _advocate_request(request, pk)
    if cert_request.status not in (Status.CERTIFIED, Status.DENIED):
        return _not_now(
            request, cert_request, "Only a decided request is corrected here; edit a draft."
        )
    initial = {name: getattr(cert_request, name) for name in CORRECTABLE_FIELDS}
    form = CorrectionForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in CORRECTABLE_FIELDS}
        try:
            changed = certified_request_correct(
                cert_request=cert_request,
                actor=request.user,
                fields=fields,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except LinkError as exc:
            return _not_now(request, cert_request, str(exc))
        else:
            messages.success(
                request, _("The correction was recorded.") if changed else "Nothing was changed."
            )
            return redirect("certifications:detail", pk=cert_request.pk)
    return render(
        request,
        "certifications/links/correct.html",
        {"obj": cert_request, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@audited(AuditAction.VICTIM_DATA_VIEW)
def reconsideration(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Ask for reconsideration" of a denied request: a linked request, submitted at once."""
    cert_request = _advocate_request(request, pk)
    if cert_request.status != Status.DENIED:
        return _not_now(request, cert_request, "Only a denied request can be reconsidered.")
    form = ReconsiderationForm(
        _posted(request), request.FILES if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = reconsideration_ask(
                denied=cert_request,
                actor=request.user,
                new_information=form.cleaned_data["new_information"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except LinkError as exc:
            return _not_now(request, cert_request, str(exc))
        else:
            messages.success(
                request,
                _("%(new_reference)s asks %(agency)s to reconsider. Due %(due_date)s.")
                % {
                    "new_reference": new.reference,
                    "agency": new.agency,
                    "due_date": date_format(new.due_date, "DATE_FORMAT"),
                },
            )
            return redirect("certifications:detail", pk=new.pk)
    return render(
        request,
        "certifications/links/reconsideration.html",
        {"obj": cert_request, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@audited(AuditAction.VICTIM_DATA_VIEW)
def another_certifier(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Ask another certifier": a linked draft with the same facts, naming another agency
    found in the directory."""
    cert_request = _advocate_request(request, pk)
    if cert_request.status not in (Status.CERTIFIED, Status.DENIED, Status.WITHDRAWN):
        return _not_now(
            request, cert_request, "Ask another certifier once the first agency has answered."
        )
    query = request.GET.get("q", "").strip()[:100]
    chosen = request.POST.get("agency", "")
    agencies = agencies_to_move_to(
        cert_request=cert_request,
        local_only=False,
        query=query,
        pk=int(chosen) if request.method == "POST" and chosen.isdigit() else None,
    )
    form = AnotherCertifierForm(_posted(request), agencies=[(a.pk, a.name) for a in agencies])
    if request.method == "POST" and form.is_valid():
        agency = next(a for a in agencies if a.pk == form.cleaned_data["agency"])
        try:
            draft = another_certifier_start(source=cert_request, actor=request.user, agency=agency)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except LinkError as exc:
            return _not_now(request, cert_request, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Draft %(draft_reference)s for %(agency)s was started with the same facts. "
                    "Record the victim's consent to share with this agency, then submit it."
                )
                % {"draft_reference": draft.reference, "agency": agency.name},
            )
            return redirect("certifications:edit", pk=draft.pk, step="consent")
    return render(
        request,
        "certifications/links/another_certifier.html",
        {"obj": cert_request, "form": form, "query": query, "agencies": agencies},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
@audited(AuditAction.VICTIM_DATA_VIEW)
def family(request: HttpRequest, pk: int) -> HttpResponse:
    """The family of one incident on one page: each member the viewer may see, with its
    status and clock; each is decided on its own page."""
    access = certification_request_access(user=request.user, pk=pk)
    cert_request = access.cert_request
    audit_reference(request, cert_request.reference)
    members = family_visible_to(user=request.user, cert_request=cert_request)
    return render(
        request,
        "certifications/links/family.html",
        {
            "obj": cert_request,
            "members": members or [cert_request],
            "is_advocate": access.can_act_as_advocate,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@audited(AuditAction.VICTIM_DATA_VIEW)
def family_link_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Group this request with another victim's request for the same incident and agency."""
    cert_request = _advocate_request(request, pk)
    candidates = family_candidates_for(user=request.user, cert_request=cert_request)
    choices = [
        (
            r.pk,
            f"{r.reference} · {r.victim_display_name or 'no name yet'} · {r.get_status_display()}",
        )
        for r in candidates
    ]
    form = FamilyLinkForm(_posted(request), candidates=choices)
    if request.method == "POST" and form.is_valid():
        other = next(r for r in candidates if r.pk == form.cleaned_data["other"])
        try:
            family_link(cert_request=cert_request, other=other, actor=request.user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("%(reference)s is grouped with %(other_reference)s.")
                % {"reference": cert_request.reference, "other_reference": other.reference},
            )
            return redirect("certifications:family", pk=cert_request.pk)
    return render(
        request,
        "certifications/links/family_link.html",
        {"obj": cert_request, "form": form, "has_candidates": bool(candidates)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@audited(AuditAction.VICTIM_DATA_VIEW)
def family_another_victim(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a request for another victim of this incident (the incident pre-filled)."""
    cert_request = _advocate_request(request, pk)
    draft = family_another_victim_start(source=cert_request, actor=request.user)
    messages.success(
        request,
        _(
            "Draft %(draft_reference)s for another victim of this incident was started, grouped "
            "with %(reference)s."
        )
        % {"draft_reference": draft.reference, "reference": cert_request.reference},
    )
    return redirect("certifications:edit", pk=draft.pk, step="victim")
