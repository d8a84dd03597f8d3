"""The documents panel's edition context, and moving a request to the current edition."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.decorators import audit_reference, audited
from accounts.models import AuditAction

from ..access import RequestAccess, certification_request_access
from ..services.documents import agency_form_missing_items
from ..services.editions import (
    certification_request_edition_move,
    form_edition_status,
)


def edition_context(*, access: RequestAccess) -> dict:
    """Context for the documents panel (`certifications/_documents.html`): the edition the
    request was drafted on, the current one, and whether its official PDF is loaded."""
    return {
        "edition_status": form_edition_status(access=access),
        # The agency sees which required items it has still to answer before the form is
        # complete (labels only).
        "form_missing": agency_form_missing_items(cert_request=access.cert_request)
        if access.can_act_as_agency
        else [],
    }


@login_required
@require_POST
@audited(AuditAction.VICTIM_DATA_VIEW)
def edition_move(request: HttpRequest, pk: int) -> HttpResponse:
    access = certification_request_access(user=request.user, pk=pk)
    audit_reference(request, access.cert_request.reference)
    if not access.may_move_edition:
        raise Http404(_("No such request."))
    result = certification_request_edition_move(
        cert_request=access.cert_request, actor=request.user
    )
    if not result.moved:
        messages.info(request, _("The request is already on the current edition of the form."))
    else:
        messages.success(
            request,
            ngettext(
                "The request is now on edition %(to_label)s: %(carried)s answer carried over.",
                "The request is now on edition %(to_label)s: %(carried)s answers carried over.",
                len(result.carried),
            )
            % {"to_label": result.to_label, "carried": len(result.carried)},
        )
        if result.reenter:
            messages.warning(
                request, _("Enter again on the new edition: ") + "; ".join(result.reenter) + "."
            )
    return redirect("certifications:detail", pk=access.cert_request.pk)
