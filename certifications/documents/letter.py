"""The content of the cover letter that asks the agency to certify (pure: a snapshot from
`inputs.document_inputs` in, plain data out; no database, no settings)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..choices import Crime, FormType, TraffickingType
from .drafts import UNKNOWN, crime_dates, crime_location, first, long_date, us_date


@dataclass
class CoverLetter:
    reference: str
    form_name: str
    short_form: str
    edition: str
    date: str
    sender_name: str
    sender_lines: list[str]
    sender_contact: str
    recipient_lines: list[str]
    salutation: str
    victim_name: str
    victim_born: str
    victim_other_names: str
    case_number: str
    crimes: str
    crime_when_where: str
    agency_name: str
    due_date: str
    deadline_basis: str
    expedite: bool
    expedited_days: int
    response_days: int
    child_turns_21_on: str
    enclosures: list[str]
    advocate_name: str
    advocate_email: str
    return_lines: list[str]


def _crime_labels(s: dict[str, Any]) -> list[str]:
    if s["form_type"] == FormType.T:
        labels = dict(TraffickingType.choices)
        return [labels[t] for t in s["trafficking_types"] if t in labels]
    labels = dict(Crime.choices)
    named = []
    for crime in s["crimes"]:
        if crime == Crime.SIMILAR_ACTIVITY:
            named.append("similar activity: " + (s["similar_activity_description"] or UNKNOWN))
        elif crime in labels:
            named.append(labels[crime])
    return named


def cover_letter(snapshot: dict[str, Any]) -> CoverLetter:
    """The letter that asks the agency to certify: who asks, for whom, the crime, the case, the
    deadline and its legal basis, the expedite, the enclosures and where to send the form."""
    s = snapshot
    org = s["organization"]
    agency = s["agency"]
    contact = s["contact"] or {}
    victim = s["victim"]
    trafficking = s["form_type"] == FormType.T
    form_name = (
        "Form I-914 Supplement B, Declaration of Law Enforcement Officer for Victim of "
        "Trafficking in Persons"
        if trafficking
        else "Form I-918 Supplement B, U Nonimmigrant Status Certification"
    )
    sender_lines = [line.strip() for line in org["address"].splitlines() if line.strip()]
    recipient_lines = []
    if contact.get("name"):
        recipient_lines.append(
            contact["name"] + (f", {contact['title']}" if contact.get("title") else "")
        )
    if agency:
        recipient_lines.append(agency["name"])
        recipient_lines.extend(agency["address_lines"])
    else:
        recipient_lines.append("Certifying agency: " + UNKNOWN)
    victim_name = " ".join(
        p for p in [victim["given_name"], victim["middle_name"], victim["family_name"]] if p
    )
    dates = crime_dates(s)
    place = crime_location(s)
    when_where = " ".join(
        p for p in [f"on {dates}" if dates else "", f"in {place}" if place else ""] if p
    )
    short = "I-914 Supplement B" if trafficking else "I-918 Supplement B"
    enclosures = [f"Draft Form {short} (edition {s['edition']}), reference {s['reference']}"]
    enclosures += [f"{a['kind_label']}: {a['name']}" for a in s["attachments"]]
    contact_bits = [p for p in [org["phone"], org["email"]] if p]
    return CoverLetter(
        reference=s["reference"],
        form_name=form_name,
        short_form=short,
        edition=s["edition"],
        date=long_date(s["letter_date"]),
        sender_name=org["name"],
        sender_lines=sender_lines,
        sender_contact=" · ".join(contact_bits),
        recipient_lines=recipient_lines,
        salutation=f"Dear {contact['name']}:"
        if contact.get("name")
        else "Dear Certifying Official:",
        victim_name=victim_name or UNKNOWN,
        victim_born=us_date(victim["date_of_birth"]) or UNKNOWN,
        victim_other_names=victim["other_names"],
        case_number=first(s["answers"].get("case_number"), s["case_number"]) or UNKNOWN,
        crimes=", ".join(_crime_labels(s)) or UNKNOWN,
        crime_when_where=when_where,
        agency_name=agency["name"] if agency else "your agency",
        due_date=long_date(s["due_date"]),
        deadline_basis=s["deadline_basis"],
        expedite=s["in_removal_proceedings"],
        expedited_days=s["statute_expedited_days"],
        response_days=s["statute_response_days"],
        child_turns_21_on=long_date(s["child_turns_21_on"]),
        enclosures=enclosures,
        advocate_name=s["advocate"]["name"],
        advocate_email=s["advocate"]["email"],
        return_lines=[org["name"], *sender_lines],
    )
