"""Draft documents and USCIS's official form pre-filled: download (advocate and agency), and the
agency's answers on the form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import audit_detail, audit_reference, audited
from accounts.models import AuditAction

from ..access import certification_request_access
from ..forms.answers import AgencyFormAnswersForm
from ..services.documents import (
    DOCUMENT_SLUGS,
    agency_answer_hints,
    agency_form_answers_get,
    agency_form_answers_update,
    document_current,
    document_download_note,
    request_form_edition,
)
from ..services.editions import official_form_fill
from .editions import edition_context


@login_required
@require_GET
@audited(AuditAction.DOCUMENT_DOWNLOAD)
def document_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The current draft as an attachment. Anyone who may see the request may download it;
    outsiders get 404 (the access function); every download is in the audit log."""
    cert_request = certification_request_access(user=request.user, pk=pk).cert_request
    audit_reference(request, cert_request.reference)
    document_kind = DOCUMENT_SLUGS.get(kind)
    if document_kind is None:
        raise Http404(_("No such document."))
    document = document_current(cert_request=cert_request, kind=document_kind)
    audit_detail(request, document_download_note(cert_request=cert_request, document=document))
    return _pdf_attachment(document)


@login_required
@require_GET
@audited(AuditAction.DOCUMENT_DOWNLOAD)
def official_form_download(request: HttpRequest, pk: int) -> HttpResponse:
    """USCIS's current PDF filled for the request, as an attachment. Whoever may see the request
    may download it; outsiders get 404 (the access function); every download is audited."""
    access = certification_request_access(user=request.user, pk=pk)
    audit_reference(request, access.cert_request.reference)
    document = official_form_fill(access=access)
    if document is None:
        raise Http404(_("The official form of the current edition is not loaded."))
    audit_detail(
        request, document_download_note(cert_request=access.cert_request, document=document)
    )
    return _pdf_attachment(document)


def _pdf_attachment(document) -> HttpResponse:
    response = HttpResponse(document.content, content_type="application/pdf")
    # The file name carries the reference only, never the victim's name (8 U.S.C. 1367).
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
@never_cache
@audited(AuditAction.VICTIM_DATA_VIEW)
def documents_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A small page with the request's draft documents (links only; no victim data)."""
    access = certification_request_access(user=request.user, pk=pk)
    cert_request = access.cert_request
    audit_reference(request, cert_request.reference)
    return render(
        request,
        "documents/documents_page.html",
        {
            "cert_request": cert_request,
            "can_act_as_agency": access.can_act_as_agency,
            **edition_context(access=access),
        },
    )


def _answers_form(cert_request, data=None) -> AgencyFormAnswersForm:
    requested = (
        cert_request.trafficking_types if cert_request.form_type == "T" else cert_request.crimes
    )
    edition = request_form_edition(cert_request=cert_request)
    return AgencyFormAnswersForm(
        data,
        instance=agency_form_answers_get(cert_request=cert_request),
        form_type=cert_request.form_type,
        structure=edition.structure if edition is not None else {"parts": []},
        hints=agency_answer_hints(cert_request=cert_request),
        requested=list(requested or []),
    )


@login_required
@require_GET
@never_cache
@audited(AuditAction.VICTIM_DATA_VIEW)
def agency_answers_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The agency's answers to Parts 2-6 of the form, item by item as the edition has them."""
    # Parts 2-6 are the certifying agency's statements: whoever may certify the request (not
    # the coordinator on another agency's escalated or overdue request: it may only re-route).
    cert_request = certification_request_access(
        user=request.user, pk=pk, require="certify"
    ).cert_request
    audit_reference(request, cert_request.reference)
    return render(
        request,
        "documents/agency_answers.html",
        {"cert_request": cert_request, "form": _answers_form(cert_request)},
    )


@login_required
@require_POST
@audited(AuditAction.VICTIM_DATA_VIEW)
def agency_answers_save(request: HttpRequest, pk: int) -> HttpResponse:
    cert_request = certification_request_access(
        user=request.user, pk=pk, require="certify"
    ).cert_request
    audit_reference(request, cert_request.reference)
    form = _answers_form(cert_request, request.POST)
    if not form.is_valid():
        # Bad input: the form comes back with a message beside each field, nothing lost.
        return render(
            request,
            "documents/agency_answers.html",
            {"cert_request": cert_request, "form": form},
            status=400,
        )
    agency_form_answers_update(
        cert_request=cert_request, actor=request.user, answers=dict(form.cleaned_data)
    )
    messages.success(request, _("Answers saved. The worksheet now shows the agency's answers."))
    return redirect("certifications:documents", pk=cert_request.pk)
