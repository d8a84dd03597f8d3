"""The value of each item of an edition, from a request's document snapshot
(`documents.inputs.document_inputs`): what the official PDF is filled with.

Values are plain: a string for a text, date or phone item (dates mm/dd/yyyy, as USCIS writes
them), an option value for a choice or yes/no, a list of option values for checkboxes, a dict
of subfields for names, addresses and people, a list of dates for a dates item. An item the
portal does not know is left out, and so stays empty on the form.

Who answers decides where a value may come from (the `answered_by` of each item):
- requester: the request;
- agency: the agency's answer, else what the request and the directory say;
- official: the agency's answer only. Nothing the official must decide is pre-checked (8 CFR
  214.14(c)(2)(i): the certification is the official's statement).
"""

from __future__ import annotations

from typing import Any

from ..choices import Crime, YesNoUnknown
from ..documents.common import (
    agency_category_for,
    agency_type_for,
    crime_location,
    first,
    us_date,
)

# The request keeps one full-name field for a family member, an official or another name
# used. Which word is the family name differs between the communities the portal serves
# (Vietnamese, Hmong and Somali names put it elsewhere than English ones), so a full name is
# never split by guessing: it goes whole into the family-name box, where the official can
# correct it in the PDF.
FAMILY_ROWS = 3


def _yes_no(value: str | None) -> str | None:
    # The official form has only Yes and No boxes: "unknown" stays unchecked.
    return value if value in (YesNoUnknown.YES, YesNoUnknown.NO) else None


def _whole_name(full_name: str) -> dict[str, str] | None:
    full_name = (full_name or "").strip()
    return {"family": full_name, "given": "", "middle": ""} if full_name else None


def item_values(inputs: dict[str, Any]) -> dict[str, Any]:
    """Every value the portal knows, by item key (the keys of every edition's structure)."""
    s = inputs
    a = s["answers"]
    v = s["victim"]
    agency = s["agency"] or {}
    contact = s["contact"] or {}
    values: dict[str, Any] = {
        # Part 1 (the requester's). The A-Number goes on the form only when the advocate
        # shares it with the agency (8 U.S.C. 1367; the form asks for it "if any"): the
        # snapshot carries it only then (`access.agency_view_of`).
        # The form prints "A-" before nine digit boxes; eight-digit numbers take a leading 0.
        "victim.a_number": v["a_number"][1:].zfill(9) if v.get("a_number") else "",
        "victim.name": {
            "family": v["family_name"],
            "given": v["given_name"],
            "middle": v["middle_name"],
        },
        "victim.other_names": _whole_name(v["other_names"]),
        "victim.date_of_birth": us_date(v["date_of_birth"]),
        "victim.gender": v["gender"] if v["gender"] in ("female", "male") else None,
        # Part 2 (the agency's, falling back on the directory).
        "agency.name": first(a.get("agency_name"), agency.get("name")),
        "official.name": _whole_name(
            first(
                a.get("certifying_official_name"),
                s["decision_official_name"],
                contact.get("name"),
            )
        ),
        "official.title_division": ", ".join(
            p
            for p in (
                first(
                    a.get("certifying_official_title"),
                    s["decision_official_title"],
                    contact.get("title"),
                ),
                first(a.get("division_office"), contact.get("division")),
            )
            if p
        ),
        "agency.head_name": _whole_name(a.get("head_of_agency_name", "")),
        "agency.address": (
            {"street": a["agency_address"]}
            if a.get("agency_address")
            else {
                "street": agency.get("street_address", ""),
                "city": agency.get("city_name", ""),
                "state": agency.get("state", ""),
                "zip_code": agency.get("postal_code", ""),
            }
        ),
        "agency.type": a.get("agency_type") or agency_type_for(s["agency"]) or None,
        "case.status": a.get("case_status") or None,
        "case.status_other": a.get("case_status_other", ""),
        "case.number": first(a.get("case_number"), s["case_number"]),
        "case.fbi_sid": a.get("fbi_sid_number", ""),
        # Part 3.
        "crime.activities": [
            c
            for c in (a["crimes"] if "crimes" in a else s["crimes"])
            if c != Crime.SIMILAR_ACTIVITY
        ],
        "trafficking.types": list(
            a["trafficking_types"] if "trafficking_types" in a else s["trafficking_types"]
        ),
        "crime.dates": (
            [a["crime_dates"]]
            if a.get("crime_dates")
            else [d for d in (us_date(s["crime_date_from"]), us_date(s["crime_date_to"])) if d]
        ),
        "crime.citations": first(a.get("statutes_cited"), s["statutes_cited"]),
        "crime.in_us": _yes_no(s["occurred_in_us"]),
        "crime.in_us_explanation": (
            first(a.get("crime_location"), crime_location(s))
            if s["occurred_in_us"] == YesNoUnknown.NO
            else ""
        ),
        "crime.description": first(a.get("activity_description"), s["narrative"]),
        "crime.injury": first(a.get("known_injuries"), s["known_injuries"]),
        # Part 4: the official's own answers.
        "helpful.possesses_information": _yes_no(a.get("possesses_information")),
        "helpful.has_been_helpful": _yes_no(a.get("has_been_helpful")),
        "helpful.refused": _yes_no(a.get("refused_assistance")),
        "helpful.refusal_explanation": a.get("refusal_explanation", ""),
        "helpful.description": first(a.get("helpfulness_explanation"), s["helpfulness"]),
        # Part 5.
        "family.implicated": _yes_no(s["family_implicated"]),
        # Part 6: the date of the wet signature once recorded, phone and fax; never the
        # signature itself (signed in ink).
        "certification.date": us_date(s.get("signature_date")),
        "certification.phone": first(
            a.get("agency_phone"), agency.get("phone"), contact.get("phone")
        ),
        "certification.fax": first(a.get("agency_fax"), agency.get("fax")),
    }
    category, category_other = agency_category_for(s["agency"])
    values["agency.category"] = a.get("agency_category") or category or None
    values["agency.category_other"] = first(a.get("agency_category_other"), category_other)
    if s["family_implicated"] == YesNoUnknown.YES:
        for n, member in enumerate(s["family_members"], start=1):
            row = {
                **(_whole_name(member["full_name"]) or {}),
                "relationship": member["relationship"],
            }
            if n <= FAMILY_ROWS:
                values[f"family.member_{n}"] = row
            else:
                values.setdefault("family.more", []).append(row)
    return {key: value for key, value in values.items() if value not in (None, "", [], {})}


def edition_values(*, items: list[dict[str, Any]], inputs: dict[str, Any]) -> dict[str, Any]:
    """The values of an edition's items (keys the edition does not have are dropped)."""
    known = item_values(inputs)
    keys = {item["key"] for item in items}
    return {key: value for key, value in known.items() if key in keys or key == "family.more"}
