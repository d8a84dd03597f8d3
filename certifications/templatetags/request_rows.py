"""The rows of the request lists (advocate dashboard, agency queue, coordinator's overview).

Why Python and not a template: a list page renders 25 rows, and each row written as template
markup (a dozen variable lookups, filters, `{% url %}`, `{% with %}`) cost about 0.4 ms, more
than the rest of the page together (bench/results/latest.md, issue 10). For the same reason the
rows are joined from strings escaped by `uvisa_portal.html.text` rather than `format_html`, and
the link is reversed once per list, not once per row. Every value that comes from the database
goes through `_e`; the markup is the same as the templates had.
"""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from uvisa_portal.html import link_around_id
from uvisa_portal.html import text as _e

from ..choices import Status
from .request_display import days_left_class, days_left_text

register = template.Library()

STATUS_LABELS: dict[str, str] = {value: str(label) for value, label in Status.choices}


def _date(value: datetime.date) -> str:
    # The "M j, Y" of the templates (Nov 5, 2026): the portal is in English only.
    return f"{value:%b} {value.day}, {value.year}"


def _badges(row) -> str:
    parts = []
    if row.in_removal_proceedings:
        parts.append('<span class="badge text-bg-warning ms-1">Removal proceedings</span>')
    if row.escalated_at:
        parts.append('<span class="badge text-bg-danger ms-1">Escalated</span>')
    return "\n        ".join(parts)


def _queue_days_cell(left: int | None) -> str:
    if left is None:
        return '<span class="text-body-secondary">Closed</span>'
    if left == -1:
        return '<span class="days-overdue">1 day overdue</span>'
    if left < 0:
        return f'<span class="days-overdue">{-left} days overdue</span>'
    if left == 0:
        return '<span class="days-overdue">Due today</span>'
    if left <= 7:
        return f'<span class="days-soon">{left} day{"" if left == 1 else "s"}</span>'
    return f"{left} days"


@register.simple_tag
def queue_rows(rows, show_agency: bool = False) -> SafeString:
    """The <tr> elements of `certifications/_request_rows.html`."""
    today = timezone.localdate()
    head, tail = link_around_id("certifications:detail")
    html = []
    for r in rows:
        agency_cell = f"<td>{_e(r.agency.name) if r.agency else ''}</td>" if show_agency else ""
        assigned = _e(r.assigned_contact.name) if r.assigned_contact else "Nobody yet"
        html.append(
            "<tr>\n"
            f'      <td><a href="{head}{r.pk}{tail}">{_e(r.reference)}</a>\n'
            f"        {_badges(r)}\n      </td>\n"
            f"      <td>{_e(r.form_type)}</td>\n"
            f"      <td>{_e(STATUS_LABELS.get(r.status, r.status))}</td>\n"
            f"      {agency_cell}<td>{assigned}</td>\n"
            f'      <td class="nowrap">{_date(r.due_date) if r.due_date else "—"}</td>\n'
            f'      <td class="nowrap">{_queue_days_cell(r.days_left(today=today))}</td>\n'
            "    </tr>"
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every database value passed through _e


def _dashboard_agency_cell(req) -> str:
    if req.agency:
        cell = _e(req.agency.name)
    elif req.requested_agency:
        cell = (
            f"{_e(req.requested_agency.name)} "
            '<span class="text-body-secondary small">(not yet submitted)</span>'
        )
    else:
        cell = '<span class="text-body-secondary">Not chosen</span>'
    if req.routing_reason and req.agency:
        cell += (
            f'<div class="small text-body-secondary routing-reason">{_e(req.routing_reason)}</div>'
        )
    return cell


def _dashboard_due_cell(req, left: int | None) -> str:
    if not req.due_date:
        return '<span class="text-body-secondary">—</span>'
    due = f'<span class="nowrap">{_date(req.due_date)}</span>'
    if left is not None:
        due += f' · <span class="nowrap {days_left_class(left)}">{days_left_text(left)}</span>'
    if req.deadline_basis:
        due += f'<div class="small text-body-secondary">{_e(req.deadline_basis)}</div>'
    return due


@register.simple_tag
def dashboard_rows(rows) -> SafeString:
    """The <tr> elements of the advocate's dashboard."""
    today = timezone.localdate()
    head, tail = link_around_id("certifications:detail")
    html = []
    for req in rows:
        left = req.days_left(today=today)  # today computed once per page
        if left is not None and left < 0:
            row_class = "row-overdue"
        elif left is not None and left <= 7:
            row_class = "row-due-soon"
        else:
            row_class = ""
        removal = (
            '<span class="badge text-bg-warning">Removal proceedings</span>'
            if req.in_removal_proceedings and req.is_open
            else ""
        )
        html.append(
            f'<tr class="request-row {row_class}">\n'
            f'      <td class="nowrap"><a href="{head}{req.pk}{tail}">'
            f"{_e(req.reference)}</a></td>\n"
            f"      <td>{_e(req.victim_full_name or '(no name yet)')}</td>\n"
            f'      <td><span class="badge status-badge status-{_e(req.status)}">'
            f"{_e(STATUS_LABELS.get(req.status, req.status))}</span>\n"
            f"        {removal}</td>\n"
            f"      <td>{_dashboard_agency_cell(req)}</td>\n"
            f"      <td>{_dashboard_due_cell(req, left)}</td>\n"
            "    </tr>"
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every database value passed through _e
