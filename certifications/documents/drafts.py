"""The parts and items of the draft forms (pure: a snapshot from `inputs.document_inputs` in,
plain data out; no database, no settings). The cover letter is in `letter`.

Rules that come from the form's instructions (Form I-918 Supplement B, Form I-914 Supplement B):
- USCIS may reject a form with a required field left blank: every item gets an answer, "None"
  where the answer is none, "N/A" where the item does not apply, "Unknown" where the requester
  does not know (the certifying official corrects it). Only the signature and its date in Part 6
  stay empty, for the official's ink.
- An answer too long for its space continues in Part 7 (Additional information), which names
  the page, part and item it continues.
- The agency's own answers (AgencyFormAnswers) win over the advocate's data and the directory.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from agencies.models import AgencyKind, AgencyLevel

from ..choices import Crime, FormType, Gender, TraffickingType, YesNoUnknown
from ..models import AgencyCategory, AgencyType, CaseStatus

NONE = "None"
NA = "N/A"
UNKNOWN = "Unknown"

# Characters that fit in each box of the form before the answer continues in Part 7.
BOX_LIMITS = {
    "other_names": 120,
    "similar_activity": 100,
    "agency_address": 160,
    "agency_category_other": 60,
    "case_status_other": 80,
    "crime_dates": 120,
    "statutes": 200,
    "location": 150,
    "description": 900,
    "injuries": 400,
    "helpfulness": 700,
    "refusal": 400,
}
# Part 5 has room for this many family members; the others continue in Part 7.
FAMILY_ROWS = 3

LAW_ENFORCEMENT_KINDS = frozenset(
    {AgencyKind.POLICE, AgencyKind.SHERIFF, AgencyKind.STATE_PATROL, AgencyKind.FEDERAL_LE}
)


@dataclass
class Option:
    label: str
    checked: bool


@dataclass
class Item:
    number: str
    label: str
    anchor: str = ""
    value: str = ""
    options: list[Option] | None = None
    rows: list[tuple[str, str]] | None = None
    long: bool = False
    columns: bool = False
    # One option per line (long option labels).
    stacked: bool = False
    # Left empty for the certifying official (signature and its date, Part 6).
    for_official: bool = False
    continued_in: int | None = None

    @property
    def option_columns(self) -> list[list[Option]]:
        """The options in three columns, filled top to bottom (Part 3, Item 1)."""
        options = self.options or []
        size = -(-len(options) // 3)
        return [options[i : i + size] for i in range(0, len(options), size)] if size else []


@dataclass
class Part:
    number: int
    title: str
    items: list[Item]
    intro: str = ""


@dataclass
class Continuation:
    entry: int
    part: int
    item: str
    anchor: str
    text: str


@dataclass
class FormDraft:
    form_number: str
    title: str
    edition: str
    reference: str
    parts: list[Part] = field(default_factory=list)
    continuations: list[Continuation] = field(default_factory=list)
    attestation: str = ""


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


class _Builder:
    """Accumulates the parts and the Part 7 continuations of one draft."""

    def __init__(self, draft: FormDraft) -> None:
        self.draft = draft
        self.part_number = 0

    def fit(self, item: Item, text: str, limit_key: str) -> Item:
        """Put `text` in the item's box; whatever does not fit continues in Part 7."""
        limit = BOX_LIMITS[limit_key]
        if len(text) <= limit:
            item.value = text
            return item
        # Cut at the last space before the limit, leaving room for the pointer.
        cut = text.rfind(" ", 0, limit - 40)
        if cut < limit // 2:
            cut = limit - 40
        entry = len(self.draft.continuations) + 1
        item.value = text[:cut].rstrip() + " …"
        item.continued_in = entry
        self.draft.continuations.append(
            Continuation(
                entry=entry,
                part=self.part_number,
                item=item.number,
                anchor=item.anchor,
                text="… " + text[cut:].strip(),
            )
        )
        return item

    def item(self, number: str, label: str, **kwargs: Any) -> Item:
        anchor = f"p{self.part_number}-{number.replace('.', '')}"
        return Item(number=number, label=label, anchor=anchor, **kwargs)


def _choices(pairs: list[tuple[str, str]], selected: set[str] | str) -> list[Option]:
    chosen = {selected} if isinstance(selected, str) else selected
    return [Option(label=label, checked=value in chosen) for value, label in pairs]


def _yes_no(value: str) -> list[Option]:
    pairs = [(YesNoUnknown.YES, "Yes"), (YesNoUnknown.NO, "No")]
    if value not in {YesNoUnknown.YES, YesNoUnknown.NO}:
        pairs.append((YesNoUnknown.UNKNOWN, "Unknown"))
        value = YesNoUnknown.UNKNOWN
    return _choices(pairs, value)


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


def _part1(b: _Builder, s: dict[str, Any]) -> Part:
    v = s["victim"]
    b.part_number = 1
    gender = v["gender"] or Gender.UNKNOWN
    items = [
        # Only when the advocate shared it (access.agency_view_of); the item asks "if any", so
        # it may stay empty, and "None" would tell the agency there is none.
        b.item("1", "Alien Registration Number (A-Number), if any", value=v["a_number"] or ""),
        b.item("2.a", "Family name (last name)", value=v["family_name"] or UNKNOWN),
        b.item("2.b", "Given name (first name)", value=v["given_name"] or UNKNOWN),
        b.item("2.c", "Middle name", value=v["middle_name"] or NONE),
        b.fit(
            b.item("3", "Other names used (aliases, maiden name, nicknames)"),
            v["other_names"] or NONE,
            "other_names",
        ),
        b.item("4", "Date of birth (mm/dd/yyyy)", value=us_date(v["date_of_birth"]) or UNKNOWN),
        b.item("5", "Gender", options=_choices(list(Gender.choices), gender)),
    ]
    return Part(1, "Victim Information", items)


def _part2(b: _Builder, s: dict[str, Any]) -> Part:
    a = s["answers"]
    agency = s["agency"]
    contact = s["contact"] or {}
    b.part_number = 2
    agency_type = a.get("agency_type") or agency_type_for(agency)
    default_category, default_category_other = agency_category_for(agency)
    category = a.get("agency_category") or default_category
    category_other = first(a.get("agency_category_other"), default_category_other)
    case_status = a.get("case_status") or CaseStatus.OTHER
    # The requester cannot know the case status: "Other: Unknown" until the agency answers.
    case_status_other = first(a.get("case_status_other")) if "case_status" in a else UNKNOWN
    address = first(a.get("agency_address"), ", ".join(agency["address_lines"]) if agency else "")
    items = [
        b.item(
            "1",
            "Name of the certifying agency",
            value=first(a.get("agency_name"), agency and agency["name"]) or UNKNOWN,
        ),
        b.item(
            "2",
            "Name of the certifying official",
            value=first(
                a.get("certifying_official_name"), s["decision_official_name"], contact.get("name")
            )
            or UNKNOWN,
        ),
        b.item(
            "3",
            "Title of the certifying official",
            value=first(
                a.get("certifying_official_title"),
                s["decision_official_title"],
                contact.get("title"),
            )
            or UNKNOWN,
        ),
        b.item(
            "4",
            "Division or office",
            value=first(a.get("division_office"), contact.get("division")) or NA,
        ),
        b.item(
            "5",
            "Name of the head of the agency (if the certifying official is a designee)",
            value=first(a.get("head_of_agency_name")) or NA,
        ),
        b.fit(b.item("6", "Agency address"), address or UNKNOWN, "agency_address"),
        b.item(
            "7",
            "Agency phone number",
            value=first(a.get("agency_phone"), agency and agency["phone"], contact.get("phone"))
            or NONE,
        ),
        b.item(
            "8",
            "Agency fax number",
            value=first(a.get("agency_fax"), agency and agency["fax"]) or NONE,
        ),
        b.item(
            "9",
            "Agency e-mail address",
            value=first(a.get("agency_email"), agency and agency["email"], contact.get("email"))
            or NONE,
        ),
        b.item(
            "10",
            "Agency type",
            options=_choices(list(AgencyType.choices), agency_type),
            value="" if agency_type else f"Answer: {UNKNOWN}",
        ),
        b.fit(
            b.item(
                "11",
                "Agency category",
                options=_choices(list(AgencyCategory.choices), category),
            ),
            f"Other category: {category_other or UNKNOWN}"
            if category == AgencyCategory.OTHER
            else "",
            "agency_category_other",
        )
        if category
        else b.item(
            "11",
            "Agency category",
            options=_choices(list(AgencyCategory.choices), ""),
            value=f"Answer: {UNKNOWN}",
        ),
        b.fit(
            b.item("12", "Case status", options=_choices(list(CaseStatus.choices), case_status)),
            f"Other status: {case_status_other or UNKNOWN}"
            if case_status == CaseStatus.OTHER
            else "",
            "case_status_other",
        ),
        b.item(
            "13",
            "Case number",
            value=first(a.get("case_number"), s["case_number"]) or UNKNOWN,
        ),
        b.item(
            "14",
            "FBI number or State Identification (SID) number",
            value=first(a.get("fbi_sid_number")) or UNKNOWN,
        ),
    ]
    return Part(2, "Agency Information", items)


def _crime_options(s: dict[str, Any]) -> tuple[list[Option], set[str]]:
    a = s["answers"]
    chosen = set(a["crimes"] if "crimes" in a else s["crimes"])
    return _choices(list(Crime.choices), chosen), chosen


def _part3_u(b: _Builder, s: dict[str, Any]) -> Part:
    a = s["answers"]
    b.part_number = 3
    options, chosen = _crime_options(s)
    crimes_item = b.item(
        "1",
        "The victim was a victim of criminal activity involving or similar to violations of "
        "one of the following (check all that apply)",
        options=options,
        columns=True,
    )
    if Crime.SIMILAR_ACTIVITY in chosen:
        b.fit(
            crimes_item,
            "Similar activity: " + (s["similar_activity_description"] or UNKNOWN),
            "similar_activity",
        )
    elif not chosen:
        crimes_item.value = "None checked by the requester: the certifying official checks them."
    occurred = s["occurred_in_us"]
    items = [
        crimes_item,
        b.fit(
            b.item("2", "Date(s) of the criminal activity (mm/dd/yyyy)"),
            first(a.get("crime_dates"), crime_dates(s)) or UNKNOWN,
            "crime_dates",
        ),
        b.fit(
            b.item("3", "Statutory citations for the criminal activity investigated or prosecuted"),
            first(a.get("statutes_cited"), s["statutes_cited"]) or UNKNOWN,
            "statutes",
        ),
        b.item(
            "4",
            "Did the criminal activity occur in the United States, including Indian country "
            "and military installations, or in the territories or possessions of the "
            "United States?",
            options=_yes_no(occurred),
        ),
        b.item(
            "5",
            "If the answer to Item 4 is No: did the criminal activity violate a federal law "
            "of the United States that provides for extraterritorial jurisdiction?",
            options=_choices(
                [("yes", "Yes"), ("no", "No"), ("na", "N/A")],
                "na" if occurred == YesNoUnknown.YES else "",
            ),
            value="" if occurred == YesNoUnknown.YES else f"Answer: {UNKNOWN}",
        ),
        b.fit(
            b.item("6", "Location where the criminal activity occurred (city, county, state)"),
            first(a.get("crime_location"), crime_location(s)) or UNKNOWN,
            "location",
        ),
        b.fit(
            b.item(
                "7",
                "Description of the criminal activity being investigated or prosecuted and "
                "the involvement of the victim named in Part 1",
                long=True,
            ),
            first(a.get("activity_description"), s["narrative"]) or UNKNOWN,
            "description",
        ),
        b.fit(
            b.item("8", "Description of any known or documented injury to the victim", long=True),
            first(a.get("known_injuries"), s["known_injuries"]) or NONE,
            "injuries",
        ),
    ]
    return Part(3, "Criminal Acts", items)


def _part3_t(b: _Builder, s: dict[str, Any]) -> Part:
    a = s["answers"]
    b.part_number = 3
    chosen = set(a["trafficking_types"] if "trafficking_types" in a else s["trafficking_types"])
    types_item = b.item(
        "1",
        "The victim is or was a victim of a severe form of trafficking in persons "
        "(22 U.S.C. 7102) as follows (check all that apply)",
        options=_choices(list(TraffickingType.choices), chosen),
        stacked=True,
    )
    if not chosen:
        types_item.value = "None checked by the requester: the certifying official checks them."
    items = [
        types_item,
        b.fit(
            b.item("2", "Date(s) of the trafficking (mm/dd/yyyy)"),
            first(a.get("crime_dates"), crime_dates(s)) or UNKNOWN,
            "crime_dates",
        ),
        b.fit(
            b.item("3", "Statutory citations for the trafficking investigated or prosecuted"),
            first(a.get("statutes_cited"), s["statutes_cited"]) or UNKNOWN,
            "statutes",
        ),
        b.fit(
            b.item("4", "Location where the trafficking occurred (city, county, state)"),
            first(a.get("crime_location"), crime_location(s)) or UNKNOWN,
            "location",
        ),
        b.fit(
            b.item(
                "5",
                "Description of the trafficking being investigated or prosecuted and the "
                "involvement of the victim named in Part 1",
                long=True,
            ),
            first(a.get("activity_description"), s["narrative"]) or UNKNOWN,
            "description",
        ),
        b.fit(
            b.item("6", "Description of any known or documented injury to the victim", long=True),
            first(a.get("known_injuries"), s["known_injuries"]) or NONE,
            "injuries",
        ),
    ]
    return Part(3, "Statement of Claim", items)


def _part4(b: _Builder, s: dict[str, Any], *, trafficking: bool) -> Part:
    a = s["answers"]
    b.part_number = 4
    # The requester asserts helpfulness (that is why it asks); the official confirms or
    # corrects each answer.
    possesses = a.get("possesses_information") or YesNoUnknown.YES
    helpful = a.get("has_been_helpful") or YesNoUnknown.YES
    refused = a.get("refused_assistance") or YesNoUnknown.NO
    activity = "the trafficking" if trafficking else "the criminal activity listed in Part 3"
    if trafficking:
        helpful_label = (
            "Has the victim complied with, or is the victim likely to comply with, reasonable "
            "requests for assistance in the investigation or prosecution of the trafficking?"
        )
        describe_label = "Describe the victim's cooperation"
    else:
        helpful_label = (
            "Has the victim been, is the victim being, or is the victim likely to be helpful "
            "in the investigation or prosecution of the criminal activity listed in Part 3?"
        )
        describe_label = "Describe the victim's helpfulness"
    refusal_item = b.item("5", 'If the answer to Item 3 is "Yes", explain', long=True)
    if refused == YesNoUnknown.YES:
        b.fit(refusal_item, first(a.get("refusal_explanation")) or UNKNOWN, "refusal")
    else:
        refusal_item.value = NA
    items = [
        b.item(
            "1",
            f"Does the victim possess information concerning {activity}?",
            options=_yes_no(possesses),
        ),
        b.item("2", helpful_label, options=_yes_no(helpful)),
        b.item(
            "3",
            "Since the initiation of cooperation, has the victim refused or failed to provide "
            "information and assistance reasonably requested?",
            options=_yes_no(refused),
        ),
        b.fit(
            b.item("4", describe_label, long=True),
            first(a.get("helpfulness_explanation"), s["helpfulness"]) or UNKNOWN,
            "helpfulness",
        ),
        refusal_item,
    ]
    title = "Cooperation of the Victim" if trafficking else "Helpfulness of the Victim"
    return Part(4, title, items)


def _part5(b: _Builder, s: dict[str, Any], *, trafficking: bool) -> Part:
    b.part_number = 5
    implicated = s["family_implicated"]
    activity = "the trafficking" if trafficking else "the criminal activity"
    members = [(m["full_name"], m["relationship"]) for m in s["family_members"]]
    list_item = b.item("2", "Family members implicated: full name and relationship to the victim")
    if implicated == YesNoUnknown.YES and members:
        list_item.rows = members[:FAMILY_ROWS]
        if len(members) > FAMILY_ROWS:
            entry = len(b.draft.continuations) + 1
            list_item.continued_in = entry
            b.draft.continuations.append(
                Continuation(
                    entry=entry,
                    part=5,
                    item="2",
                    anchor=list_item.anchor,
                    text="; ".join(f"{n} ({r})" for n, r in members[FAMILY_ROWS:]),
                )
            )
    elif implicated == YesNoUnknown.YES:
        list_item.value = UNKNOWN
    else:
        list_item.value = NA
    items = [
        b.item(
            "1",
            f"Are any of the victim's family members implicated in {activity}?",
            options=_yes_no(implicated),
        ),
        list_item,
    ]
    return Part(5, f"Family Members Implicated in {activity[4:].title()}", items)


U_ATTESTATION = (
    "I am the head of the agency listed in Part 2 or I am the person in the agency who has "
    "the authority to sign certifications on behalf of the agency. Based upon investigation "
    "of the facts, I certify, under penalty of perjury, that the individual named in Part 1 is "
    "or was a victim of one or more of the crimes listed in Part 3. I certify that the above "
    "information is complete, true, and correct to the best of my knowledge, and that I have "
    "made and will make no promises regarding the victim's ability to obtain a visa from "
    "USCIS based upon this certification. I further certify that if the victim unreasonably "
    "refuses to assist in the investigation or prosecution of the qualifying criminal "
    "activity of which he or she is a victim, I will notify USCIS."
)
T_ATTESTATION = (
    "I am the head of the agency listed in Part 2 or I am the person in the agency who has "
    "the authority to sign this declaration on behalf of the agency. Based upon investigation "
    "of the facts, I declare, under penalty of perjury, that the individual named in Part 1 is "
    "or was a victim of a severe form of trafficking in persons, and that the above "
    "information is complete, true, and correct to the best of my knowledge. I have made and "
    "will make no promises regarding the victim's ability to obtain immigration status based "
    "upon this declaration."
)


def _part6(b: _Builder, official: str) -> Part:
    b.part_number = 6
    items = [
        b.item("1", "Name of the certifying official (printed)", value=official),
        b.item("2", "Signature of the certifying official (in ink)", for_official=True),
        b.item("3", "Date of signature (mm/dd/yyyy)", for_official=True),
    ]
    return Part(6, "Certification", items)


def supplement_b_draft(snapshot: dict[str, Any]) -> FormDraft:
    """The parts of Form I-918 Supplement B (U) or I-914 Supplement B (T), in the form's order
    and with its item numbers, every required item answered."""
    trafficking = snapshot["form_type"] == FormType.T
    if trafficking:
        draft = FormDraft(
            form_number="I-914, Supplement B",
            title="Declaration of Law Enforcement Officer for Victim of Trafficking in Persons",
            edition=snapshot["edition"],
            reference=snapshot["reference"],
            attestation=T_ATTESTATION,
        )
    else:
        draft = FormDraft(
            form_number="I-918, Supplement B",
            title="U Nonimmigrant Status Certification",
            edition=snapshot["edition"],
            reference=snapshot["reference"],
            attestation=U_ATTESTATION,
        )
    b = _Builder(draft)
    part2 = _part2(b, snapshot)
    draft.parts = [
        _part1(b, snapshot),
        part2,
        _part3_t(b, snapshot) if trafficking else _part3_u(b, snapshot),
        _part4(b, snapshot, trafficking=trafficking),
        _part5(b, snapshot, trafficking=trafficking),
        _part6(b, part2.items[1].value),
    ]
    # Part 2 was built first (Part 6 repeats the official's name); keep Part 7 in form order.
    draft.continuations.sort(key=lambda c: (c.part, _item_order(c.item)))
    for n, continuation in enumerate(draft.continuations, start=1):
        continuation.entry = n
        for part in draft.parts:
            for item in part.items:
                if item.anchor == continuation.anchor:
                    item.continued_in = n
    return draft


def _item_order(number: str) -> tuple[int, str]:
    head, _, tail = number.partition(".")
    return int(head), tail
