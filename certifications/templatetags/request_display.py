"""Display helpers for a request's closed vocabularies (codes stored as JSON lists)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..choices import Crime, TraffickingType

register = template.Library()

_CRIMES = dict(Crime.choices)
_TRAFFICKING = dict(TraffickingType.choices)


@register.filter
def yes_no(value) -> str:
    """Yes or No in the reader's language, as two messages of their own (`yesno` takes one
    "Yes,No" string, which a translator could break)."""
    return _("Yes") if value else _("No")


@register.filter
def crime_labels(codes) -> list[str]:
    return [_CRIMES.get(code, code) for code in codes or []]


@register.filter
def trafficking_labels(codes) -> list[str]:
    return [_TRAFFICKING.get(code, code) for code in codes or []]


# The one wording of the time left to answer (`CertificationRequest.days_left`), for every page
# and list that shows it.


@register.filter
def days_left_class(days: int | None) -> str:
    """CSS class for a number of days left: due today or overdue (red), due within 7 days
    (amber)."""
    if days is None:
        return ""
    if days <= 0:
        return "days-overdue"
    if days <= 7:
        return "days-soon"
    return ""


@register.filter
def days_left_text(days: int | None) -> str:
    """The time left in words: "3 days left", "Due today", "2 days overdue"."""
    if days is None:
        return ""
    if days < 0:
        return ngettext("%(days)d day overdue", "%(days)d days overdue", -days) % {"days": -days}
    if days == 0:
        return _("Due today")
    return ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}
