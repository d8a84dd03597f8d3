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
    NA,
    agency_category_for,
    agency_type_for,
    crime_location,
    first,
    us_date,
)
from ..models import FAMILY_ROWS, FAMILY_SUBFIELDS, OfficialCapacity
from ..petitioner import helpfulness_preface

# The request keeps one full-name field for a family member, the official it recorded or
# another name used (the agency's answers split the official's and the head's names). Which
# word is the family name differs between the communities the portal serves (Vietnamese,
# Hmong and Somali names put it elsewhere than English ones), so a full name is never split
# by guessing: it goes whole into the family-name box, where the official can correct it.


def _yes_no(value: str | None) -> str | None:
    # The official form has only Yes and No boxes: "unknown" stays unchecked.
    return value if value in (YesNoUnknown.YES, YesNoUnknown.NO) else None


def _whole_name(full_name: str) -> dict[str, str] | None:
    full_name = (full_name or "").strip()
    return {"family": full_name, "given": "", "middle": ""} if full_name else None


def _split_name(a: dict[str, Any], prefix: str) -> dict[str, str] | None:
    """The agency's family / given / middle name fields (`official_...`, `head_...`)."""
    name = {sub: a.get(f"{prefix}_{sub}_name", "") for sub in ("family", "given", "middle")}
    return name if any(name.values()) else None


def _head_not_applicable(a: dict[str, Any]) -> dict[str, str] | None:
    # Part 2 Item 4 names the head only when the official is a designee; otherwise the
    # instructions answer an inapplicable required item "N/A".
    if a.get("official_capacity") in (OfficialCapacity.HEAD, OfficialCapacity.JUDGE):
        return {"family": NA, "given": "", "middle": ""}
    return None


def _address(a: dict[str, Any]) -> dict[str, str] | None:
    address = {
        "street": a.get("address_street", ""),
        "unit_number": a.get("address_unit", ""),
        "city": a.get("address_city", ""),
        "state": a.get("address_state", ""),
        "zip_code": a.get("address_zip_code", ""),
    }
    return address if any(address.values()) else None


def item_values(inputs: dict[str, Any]) -> dict[str, Any]:
    """Every value the portal knows, by item key (the keys of every edition's structure)."""
    s = inputs
    a = s["answers"]
    v = s["victim"]
    agency = s["agency"] or {}
    contact = s["contact"] or {}
    in_us = _yes_no(a.get("occurred_in_us")) or _yes_no(s["occurred_in_us"])
    implicated = _yes_no(a.get("family_implicated")) or _yes_no(s["family_implicated"])
    values: dict[str, Any] = {
        # Not an item: who signs (head, designee, judge), which decides Part 2 Item 4.
        "official.capacity": a.get("official_capacity") or None,
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
        "official.name": _split_name(a, "official")
        or _whole_name(first(s["decision_official_name"], contact.get("name"))),
        "official.title_division": first(
            a.get("certifying_official_title"),
            ", ".join(
                p
                for p in (
                    first(s["decision_official_title"], contact.get("title")),
                    contact.get("division"),
                )
                if p
            ),
        ),
        "agency.head_name": _split_name(a, "head") or _head_not_applicable(a),
        "agency.address": _address(a)
        or {
            "street": agency.get("street_address", ""),
            "city": agency.get("city_name", ""),
            "state": agency.get("state", ""),
            "zip_code": agency.get("postal_code", ""),
        },
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
            [us_date(a[f"crime_date_{n}"]) for n in range(1, 5) if a.get(f"crime_date_{n}")]
            or [d for d in (us_date(s["crime_date_from"]), us_date(s["crime_date_to"])) if d]
        ),
        "crime.citations": first(a.get("statutes_cited"), s["statutes_cited"]),
        "crime.in_us": in_us,
        "crime.in_us_explanation": (
            first(a.get("crime_location"), crime_location(s)) if in_us == YesNoUnknown.NO else ""
        ),
        "crime.extraterritorial": _yes_no(a.get("extraterritorial")),
        "crime.extraterritorial_citation": a.get("extraterritorial_citation", ""),
        "crime.description": first(a.get("activity_description"), s["narrative"]),
        "crime.injury": first(a.get("known_injuries"), s["known_injuries"]),
        # Part 4: the official's own answers.
        "helpful.possesses_information": _yes_no(a.get("possesses_information")),
        "helpful.has_been_helpful": _yes_no(a.get("has_been_helpful")),
        "helpful.refused": _yes_no(a.get("refused_assistance")),
        "helpful.refusal_explanation": a.get("refusal_explanation", ""),
        # The agency's own words stand as written; the request's are prefaced with whose help
        # it was where the petitioner is not the direct victim (`petitioner`).
        "helpful.description": first(
            a.get("helpfulness_explanation"),
            "\n".join(
                p for p in (helpfulness_preface(s.get("petitioner") or {}), s["helpfulness"]) if p
            ),
        ),
        # Part 5.
        "family.implicated": implicated,
        # Part 6: the date of the wet signature once recorded, phone and fax; never the
        # signature itself (signed in ink).
        "certification.date": us_date(a.get("signature_date") or s.get("signature_date")),
        "certification.phone": first(
            a.get("agency_phone"), agency.get("phone"), contact.get("phone")
        ),
        "certification.fax": first(a.get("agency_fax"), agency.get("fax")),
    }
    category, category_other = agency_category_for(s["agency"])
    values["agency.category"] = a.get("agency_category") or category or None
    values["agency.category_other"] = first(a.get("agency_category_other"), category_other)
    agency_rows = [
        row
        for n in range(1, FAMILY_ROWS + 1)
        if (row := {sub: a.get(f"family_{n}_{sub}", "") for sub in FAMILY_SUBFIELDS})
        and any(row.values())
    ]
    if agency_rows:
        # The agency's own list replaces the requester's (Part 5 is the agency's statement).
        for n, row in enumerate(agency_rows, start=1):
            values[f"family.member_{n}"] = row
    elif implicated == YesNoUnknown.YES:
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
