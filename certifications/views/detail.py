"""The request page shared by the advocate and the agency, and attachment downloads.

Every view reaches a request or attachment only through `certifications.access` (the page
through `selectors.certification_request_for_page`, which calls it); outsiders get 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.decorators import audit_reference, audited
from accounts.models import AuditAction, Role

from ..access import agency_view_of, attachment_access
from ..choices import AGENCY_INTERNAL_ACTIONS, FINAL_STATUSES, OPEN_STATUSES, Action
from ..models import CertificationRequest
from ..selectors import certification_request_for_page
from ..selectors_links import family_visible_to, linked_requests_visible_to
from ..services.releases import release_state
from .casefile_panels import casefile_context
from .editions import edition_context
from .releases import certified_context
from .review import decision_records_context, limited_page, review_page

# Statuses from which the advocate may withdraw. Drafts are not among them: a draft was never
# sent, and the model requires a submission time on every non-draft request.
WITHDRAWABLE = OPEN_STATUSES


def linked_context(request: HttpRequest, cert_request: CertificationRequest) -> dict:
    """The linked requests the viewer may see (templates/certifications/_linked_requests.html)."""
    return {
        "linked": linked_requests_visible_to(user=request.user, cert_request=cert_request),
        "family_size": len(family_visible_to(user=request.user, cert_request=cert_request)),
    }


def _timeline(cert_request: CertificationRequest, attachments: list) -> list[dict]:
    """Events and messages in one list, oldest first. A message's own "message" event is not
    repeated: the message is shown instead. Each message comes with its files from
    `attachments`, the request's files this viewer may see (so what the page leaves out for
    an agency, the proof of removal proceedings, is left out of the timeline too)."""
    # The agency's own deliberation stays on the agency's page (choices.AGENCY_INTERNAL_ACTIONS).
    events = [
        e
        for e in cert_request.event_list
        if e.action != "message" and e.action not in AGENCY_INTERNAL_ACTIONS
    ]
    # An information request is an event whose note is also sent as a message: the timeline
    # shows the event with its note once, not the same text again as a message.
    asked = {(e.actor_id, e.note) for e in events if e.action == Action.REQUEST_INFO}
    items = [{"kind": "event", "at": e.created_at, "event": e} for e in events]
    files: dict[int, list] = {}
    for attachment in attachments:
        if attachment.message_id:
            files.setdefault(attachment.message_id, []).append(attachment)
    items += [
        {"kind": "message", "at": m.created_at, "message": m, "files": files.get(m.pk, [])}
        for m in cert_request.message_list
        if (m.author_id, m.body) not in asked
    ]
    return sorted(items, key=lambda item: item["at"])


@never_cache
@login_required
@require_GET
@audited(AuditAction.VICTIM_DATA_VIEW)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The request page: all its data, routing reason, deadline basis, attachments, timeline.

    Advocates of the organization get their actions; an agency user who may act on the request
    gets the agency's review page at this address instead.
    """
    return request_detail_page(request, pk)


def request_detail_page(
    request: HttpRequest, pk: int, *, bound: dict | None = None, status: int = 200
) -> HttpResponse:
    """The request page (`request_detail`), or, with `bound`, with a refused case-file form
    shown again (views.casefile)."""
    access = certification_request_for_page(user=request.user, pk=pk, allow_limited=True)
    cert_request = access.cert_request
    audit_reference(request, cert_request.reference)
    if access.limited:
        return limited_page(request, access)
    if access.can_act_as_agency:
        # One address per request for everyone: an agency user who can act on it gets the
        # agency's page (decisions, transfer, messages) at the same URL.
        return review_page(request, access)
    is_advocate = access.can_act_as_advocate
    attachments = access.shown_attachments(cert_request.attachment_list)
    response = render(
        request,
        "certifications/detail.html",
        {
            "req": cert_request,
            "can_act_as_advocate": is_advocate,
            # Whoever may act for an agency got the review page above.
            "can_act_as_agency": False,
            "can_withdraw": is_advocate and cert_request.status in WITHDRAWABLE,
            "show_immigration_details": access.sees_notice_to_appear,
            "agency_view": agency_view_of(cert_request),
            "is_final": cert_request.status in FINAL_STATUSES,
            "attachments": attachments,
            "timeline": _timeline(cert_request, attachments),
            "viewer_is_advocate": request.user.role == Role.ADVOCATE,
            **linked_context(request, cert_request),
            **decision_records_context(cert_request),
            "release_state": release_state(cert_request=cert_request),
            **certified_context(access=access, attachments=attachments),
            **edition_context(access=access),
            **casefile_context(cert_request=cert_request, advocate=is_advocate, bound=bound),
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_GET
@audited(AuditAction.ATTACHMENT_DOWNLOAD)
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Stream an attachment to someone who may see its request; audited; never inline."""
    # The proof of removal proceedings stays with the advocate (RequestAccess.shows_attachment).
    attachment, _ = attachment_access(user=request.user, pk=pk)
    audit_reference(request, attachment.request.reference)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        attachment.content_type, "bin"
    )
    # The download name carries the reference and kind, not the original name (which may hold
    # the victim's name) into the browser's download history.
    filename = f"{attachment.request.reference}-{attachment.kind}-{attachment.pk}.{extension}"
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
