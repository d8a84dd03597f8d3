"""The subjects of the notices, written once and rendered in the language of whoever reads them.

A notice is created in one language (the actor's, or none in a sweep) and read in another
(the recipient's e-mail, days later). So a row keeps the subject's key and its values
(reference, agency name, ISO dates, counts) in its context, and the English subject in its
`subject` column as the record; the e-mail renders the subject again, in the recipient's
language, from the key.

Privacy (8 U.S.C. 1367): the values are references, agency names, dates and counts only.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

SUBJECTS = {
    # To the agency's contacts.
    "submit": _("New request %(ref)s for %(agency)s"),
    "transfer": _("Request %(ref)s was transferred to %(agency)s"),
    "reroute": _("Request %(ref)s was re-routed to %(agency)s by the statewide coordinator"),
    "assigned": _("Request %(ref)s was assigned to you"),
    "provide_info": _("The advocate answered the information request on %(ref)s"),
    "withdraw": _("Request %(ref)s was withdrawn by the advocate"),
    "message_from_advocate": _("New message from the advocate on request %(ref)s"),
    "original_received": _("The advocate received the signed original of request %(ref)s"),
    "expedite_raised": _("Removal proceedings were raised on request %(ref)s: see its due date"),
    "past_requested_date": _("Request %(ref)s is past the date requested for a response"),
    "agency_digest": ngettext_lazy(
        "%(agency)s: %(open)s open certification request, %(overdue)s overdue (%(day)s)",
        "%(agency)s: %(open)s open certification requests, %(overdue)s overdue (%(day)s)",
        "open",
    ),
    # To the advocates.
    "certify": _("Request %(ref)s was certified by %(agency)s"),
    "deny": _("Request %(ref)s was denied by %(agency)s"),
    "request_info": _("%(agency)s asked for more information on request %(ref)s"),
    "message_from_agency": _("New message from %(agency)s on request %(ref)s"),
    "records_archived": _(
        "%(agency)s will answer request %(ref)s as soon as reasonably possible (records archived)"
    ),
    "original_returned": _("%(agency)s sent back the signed original of request %(ref)s"),
    "certification_withdrawn": _("%(agency)s withdrew or disavowed its certification on %(ref)s"),
    "move_waiting": _("Request %(ref)s waits for a new release before it can move"),
    "info_reminder": ngettext_lazy(
        "Reminder: %(agency)s is waiting for your answer on request %(ref)s (%(days)s day)",
        "Reminder: %(agency)s is waiting for your answer on request %(ref)s (%(days)s days)",
        "days",
    ),
    "info_reminder_no_agency": ngettext_lazy(
        "Reminder: the agency is waiting for your answer on request %(ref)s (%(days)s day)",
        "Reminder: the agency is waiting for your answer on request %(ref)s (%(days)s days)",
        "days",
    ),
    "expiry_reminder": _(
        "Certification %(ref)s expires on %(filing_deadline)s: file the petition or mark it "
        "as filed"
    ),
    "release_expiry": _(
        "The victim's release on request %(ref)s expires on %(release_expires_on)s: attach a "
        "new one to keep sharing"
    ),
    # To the statewide coordinator and the advocate.
    "escalated_overdue": _("Request %(ref)s is overdue and was escalated"),
    "escalated_no_contact": _(
        "Request %(ref)s was escalated: %(agency)s has no active point of contact"
    ),
    # To a contact and the administrators.
    "training_lapse": _(
        "Certification training for %(contact_name)s (%(agency)s) lapses on %(lapses_on)s"
    ),
}

# Values given as ISO dates ("2026-07-15"), shown in the reader's date format.
DATE_VALUES = frozenset(
    {"filing_deadline", "release_expires_on", "lapses_on", "due_date", "asked_on", "overdue_since"}
)
# The digest's day: month and day only.
MONTH_DAY_VALUES = frozenset({"day"})


def shown_value(name: str, value: Any) -> Any:
    """A value as the reader sees it: ISO dates in the active language's date format."""
    if isinstance(value, str) and value and (name in DATE_VALUES or name in MONTH_DAY_VALUES):
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            return value
        return date_format(day, "MONTH_DAY_FORMAT" if name in MONTH_DAY_VALUES else "DATE_FORMAT")
    return value


def subject_text(key: str, values: dict[str, Any]) -> str:
    """The subject `key` with its values, in the active language."""
    return str(SUBJECTS[key] % {name: shown_value(name, v) for name, v in values.items()})


def subject_english(key: str, values: dict[str, Any]) -> str:
    """The subject as the record keeps it: in the portal's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        return subject_text(key, values)


def subject_context(key: str, values: dict[str, Any]) -> dict[str, Any]:
    """What a notice's context keeps to render its subject again in another language."""
    return {"subject_key": key, "subject_values": values}


def notice_subject(context: dict[str, Any]) -> str:
    """A notice's subject in the active language; the stored one for a row without a key
    (created before subjects were translated, or by hand)."""
    key = context.get("subject_key")
    if key in SUBJECTS:
        try:
            return subject_text(key, context.get("subject_values") or {})
        except (KeyError, TypeError, ValueError):
            pass
    return context.get("subject", "")
