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
from ..deadlines import POLICY, REQUESTED, STATUTE
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
    # "Response due" where a statute or the agency's policy binds it, else "Response requested by".
    due_label: str
    deadline: list[str]
    # Subd. 2(c) (covered agencies), DHS's guidance, confidentiality.
    law: list[str]
    statute_binds: bool
    expedite: bool
    expedite_text: str
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
        return [str(labels[t]) for t in s["trafficking_types"] if t in labels]
    labels = dict(Crime.choices)
    named = []
    for crime in s["crimes"]:
        if crime == Crime.SIMILAR_ACTIVITY:
            named.append("similar activity: " + (s["similar_activity_description"] or UNKNOWN))
        elif crime in labels:
            named.append(str(labels[crime]))
    return named


def _when(rule: dict[str, Any], removal_of_victim: bool) -> str:
    if not rule.get("expedited"):
        return ""
    who = "the victim is" if removal_of_victim else "a qualifying family member of the victim is"
    return f" when {who} in removal proceedings"


def _counted_from(rule: dict[str, Any], requested_on: str | None) -> str:
    """ "the request", or the later day the rule counts from (the agency's receipt after a
    transfer, or an expedite raised after the request)."""
    start = rule.get("counted_from")
    if not start or start == requested_on:
        return "the request"
    if rule.get("expedited"):
        return f"the expedite raised on {long_date(start)}"
    return f"your receipt of the request on {long_date(start)}"


def deadline_sentences(
    *,
    rules: list[dict[str, Any]],
    agency_name: str,
    removal_of_victim: bool = True,
    requested_on: str | None = None,
    expedite: bool = False,
) -> list[str]:
    """The letter's deadline, one sentence per rule that applies (`deadlines.deadline_rules`),
    each with its own date: the statute as the statute (Minn. Stat. 611A.95 subd. 2: 90 days
    from the request, 14 in removal proceedings raised with it), only where it binds the
    agency; a policy as that agency's own; a requested date as the portal's request, in words
    that cite no law. (`expedite` is kept for callers of the older signature.)"""
    sentences = []
    bound_by_statute = any(rule["source"] == STATUTE for rule in rules)
    for rule in rules:
        by = long_date(rule["due_date"])
        when = _when(rule, removal_of_victim)
        start = _counted_from(rule, requested_on)
        if rule["source"] == STATUTE:
            sentences.append(
                f"Minn. Stat. 611A.95, subd. 2, requires a response within {rule['days']} days "
                f"of the request{when}: by {by}."
            )
        elif rule["source"] == POLICY and bound_by_statute:
            sentences.append(
                f"{agency_name}'s own policy is stricter: a response within {rule['days']} "
                f"days of {start}{when}, by {by}."
            )
        elif rule["source"] == POLICY:
            sentences.append(
                f"{agency_name}'s own policy asks for a response within {rule['days']} days of "
                f"{start}{when}, by {by}."
            )
        elif rule["source"] == REQUESTED:
            sentences.append(
                f"We ask for a response within {rule['days']} days of {start}{when}: by {by}."
            )
    if not rules:
        sentences.append("We ask for a response as soon as you can.")
    return sentences


def law_sentences(*, statute_binds: bool) -> list[str]:
    """What the letter says of the law beyond the deadline: subd. 2(c) with its condition for
    an agency the statute binds; DHS's guidance as DHS's (its resource guide), never as the
    statute's; confidentiality."""
    sentences = []
    if statute_binds:
        sentences.append(
            "Under Minn. Stat. 611A.95, subd. 2(c), where your agency initiated an "
            "investigation of the criminal activity and the victim cooperated with it, no open "
            "investigation, charge or conviction is required to certify."
        )
    sentences.append(
        "The U.S. Department of Homeland Security's U and T Visa Law Enforcement Resource Guide "
        "notes that there is no time limit on certifying an older case."
    )
    if statute_binds:
        sentences.append(
            "Minn. Stat. 611A.95 also requires the agency to keep the victim's immigration "
            "status confidential except as required by law (see also 8 U.S.C. 1367)."
        )
    else:
        sentences.append(
            "Please keep the victim's immigration status confidential; for federal agencies, "
            "8 U.S.C. 1367 restricts the disclosure of information about U and T visa "
            "applicants."
        )
    return sentences


def expedite_sentence(s: dict[str, Any]) -> str:
    """Who is in removal proceedings and what that changes, without citing a rule that does
    not apply (the statute's 14 days: the victim's own proceedings, raised with the request)."""
    if not s["in_removal_proceedings"]:
        return ""
    who = (
        "a qualifying family member of the victim is"
        if s.get("removal_proceedings_of") == "family_member"
        else "the victim is"
    )
    later = " (raised after the request)" if s.get("expedite_raised_on") else ""
    if any(rule.get("expedited") for rule in s["deadline_rules"]):
        return (
            f"Expedited request: {who} in removal proceedings{later}, so the shorter "
            'deadline applies (see "Deadline" below).'
        )
    return (
        f"Expedited request: {who} in removal proceedings{later}; we ask you to decide as "
        "soon as you can."
    )


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
    victim_name = victim.get("display_name") or " ".join(
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
        due_label="Response due"
        if any(r["source"] in (STATUTE, POLICY) for r in rules)
        else "Response requested by",
        deadline=deadline_sentences(
            rules=rules,
            agency_name=agency_name,
            removal_of_victim=s.get("removal_proceedings_of") != "family_member",
            requested_on=s["requested_on"],
        ),
        law=law_sentences(statute_binds=s.get("statute_binds", False)),
        statute_binds=s.get("statute_binds", False),
        expedite=s["in_removal_proceedings"],
        expedite_text=expedite_sentence(s),
        notice_to_appear_held=s["in_removal_proceedings"] and s["notice_to_appear_held"],
        decision_needed_by=long_date(s["decision_needed_by"]),
        official_form_url="uscis.gov/i-914" if trafficking else "uscis.gov/i-918",
        filing_window_months=validity_rule(s["form_type"]).months,
        enclosures=_enclosures(s, short),
        advocate_name=s["advocate"]["name"],
        advocate_email=s["advocate"]["email"],
        return_lines=[org["name"], *sender_lines],
    )
