"""The agency's pages: the review queue, a request's review page with its actions (one POST URL
each), and the statewide coordinator's overview.

Every view reaches a request only through the access functions in `certifications.selectors`;
outsiders get 404. Every page that shows a request writes an audit entry.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import AuditAction, Role
from accounts.services import audit_log
from agencies.models import Agency, PointOfContact
from agencies.selectors import contact_for_user

from ..choices import (
    FINAL_STATUSES,
    TRANSITIONS,
    Action,
    AttachmentKind,
    Crime,
    Status,
    TraffickingType,
)
from ..forms.review import (
    AgencySearchForm,
    AssignForm,
    CertifyForm,
    DenyForm,
    MessageForm,
    MoveForm,
    RequestInfoForm,
)
from ..models import CertificationRequest
from ..review_forms import QueueFilterForm
from ..selectors import (
    MOVE_CANDIDATES_SHOWN,
    QUEUE_ROWS,
    agencies_to_move_to,
    agency_actions_for,
    agency_contacts_for_assignment,
    agency_queue_counts,
    certification_request_for_page,
    certification_request_get_for_agency_action,
    certification_request_page_lists,
    certification_requests_agency_queue_parts,
    certification_requests_page,
    certification_requests_visible_to,
    coordinator_overdue_agencies,
    coordinator_overview_ids,
    coordinator_statewide_summary,
    request_rows,
)
from ..services import TransitionError
from ..services.review import (
    ReviewError,
    certification_request_assign,
    certification_request_certify,
    certification_request_deny,
    certification_request_request_info,
    certification_request_reroute,
    certification_request_start_review,
    certification_request_transfer,
    message_post,
)

QUEUE_PAGE_SIZE = 25
STATEWIDE_PAGE_SIZE = 25
# Actions that are a row of TRANSITIONS; the others (message, assign) are recorded as events.
TRANSITION_ACTIONS = {
    "start_review": Action.START_REVIEW,
    "request_info": Action.REQUEST_INFO,
    "certify": Action.CERTIFY,
    "deny": Action.DENY,
    "transfer": Action.TRANSFER,
    "reroute": Action.REROUTE,
}


# --- The queue and the coordinator's overview -----------------------------------------------


def _contact_or_404(request: HttpRequest) -> PointOfContact:
    contact = contact_for_user(user=request.user)
    if contact is None or request.user.role not in (Role.AGENCY_CONTACT, Role.COORDINATOR):
        raise Http404("No such page.")
    return contact


# Aggregates over a year of the agency's requests cost more than the whole queue on a busy
# agency (bench/results/latest.md); figures a few minutes old are fine on a work queue.
AGENCY_FIGURES_CACHE_SECONDS = 600
# Agencies with overdue requests listed on the coordinator's overview before "show all".
OVERDUE_AGENCIES_SHOWN = 20
# How long the queue's "assigned to" filter keeps the agency's contacts.
FILTER_CONTACTS_CACHE_SECONDS = 60
# How long the overview's table of agencies with overdue requests is kept (figures only).
OVERDUE_AGENCIES_CACHE_SECONDS = 60


def _agency_figures_card(*, agency, start: datetime.date, end: datetime.date) -> str:
    """The card of the agency's own figures for the period, as contacts see it on their queue
    page, kept rendered: its nine figures through the template cost 0.2 ms on every view
    (in-process, issue 10). Aggregates and the agency's name only, no request."""
    from django.core.cache import cache

    from ..statistics import agency_figures

    def rendered() -> str:
        context = {
            "agency": agency,
            "figures": agency_figures(agency=agency, start=start, end=end),
            "period_start": start,
            "period_end": end,
        }
        return render_to_string("statistics/_agency_figures.html", context)

    return cache.get_or_set(
        f"agency-figures-card:{agency.pk}:{start.isoformat()}:{end.isoformat()}",
        rendered,
        AGENCY_FIGURES_CACHE_SECONDS,
    )


def _filter_contacts_cached(agency_id: int) -> list[tuple[int, str]]:
    """The agency's contacts for the queue's "assigned to" filter, kept a minute: names of
    the agency's staff, no request data; read on every view of the queue, they cost as much
    as its figures (issue 10). Assigning a request reads them afresh (agency_panel_context)."""
    from django.core.cache import cache

    return cache.get_or_set(
        f"queue-filter-contacts:{agency_id}",
        lambda: agency_contacts_for_assignment(agency_id=agency_id),
        FILTER_CONTACTS_CACHE_SECONDS,
    )


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The agency's requests, most urgent first, with filters, search and pagination."""
    contact = _contact_or_404(request)
    form = QueueFilterForm(request.GET or None, contacts=_filter_contacts_cached(contact.agency_id))
    filters = form.filters()
    counts = agency_queue_counts(user=request.user)
    rows = certification_requests_agency_queue_parts(user=request.user, **filters)
    # The unfiltered queue's size is one of the figures above it: not counted twice (issue 10).
    size = [counts["open"]] if filters == QueueFilterForm.DEFAULTS else None
    page = certification_requests_page(
        rows, request.GET.get("page"), QUEUE_PAGE_SIZE, size, rows=QUEUE_ROWS
    )
    period_end = timezone.localdate()
    period_start = period_end - datetime.timedelta(days=365)
    return render(
        request,
        "home/agency_contact.html",
        {
            "figures_card": _agency_figures_card(
                agency=contact.agency, start=period_start, end=period_end
            ),
            "contact": contact,
            "agency": contact.agency,
            "filter_form": form,
            "page_obj": page,
            "counts": counts,
            "filtered": bool(request.GET.keys() - {"page"}),
        },
    )


def _overdue_agencies_section(*, user, show_all: bool) -> str:
    """The overview's table of agencies with overdue requests, rendered, with when it was
    counted (templates/home/_overdue_agencies.html).

    Grouping the state's overdue requests by agency cost more than the rest of the page
    (bench/results/latest.md, issue 10), and its twenty rows through the template another
    0.7 ms (in-process). The table holds figures only (agency names, counts, dates; no
    request), the same for every coordinator, a management view where a minute's delay
    changes nothing, and it says when it was counted. The list of requests above it is always
    read afresh.
    """
    from django.core.cache import cache

    def rendered() -> str:
        limit = None if show_all else OVERDUE_AGENCIES_SHOWN
        overdue = coordinator_overdue_agencies(user=user, limit=limit)
        context = {
            "overdue_agencies": overdue.rows,
            "overdue_agencies_total": overdue.total,
            "overdue_agencies_at": timezone.now(),
            "all_overdue_agencies": show_all,
            "overview_url": reverse("certifications:coordinator"),
        }
        return render_to_string("home/_overdue_agencies.html", context)

    key = f"overdue-agencies:{timezone.localdate().isoformat()}:{'all' if show_all else 'top'}"
    return cache.get_or_set(key, rendered, OVERDUE_AGENCIES_CACHE_SECONDS)


@login_required
@require_GET
def coordinator(request: HttpRequest) -> HttpResponse:
    """The statewide coordinator's overview: routed to DPS, escalated, overdue, by agency."""
    contact = _contact_or_404(request)
    if request.user.role != Role.COORDINATOR or not contact.agency.is_statewide_coordinator:
        raise Http404("No such page.")
    summary = coordinator_statewide_summary(user=request.user)
    # The worst agencies first; the whole list (hundreds of agencies statewide) on request.
    show_all = request.GET.get("agencies") == "all"
    overdue_agencies = _overdue_agencies_section(user=request.user, show_all=show_all)
    page, routed = coordinator_overview_ids(
        user=request.user,
        number=request.GET.get("page"),
        per_page=STATEWIDE_PAGE_SIZE,
        part_sizes=summary.part_sizes,
        routed=10,
    )
    # Both lists' rows in one query (issue 10: each query costs Django about 0.5 ms).
    page.object_list, routed_rows = request_rows(QUEUE_ROWS, page.object_list, routed)
    return render(
        request,
        "home/coordinator.html",
        {
            "contact": contact,
            "agency": contact.agency,
            "counts": summary.counts,
            "routed": routed_rows,
            "page_obj": page,
            "overdue_agencies_section": overdue_agencies,
        },
    )


# --- The review page ------------------------------------------------------------------------


def _possible_actions(
    *, user, cert_request: CertificationRequest, actions: frozenset[str] | None = None
) -> frozenset[str]:
    """What the user may do (selectors; `actions` when the caller has just asked) intersected
    with what the status allows now."""
    if actions is None:
        actions = agency_actions_for(user=user, request=cert_request)
    possible = set()
    for name in actions:
        if name in TRANSITION_ACTIONS:
            allowed_from, _ = TRANSITIONS[TRANSITION_ACTIONS[name]]
            if cert_request.status in allowed_from:
                possible.add(name)
        elif name == "assign":
            if cert_request.status not in FINAL_STATUSES:
                possible.add(name)
        else:
            possible.add(name)
    return frozenset(possible)


# The actions whose form opens on the review page, in the order the panel lists them.
PANEL_FORMS = ("certify", "deny", "request_info", "assign", "message")


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

    Only the open action's form is built and rendered: each costs more to render than the
    rest of the page (issue 10), and a reviewer decides one thing at a time. Database choices
    are loaded here, never from the template.
    """
    bound = bound or {}
    possible = _possible_actions(user=user, cert_request=cert_request, actions=actions)
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
    elif opened == "certify":
        panel["form"] = bound.get(opened) or CertifyForm(action=url("certify"))
    elif opened == "deny":
        panel["form"] = bound.get(opened) or DenyForm(action=url("deny"))
    elif opened == "assign":
        contacts = agency_contacts_for_assignment(agency_id=cert_request.agency_id)
        panel["form"] = bound.get(opened) or AssignForm(
            contacts=contacts,
            action=url("assign"),
            initial={"contact": cert_request.assigned_contact_id},
        )
    elif opened == "message":
        panel["form"] = bound.get(opened) or MessageForm(action=url("message"))
    # Transfer and re-route have a page of their own (an agency search): the review page
    # only links to it, so it never lists the state's thousand agencies.
    if "transfer" in possible:
        panel["transfer"] = url("transfer")
    if "reroute" in possible:
        panel["reroute"] = url("reroute")
    return {"agency_panel": panel}


def _render_review(
    request: HttpRequest,
    cert_request: CertificationRequest,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
    actions: frozenset[str] | None = None,
) -> HttpResponse:
    # A request fetched for an action (a refused form shown again) lacks the page's lists.
    certification_request_page_lists(request=cert_request)
    audit_log(
        action=AuditAction.REQUEST_VIEW,
        request=request,
        target=cert_request.reference,
        detail="agency review page",
    )
    context = {
        "req": cert_request,
        "crime_labels": [_label(Crime, c) for c in cert_request.crimes or []],
        "trafficking_labels": [
            _label(TraffickingType, t) for t in cert_request.trafficking_types or []
        ],
        "Status": Status,
        # DOMAIN / 8 U.S.C. 1367: the agency sees that removal proceedings were flagged (it
        # sets the deadline) and nothing more about immigration status: not the proof itself.
        "attachments": [
            a for a in cert_request.attachment_list if a.kind != AttachmentKind.NOTICE_TO_APPEAR
        ],
        **agency_panel_context(
            user=request.user,
            cert_request=cert_request,
            bound=bound,
            open_action=request.GET.get("act", ""),
            actions=actions,
        ),
    }
    return render(request, "certifications/review.html", context, status=status)


def _label(choices, value: str) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything the agency needs to decide, minus immigration status (only the
    removal-proceedings flag, which sets the deadline: Minn. Stat. 611A.95 subd. 2)."""
    cert_request = certification_request_for_page(user=request.user, pk=pk)
    actions = agency_actions_for(user=request.user, request=cert_request)
    if not actions:
        raise Http404("No such request.")
    return review_page(request, cert_request, actions)


def review_page(
    request: HttpRequest, cert_request: CertificationRequest, actions: frozenset[str]
) -> HttpResponse:
    """The review page of a request already fetched for its page and checked: the caller
    (`review`, or the shared request address) has established the user may act on it and
    passes what `agency_actions_for` answered, so it is not asked twice (on another agency's
    request the coordinator's answer costs a query)."""
    return _render_review(request, cert_request, actions=actions)


# --- The actions: one POST URL each ---------------------------------------------------------


def _back(cert_request: CertificationRequest) -> HttpResponse:
    return redirect("certifications:detail", pk=cert_request.pk)


def _act(
    request: HttpRequest,
    pk: int,
    *,
    action: str,
    make_form: Callable[[CertificationRequest], forms.Form] | None,
    perform: Callable[[CertificationRequest, dict], Any],
    done: str | Callable[[Any], str],
    render_invalid: Callable[[CertificationRequest, forms.Form], HttpResponse] | None = None,
) -> HttpResponse:
    """Access check, form, service, redirect. A refused action keeps what was typed: the
    review page shows the form again with its errors (or `render_invalid`'s page does)."""
    cert_request = certification_request_get_for_agency_action(
        user=request.user, pk=pk, action=action
    )
    form = make_form(cert_request) if make_form else None
    if form is None or form.is_valid():
        try:
            result = perform(cert_request, form.cleaned_data if form is not None else {})
        except TransitionError as exc:
            messages.error(request, str(exc))
            return _back(cert_request)
        except ReviewError as exc:
            if form is None:
                messages.error(request, str(exc))
                return _back(cert_request)
            form.add_error(None, str(exc))
        else:
            messages.success(request, done(result) if callable(done) else done)
            if not certification_requests_visible_to(user=request.user).filter(pk=pk).exists():
                # A transfer or re-route can take the request out of the user's sight: go home
                # rather than to a page that now answers 404.
                return redirect("home")
            return _back(cert_request)
    if render_invalid is not None:
        return render_invalid(cert_request, form)
    return _render_review(request, cert_request, bound={action: form}, status=400)


@login_required
@require_POST
def start_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        action="start_review",
        make_form=None,
        perform=lambda r, d: certification_request_start_review(cert_request=r, actor=request.user),
        done="Review started.",
    )


@login_required
@require_POST
def request_info(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        action="request_info",
        make_form=lambda r: RequestInfoForm(
            request.POST, action=reverse("certifications:request_info", args=[r.pk])
        ),
        perform=lambda r, d: certification_request_request_info(
            cert_request=r, actor=request.user, message=d["message"]
        ),
        done="Information requested. The statute's clock keeps running.",
    )


@login_required
@require_POST
def certify(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        action="certify",
        make_form=lambda r: CertifyForm(
            request.POST, request.FILES, action=reverse("certifications:certify", args=[r.pk])
        ),
        perform=lambda r, d: certification_request_certify(
            cert_request=r,
            actor=request.user,
            official_name=d["official_name"],
            official_title=d["official_title"],
            signature_date=d["signature_date"],
            signed_form=d.get("signed_form"),
        ),
        done="Certification recorded. The advocate can now see the filing deadline.",
    )


@login_required
@require_POST
def deny(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        action="deny",
        make_form=lambda r: DenyForm(
            request.POST, action=reverse("certifications:deny", args=[r.pk])
        ),
        perform=lambda r, d: certification_request_deny(
            cert_request=r, actor=request.user, reason=d["reason"], explanation=d["explanation"]
        ),
        done="Denial recorded. The advocate can read the reason and explanation.",
    )


MOVE_BUTTONS = {"transfer": "Transfer", "reroute": "Re-route"}


def _move_form(
    cert_request: CertificationRequest, action: str, agencies: list, data=None
) -> MoveForm:
    return MoveForm(
        data,
        agencies=[(a.pk, a.name) for a in agencies],
        action=reverse(f"certifications:{action}", args=[cert_request.pk]),
        button=MOVE_BUTTONS[action],
    )


def _render_move(
    request: HttpRequest,
    cert_request: CertificationRequest,
    *,
    action: str,
    form: MoveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The transfer (or re-route) page: find the receiving agency, give the reason."""
    local_only = action == "reroute"
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
            "action": action,
            "local_only": local_only,
            "search": search,
            "query": query,
            "candidates": candidates,
            "form": form,
            "shown_at_most": MOVE_CANDIDATES_SHOWN,
        },
        status=status,
    )


def _move(request: HttpRequest, pk: int, *, action: str) -> HttpResponse:
    local_only = action == "reroute"
    service = certification_request_reroute if local_only else certification_request_transfer
    if request.method == "GET":
        cert_request = certification_request_get_for_agency_action(
            user=request.user, pk=pk, action=action
        )
        if action not in _possible_actions(user=request.user, cert_request=cert_request):
            messages.error(request, "This request can no longer be sent to another agency.")
            return _back(cert_request)
        return _render_move(request, cert_request, action=action)

    def make_form(cert_request: CertificationRequest) -> MoveForm:
        # The choice is checked against the agencies it may go to, not a list of all of them.
        chosen = request.POST.get("agency", "")
        agencies = (
            agencies_to_move_to(cert_request=cert_request, local_only=local_only, pk=int(chosen))
            if chosen.isdigit()
            else []
        )
        return _move_form(cert_request, action, agencies, data=request.POST)

    def perform(cert_request: CertificationRequest, data: dict) -> CertificationRequest:
        to_agency = Agency.objects.get(pk=data["agency"])
        return service(
            cert_request=cert_request,
            actor=request.user,
            to_agency=to_agency,
            reason=data["reason"],
        )

    return _act(
        request,
        pk,
        action=action,
        make_form=make_form,
        perform=perform,
        done=lambda moved: (
            f"{moved.reference} was sent to {moved.agency.name}; its original deadline clock "
            "continues."
        ),
        render_invalid=lambda cert_request, form: _render_move(
            request, cert_request, action=action, form=form, status=400
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, action="transfer")


@login_required
@require_http_methods(["GET", "POST"])
def reroute(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, action="reroute")


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(cert_request: CertificationRequest, data: dict) -> None:
        contact = PointOfContact.objects.filter(
            pk=data["contact"], agency_id=cert_request.agency_id, is_active=True
        ).first()
        if contact is None:
            raise ReviewError("Choose an active point of contact of this agency.")
        certification_request_assign(cert_request=cert_request, actor=request.user, contact=contact)

    return _act(
        request,
        pk,
        action="assign",
        make_form=lambda r: AssignForm(
            request.POST,
            contacts=agency_contacts_for_assignment(agency_id=r.agency_id),
            action=reverse("certifications:assign", args=[r.pk]),
        ),
        perform=perform,
        done="Assignment saved.",
    )


@login_required
@require_POST
def message(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        action="message",
        make_form=lambda r: MessageForm(
            request.POST, action=reverse("certifications:message", args=[r.pk])
        ),
        perform=lambda r, d: message_post(cert_request=r, author=request.user, body=d["body"]),
        done="Message sent.",
    )
