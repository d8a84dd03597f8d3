"""The rows of the request lists (advocate dashboard, agency queue, coordinator's overview).

Why Python and not a template: a list page renders 25 rows, and each row written as template
markup (a dozen variable lookups, filters, `{% url %}`, `{% with %}`) cost about 0.4 ms, more
than the rest of the page together (bench/results/latest.md, issue 10). Built with
`format_html`, every value is still escaped; the markup is the same as the templates had.
"""

from __future__ import annotations

import datetime

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .request_display import days_left_class, days_left_text

register = template.Library()


def _date(value: datetime.date) -> str:
    # The "M j, Y" of the templates (Nov 5, 2026): the portal is in English only.
    return f"{value:%b} {value.day}, {value.year}"


def _badges(row) -> SafeString:
    parts = []
    if row.in_removal_proceedings:
        parts.append('<span class="badge text-bg-warning ms-1">Removal proceedings</span>')
    if row.escalated_at:
        parts.append('<span class="badge text-bg-danger ms-1">Escalated</span>')
    return mark_safe("\n        ".join(parts))  # noqa: S308 - constant markup only


def _queue_days_cell(left: int | None) -> SafeString:
    if left is None:
        return mark_safe('<span class="text-body-secondary">Closed</span>')
    if left == -1:
        return mark_safe('<span class="days-overdue">1 day overdue</span>')
    if left < 0:
        return format_html('<span class="days-overdue">{} days overdue</span>', -left)
    if left == 0:
        return mark_safe('<span class="days-overdue">Due today</span>')
    if left <= 7:
        return format_html(
            '<span class="days-soon">{} day{}</span>', left, "" if left == 1 else "s"
        )
    return format_html("{} days", left)


@register.simple_tag
def queue_rows(rows, show_agency: bool = False) -> SafeString:
    """The <tr> elements of `certifications/_request_rows.html`."""
    today = timezone.localdate()
    html = []
    for r in rows:
        agency_cell = format_html("<td>{}</td>", r.agency.name if r.agency else "")
        html.append(
            format_html(
                "<tr>\n"
                '      <td><a href="{}">{}</a>\n        {}\n      </td>\n'
                "      <td>{}</td>\n      <td>{}</td>\n      {}"
                "<td>{}</td>\n"
                '      <td class="nowrap">{}</td>\n'
                '      <td class="nowrap">{}</td>\n'
                "    </tr>",
                reverse("certifications:detail", args=[r.pk]),
                r.reference,
                _badges(r),
                r.form_type,
                r.get_status_display(),
                agency_cell if show_agency else "",
                r.assigned_contact.name if r.assigned_contact else "Nobody yet",
                _date(r.due_date) if r.due_date else "—",
                _queue_days_cell(r.days_left(today=today)),
            )
        )
    return mark_safe("\n".join(html))  # noqa: S308 - each part built with format_html


@register.simple_tag
def dashboard_rows(rows) -> SafeString:
    """The <tr> elements of the advocate's dashboard."""
    today = timezone.localdate()
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
            mark_safe('<span class="badge text-bg-warning">Removal proceedings</span>')
            if req.in_removal_proceedings and req.is_open
            else ""
        )
        if req.agency:
            agency = format_html("{}", req.agency.name)
        elif req.requested_agency:
            agency = format_html(
                '{} <span class="text-body-secondary small">(not yet submitted)</span>',
                req.requested_agency.name,
            )
        else:
            agency = mark_safe('<span class="text-body-secondary">Not chosen</span>')
        if req.routing_reason and req.agency:
            agency = format_html(
                '{}<div class="small text-body-secondary routing-reason">{}</div>',
                agency,
                req.routing_reason,
            )
        if req.due_date:
            due = format_html('<span class="nowrap">{}</span>', _date(req.due_date))
            if left is not None:
                due = format_html(
                    '{} · <span class="nowrap {}">{}</span>',
                    due,
                    days_left_class(left),
                    days_left_text(left),
                )
            if req.deadline_basis:
                due = format_html(
                    '{}<div class="small text-body-secondary">{}</div>', due, req.deadline_basis
                )
        else:
            due = mark_safe('<span class="text-body-secondary">—</span>')
        html.append(
            format_html(
                '<tr class="request-row {}">\n'
                '      <td class="nowrap"><a href="{}">{}</a></td>\n'
                "      <td>{}</td>\n"
                '      <td><span class="badge status-badge status-{}">{}</span>\n'
                "        {}</td>\n"
                "      <td>{}</td>\n"
                "      <td>{}</td>\n"
                "    </tr>",
                row_class,
                reverse("certifications:detail", args=[req.pk]),
                req.reference,
                req.victim_full_name or "(no name yet)",
                req.status,
                req.get_status_display(),
                removal,
                agency,
                due,
            )
        )
    return mark_safe("\n".join(html))  # noqa: S308 - each part built with format_html
