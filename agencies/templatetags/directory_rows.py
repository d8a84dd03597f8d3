"""The rows of the directory's agency list (templates/agencies/directory.html).

Built in Python for the reason the request lists are (certifications/templatetags/
request_rows.py): 25 rows of template markup, each with loops over counties and contacts, cost
more than the rest of the page together (bench/results/latest.md, issue 10). Every value from
the database goes through `_e`; the markup is what the template had.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from uvisa_portal.html import link_around_id
from uvisa_portal.html import text as _e

from ..models import AgencyKind, AgencyLevel, training_cutoff

register = template.Library()

KIND_LABELS: dict[str, str] = {value: str(label) for value, label in AgencyKind.choices}


def _serves(agency) -> str:
    counties = [_e(name) for name in agency.county_names]
    if counties:
        return ", ".join(counties)
    if agency.level in (AgencyLevel.STATE, AgencyLevel.FEDERAL):
        return "Statewide"
    return _e(agency.city_name or "Not stated")


def _contact_cell(agency, cutoff) -> str:
    contacts = agency.active_contacts
    if not contacts:
        return '<span class="badge text-bg-danger">No point of contact</span>'
    first = contacts[0]
    cell = _e(first.name)
    if first.is_primary:
        cell += ' <span class="visually-hidden">(primary)</span>'
    if first.last_training_date is None or first.last_training_date < cutoff:
        cell += ' <span class="badge text-bg-warning">Training lapsed</span>'
    if len(contacts) > 1:
        cell += f' <span class="text-body-secondary small">and {len(contacts) - 1} more</span>'
    return cell


def _answers_within(agency) -> str:
    if not agency.policy_response_days:
        return "Statute"
    days = f"{agency.policy_response_days} days"
    if agency.policy_expedited_days:
        days += f" ({agency.policy_expedited_days} if removal)"
    return days


@register.simple_tag
def directory_rows(agencies) -> SafeString:
    """The <tr> elements of the directory list; `agencies` from directory_rows_details()."""
    head, tail = link_around_id("agencies:detail")
    cutoff = training_cutoff()  # PointOfContact.training_lapsed, computed once per list
    html = []
    for agency in agencies:
        badges = ""
        if agency.is_statewide_coordinator:
            badges += ' <span class="badge text-bg-primary">Statewide coordinator</span>'
        if not agency.is_active:
            badges += ' <span class="badge text-bg-secondary">Inactive</span>'
        if agency.certified_crimes:
            badges += ' <span class="badge text-bg-light border">Some crimes only</span>'
        html.append(
            "<tr>\n"
            f'      <td><a href="{head}{agency.pk}{tail}">{_e(agency.name)}</a>{badges}</td>\n'
            f"      <td>{_e(KIND_LABELS.get(agency.kind, agency.kind))}</td>\n"
            f"      <td>{_serves(agency)}</td>\n"
            f"      <td>{_contact_cell(agency, cutoff)}</td>\n"
            f'      <td class="nowrap">{_answers_within(agency)}</td>\n'
            "    </tr>"
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every database value passed through _e
