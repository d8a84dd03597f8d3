"""The advocate raises removal proceedings after the request (`services.clock`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import audit_reference, audited
from accounts.models import AuditAction

from ..access import ADVOCATE, certification_request_access
from ..choices import OPEN_STATUSES
from ..forms.expedite import RaiseExpediteForm
from ..services.clock import ExpediteError, certification_request_raise_expedite


@login_required
@require_http_methods(["GET", "POST"])
@audited(AuditAction.REQUEST_EDIT)
def request_raise_expedite(request: HttpRequest, pk: int) -> HttpResponse:
    """Raise removal proceedings (of the victim or a qualifying family member) on a submitted,
    open request, with the proof; the page says which deadline that changes and why."""
    if not request.user.is_advocate:
        raise Http404(_("No such page."))
    cert_request = certification_request_access(
        user=request.user, pk=pk, require=ADVOCATE
    ).cert_request
    audit_reference(request, cert_request.reference)
    if cert_request.status not in OPEN_STATUSES or cert_request.in_removal_proceedings:
        messages.info(
            request,
            _("Removal proceedings cannot be raised on %(reference)s.")
            % {"reference": cert_request.reference},
        )
        return redirect("certifications:detail", pk=cert_request.pk)
    form = RaiseExpediteForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                certification_request_raise_expedite(
                    cert_request=cert_request,
                    actor=request.user,
                    removal_of=form.cleaned_data["removal_of"],
                    notice_to_appear=form.cleaned_data["notice_to_appear"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except ExpediteError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Removal proceedings raised on %(reference)s.")
                    % {"reference": cert_request.reference},
                )
                return redirect("certifications:detail", pk=cert_request.pk)
    return render(
        request,
        "certifications/advocate/raise_expedite.html",
        {"obj": cert_request, "form": form},
        status=status,
    )
