"""The case file's actions, one POST URL each: access, form, service, redirect.

The agency marks its records archived off-site and records how the signed original goes back;
the advocate confirms the original's receipt and writes to the agency with files. Every view
reaches the request through `access.certification_request_access` (outsiders get 404); a
refused form is shown again on the request page with what was typed and its errors (400).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import audit_reference, audited
from accounts.models import AuditAction

from ..access import ADVOCATE, certification_request_access
from ..forms.casefile import (
    ArchivedRecordsForm,
    MessageWithFilesForm,
    OriginalReceivedForm,
    SignedOriginalForm,
)
from ..services.casefile import (
    CaseFileError,
    archived_records_mark,
    signed_original_receive,
    signed_original_record,
)
from ..services.messages import message_with_files_send
from ..services.releases import ReleaseError
from ..services.review import ReviewError
from .detail import request_detail_page
from .review import render_review


def _add_errors(form, exc: ValidationError) -> None:
    for field, msgs in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, msgs)


def _back(request: HttpRequest, pk: int, text: str = "", error: str = "") -> HttpResponse:
    if text:
        messages.success(request, text)
    if error:
        messages.error(request, error)
    return redirect("certifications:detail", pk=pk)


def _advocate_page(request: HttpRequest, pk: int, bound: dict) -> HttpResponse:
    # The advocate's request page with the refused form.
    return request_detail_page(request, pk, bound=bound, status=400)


@login_required
@require_POST
@audited(AuditAction.VICTIM_DATA_VIEW)
def records_archived(request: HttpRequest, pk: int) -> HttpResponse:
    access = certification_request_access(user=request.user, pk=pk, require="records_archived")
    cert_request = access.cert_request
    audit_reference(request, cert_request.reference)
    form = ArchivedRecordsForm(request.POST)
    if form.is_valid():
        try:
            archived_records_mark(
                cert_request=cert_request, actor=request.user, note=form.cleaned_data["note"]
            )
        except CaseFileError as exc:
            return _back(request, pk, error=str(exc))
        return _back(
            request, pk, "Marked: records archived, answer as soon as reasonably possible."
        )
    return render_review(
        request,
        cert_request,
        bound={"records_archived": form},
        status=400,
        actions=access.agency_actions,
    )


@login_required
@require_POST
@audited(AuditAction.VICTIM_DATA_VIEW)
def original_returned(request: HttpRequest, pk: int) -> HttpResponse:
    access = certification_request_access(user=request.user, pk=pk, require="original_returned")
    cert_request = access.cert_request
    audit_reference(request, cert_request.reference)
    form = SignedOriginalForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            signed_original_record(
                cert_request=cert_request,
                actor=request.user,
                method=data["method"],
                sent_on=data["sent_on"],
                tracking_number=data["tracking_number"],
                scan=data.get("scan"),
            )
        except CaseFileError as exc:
            return _back(request, pk, error=str(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _back(request, pk, "Recorded how the signed original goes back.")
    return render_review(
        request,
        cert_request,
        bound={"original_returned": form},
        status=400,
        actions=access.agency_actions,
    )


@login_required
@require_POST
@audited(AuditAction.VICTIM_DATA_VIEW)
def original_received(request: HttpRequest, pk: int) -> HttpResponse:
    access = certification_request_access(user=request.user, pk=pk, require=ADVOCATE)
    cert_request = access.cert_request
    audit_reference(request, cert_request.reference)
    form = OriginalReceivedForm(request.POST)
    if form.is_valid():
        try:
            signed_original_receive(
                cert_request=cert_request,
                actor=request.user,
                received_on=form.cleaned_data["received_on"],
            )
        except CaseFileError as exc:
            return _back(request, pk, error=str(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _back(request, pk, "Receipt of the signed original confirmed.")
    return _advocate_page(request, pk, {"original_received": form})


@login_required
@require_POST
@audited(AuditAction.VICTIM_DATA_VIEW)
def advocate_message(request: HttpRequest, pk: int) -> HttpResponse:
    """The advocate writes to the agency, with files (the agency's own form: `agency_actions.
    message`)."""
    access = certification_request_access(user=request.user, pk=pk, require=ADVOCATE)
    cert_request = access.cert_request
    audit_reference(request, cert_request.reference)
    form = MessageWithFilesForm(request.POST, request.FILES, label=_("Message to the agency"))
    if form.is_valid():
        try:
            message_with_files_send(
                cert_request=cert_request,
                author=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
            )
        except ReviewError as exc:
            return _back(request, pk, error=str(exc))
        except ReleaseError as exc:
            # Said beside the message, which stays as typed.
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _back(request, pk, "Message sent to the agency.")
    return _advocate_page(request, pk, {"advocate_message": form})
