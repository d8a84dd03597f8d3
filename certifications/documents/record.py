"""A dated record of one request for the advocate (a complaint, a court): when it was sent, to
whom, every event, the deadline and whether it passed unanswered.

8 U.S.C. 1367 and VAWA 34 U.S.C. 12291(b)(2): the record carries the reference and nothing
about the victim unless the advocate asks for the name; event notes (which agencies and
advocates write freely) go with the name only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from weasyprint import HTML

from ..choices import Action, Status
from ..models import CertificationRequest
from .render import _print_css, _refuse_fetch


@dataclass(frozen=True)
class RecordEvent:
    at: datetime.datetime
    action: str
    by: str
    change: str
    note: str


def _deadline_outcome(cert_request: CertificationRequest, today: datetime.date) -> str:
    due = cert_request.due_date
    if due is None:
        return gettext("No deadline: the request was not submitted.")
    decided = timezone.localdate(cert_request.decided_at) if cert_request.decided_at else None
    if decided is not None:
        values = {"day": date_format(decided, "DATE_FORMAT")}
        if decided > due:
            return gettext("Answered on %(day)s, after the deadline.") % values
        return gettext("Answered on %(day)s, within the deadline.") % values
    if cert_request.status == Status.WITHDRAWN:
        return gettext("Withdrawn by the advocate before an answer.")
    if due < today:
        days = (today - due).days
        return ngettext(
            "The deadline passed unanswered: %(days)s day ago.",
            "The deadline passed unanswered: %(days)s days ago.",
            days,
        ) % {"days": days}
    return gettext("Not answered yet; the deadline has not passed.")


def request_record_context(
    *, cert_request: CertificationRequest, include_victim_name: bool, today: datetime.date
) -> dict:
    events = []
    for event in cert_request.events.select_related("actor").order_by("created_at", "id"):
        change = ""
        if event.from_status and event.to_status:
            change = f"{Status(event.from_status).label} → {Status(event.to_status).label}"
        events.append(
            RecordEvent(
                at=event.created_at,
                action=Action(event.action).label,
                by=event.actor.get_full_name() or event.actor.email
                if event.actor
                else gettext("System"),
                change=change,
                note=event.note if include_victim_name else "",
            )
        )
    submitted = cert_request.events.filter(action=Action.SUBMIT).order_by("created_at").first()
    return {
        "req": cert_request,
        "generated_on": today,
        "include_victim_name": include_victim_name,
        "victim_name": cert_request.victim_display_name if include_victim_name else "",
        "first_agency": _first_agency(cert_request, submitted),
        "events": events,
        "deadline_outcome": _deadline_outcome(cert_request, today),
    }


def _first_agency(cert_request: CertificationRequest, submitted) -> str:
    # The agency the request was first sent to: the one named in the submission's routing
    # (a later transfer changes `agency`); the current one otherwise.
    if submitted is not None and cert_request.requested_agency_id:
        return cert_request.requested_agency.name
    return cert_request.agency.name if cert_request.agency_id else ""


def request_record_pdf(*, cert_request: CertificationRequest, include_victim_name: bool) -> bytes:
    """The record in the active language (the one of whoever downloads it); the notes and the
    deadline's basis are shown as they were recorded, in English."""
    today = timezone.localdate()
    html = render_to_string(
        "documents/request_record.html",
        request_record_context(
            cert_request=cert_request, include_victim_name=include_victim_name, today=today
        ),
    )
    css, fonts = _print_css()
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(
        stylesheets=[css], font_config=fonts
    )
