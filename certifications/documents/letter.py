"""The content of the cover letter that asks the agency to certify (pure: a snapshot from
`inputs.document_inputs` in, plain data out; no database, no settings).

The snapshot is already what the agency may see (`access.agency_view_of`): the A-Number only
when shared, an urgency as its date only, files by kind.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..choices import Crime, FormType, PetitionerKind, TraffickingType
from ..deadlines import POLICY, STATUTE
from ..petitioner import letter_statement, petitioner_label
from ..validity import validity_rule
from .common import UNKNOWN, crime_dates, crime_location, first, long_date, us_date


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
    a_number: str
    case_number: str
    crimes: str
    crime_when_where: str
    agency_name: str
    due_date: str
    deadline: list[str]
    expedite: bool
    notice_to_appear_held: bool
    decision_needed_by: str
    official_form_url: str
    # Who petitions and whose help is certified (`petitioner`): segments (text, is_name).
    petitioner_label: str
    statement: list[tuple[str, bool]]
    direct_victim_name: str
    next_friend: str
    # The form's filing window after signature (`validity`): 8 CFR 214.14(c)(2)(i) for the
    # I-918 Supplement B; none for the I-914 Supplement B.
    filing_window_months: int | None
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


def deadline_sentences(
    *, rules: list[dict[str, Any]], expedite: bool, agency_name: str
) -> list[str]:
    """The letter's deadline, one sentence per rule that applies (`deadlines.deadline_rules`),
    each with its own date: the statute as the statute (Minn. Stat. 611A.95 subd. 2: 90 days
    from the request, 14 in removal proceedings), a stricter policy as that agency's policy."""
    sentences = []
    bound_by_statute = any(rule["source"] == STATUTE for rule in rules)
    when = " when the victim is in removal proceedings" if expedite else ""
    for rule in rules:
        by = long_date(rule["due_date"])
        if rule["source"] == STATUTE:
            sentences.append(
                f"Minn. Stat. 611A.95, subd. 2, requires a response within {rule['days']} days "
                f"of the request{when}: by {by}."
            )
        elif rule["source"] == POLICY and bound_by_statute:
            sentences.append(
                f"{agency_name}'s own policy is stricter: a response within {rule['days']} "
                f"days of the request{when}, by {by}."
            )
        elif rule["source"] == POLICY:
            sentences.append(
                f"{agency_name}'s own policy asks for a response within {rule['days']} days of "
                f"the request{when}, by {by}."
            )
    if not rules:
        sentences.append(
            "No statute sets a deadline for this request; we ask for a response as soon as you can."
        )
    return sentences


def _enclosures(s: dict[str, Any], short: str) -> list[str]:
    """The draft, then the files by kind (never their original names), counted."""
    enclosures = [
        f"Draft Form {short} (worksheet, edition {s['edition']}), reference {s['reference']}"
    ]
    counted = Counter(a["kind_label"] for a in s["attachments"])
    for label, count in counted.items():
        enclosures.append(label if count == 1 else f"{label} ({count} files)")
    return enclosures


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
    agency_name = agency["name"] if agency else "your agency"
    rules = s["deadline_rules"]
    due = s["due_date"] or min((r["due_date"] for r in rules), default=None)
    contact_bits = [p for p in [org["phone"], org["email"]] if p]
    petitioner = s.get("petitioner") or {"kind": PetitionerKind.DIRECT}
    crimes = ", ".join(_crime_labels(s)) or UNKNOWN
    case_number = first(s["answers"].get("case_number"), s["case_number"]) or UNKNOWN
    friend = petitioner.get("next_friend_name", "")
    if friend and petitioner.get("next_friend_relationship"):
        friend += f" ({petitioner['next_friend_relationship']})"
    return CoverLetter(
        petitioner_label=petitioner_label(petitioner),
        statement=letter_statement(
            petitioner,
            name=victim_name or UNKNOWN,
            crimes=crimes,
            when_where=when_where,
            case_number=case_number,
        ),
        direct_victim_name=petitioner.get("direct_victim_name", "")
        if petitioner.get("kind") == PetitionerKind.INDIRECT
        else "",
        next_friend=friend if petitioner.get("kind") == PetitionerKind.NEXT_FRIEND else "",
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
        a_number=victim["a_number"] or "",
        case_number=case_number,
        crimes=crimes,
        crime_when_where=when_where,
        agency_name=agency_name,
        due_date=long_date(due),
        deadline=deadline_sentences(
            rules=rules, expedite=s["in_removal_proceedings"], agency_name=agency_name
        ),
        expedite=s["in_removal_proceedings"],
        notice_to_appear_held=s["in_removal_proceedings"] and s["notice_to_appear_held"],
        decision_needed_by=long_date(s["decision_needed_by"]),
        official_form_url="uscis.gov/i-914" if trafficking else "uscis.gov/i-918",
        filing_window_months=validity_rule(s["form_type"]).months,
        enclosures=_enclosures(s, short),
        advocate_name=s["advocate"]["name"],
        advocate_email=s["advocate"]["email"],
        return_lines=[org["name"], *sender_lines],
    )
