"""Small helpers every document shares (pure: no database): how USCIS writes dates, the answers
the instructions accept for an empty required item, and what the directory says of an agency."""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.conf import settings
from django.utils import translation

from agencies.models import AgencyKind, AgencyLevel

from ..models import AgencyCategory, AgencyType

# Form I-918 / I-914 Supplement B instructions: a required item is answered "None", "N/A" or
# "Unknown" rather than left blank; which of them an item accepts is the edition's `allows`.
NONE = "None"
NA = "N/A"
UNKNOWN = "Unknown"

LAW_ENFORCEMENT_KINDS = frozenset(
    {AgencyKind.POLICE, AgencyKind.SHERIFF, AgencyKind.STATE_PATROL, AgencyKind.FEDERAL_LE}
)


def in_english(function):
    """Run `function` in the portal's language: the draft Supplement B, the cover letter and
    the official form go to the agency and USCIS in English, whatever the language of the page
    they were asked from (docs/languages.md), and the labels they carry are part of the
    snapshot's hash. A new `override` per call: one shared instance is not thread-safe."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


def us_date(value: str | None) -> str:
    """USCIS writes dates mm/dd/yyyy."""
    if not value:
        return ""
    return datetime.date.fromisoformat(value).strftime("%m/%d/%Y")


def long_date(value: str | None) -> str:
    if not value:
        return ""
    d = datetime.date.fromisoformat(value)
    return f"{d:%B} {d.day}, {d.year}"


def first(*values: Any) -> str:
    for value in values:
        if value:
            return str(value).strip()
    return ""


def crime_dates(s: dict[str, Any]) -> str:
    start, end = us_date(s["crime_date_from"]), us_date(s["crime_date_to"])
    if start and end and end != start:
        return f"{start} to {end}"
    return start or end


def crime_location(s: dict[str, Any]) -> str:
    parts = [s["crime_city"], f"{s['crime_county']} County" if s["crime_county"] else ""]
    parts = [p for p in parts if p]
    if s["crime_county"]:
        # The county comes from the Minnesota directory.
        parts.append("Minnesota")
    return ", ".join(parts)


def agency_type_for(agency: dict[str, Any] | None) -> str:
    if agency is None:
        return ""
    if agency["level"] == AgencyLevel.FEDERAL:
        return AgencyType.FEDERAL
    if agency["level"] == AgencyLevel.STATE:
        return AgencyType.STATE
    # County, municipal and tribal agencies are "local" on the form.
    return AgencyType.LOCAL


def agency_category_for(agency: dict[str, Any] | None) -> tuple[str, str]:
    if agency is None:
        return "", ""
    if agency["kind"] in LAW_ENFORCEMENT_KINDS:
        return AgencyCategory.LAW_ENFORCEMENT, ""
    if agency["kind"] == AgencyKind.PROSECUTOR:
        return AgencyCategory.PROSECUTOR, ""
    if agency["kind"] == AgencyKind.COURT:
        return AgencyCategory.JUDGE, ""
    # 8 CFR 214.14(a)(2): agencies with investigative duties (labor, civil rights, child
    # protection) certify too; the form calls them "Other".
    return AgencyCategory.OTHER, agency["kind_label"]
