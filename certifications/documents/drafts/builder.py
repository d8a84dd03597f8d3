"""The draft worksheet built from the request's form edition, item by item (pure: a snapshot
from `inputs.document_inputs` in, plain data out).

Rules, from the form's instructions (Form I-918 Supplement B, Form I-914 Supplement B) and
8 CFR 214.14(c)(2)(i):
1. Every part and item comes from the edition's structure: its part titles, item numbers and
   labels, and its boxes only (no "Unknown" box on a yes/no item, no crime the form lacks).
2. Values are those of the official fill (`editions.values.item_values`): the requester's for
   Part 1, the agency's answer else the request and the directory for the agency's items, and
   the agency's answer only for the items the certifying official decides; those stay empty
   until answered, never pre-checked.
3. An empty required item shows "None", "N/A" or "Unknown" only where the edition's `allows`
   accepts it; the official's items and the signature stay empty.
4. An answer too long for its box continues in the additional-information part, which names
   the page, part and item it continues.
"""

from __future__ import annotations

from typing import Any

from ...choices import FormType
from ...editions.completeness import required_now
from ...editions.values import item_values
from ...models import OfficialCapacity
from ..common import UNKNOWN
from .model import Cell, Continuation, FormDraft, Item, Option, Part

# Characters that fit in a box before the answer continues in the additional-information part.
BOX_LIMITS = {"text": 150, "textarea": 700, "crime.description": 900, "crime.citations": 300}
SUBFIELD_LABELS = {
    "family": "Family Name (Last Name)",
    "given": "Given Name (First Name)",
    "middle": "Middle Name",
    "street": "Street Number and Name",
    "unit_number": "Apt. / Ste. / Flr. Number",
    "city": "City or Town",
    "state": "State",
    "zip_code": "ZIP Code",
    "province": "Province",
    "postal_code": "Postal Code",
    "country": "Country",
    "relationship": "Relationship",
    "involvement": "Involvement",
}
BOX_KINDS = frozenset({"choice", "yes_no", "checkboxes"})
CELL_KINDS = frozenset({"name", "address"})

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


def placeholder(item: dict[str, Any], values: dict[str, Any]) -> str:
    """What an empty item shows: one of the answers its `allows` accepts, and only for a
    required item (rule 3). "Unknown" first: the requester does not know what the agency
    will answer, and "None" would state that there is none."""
    allows = item.get("allows") or []
    if not allows or item.get("answered_by") == "official" or not required_now(item, values):
        return ""
    if item["key"] == "victim.a_number":
        # The item asks "if any", and the A-Number reaches the agency only when the advocate
        # shares it (8 U.S.C. 1367): "None" would tell the agency there is none.
        return ""
    if item["key"] == "agency.head_name" and values.get("official.capacity") in (
        None,
        OfficialCapacity.DESIGNEE,
    ):
        # Only "N/A" when the official is not a designee; unknown until the agency says so.
        return ""
    return UNKNOWN if UNKNOWN in allows else allows[0]


class _Builder:
    """Accumulates the items and the continuations of one draft."""

    def __init__(self, draft: FormDraft, values: dict[str, Any]):
        self.draft = draft
        self.values = values
        self.part_number = 0

    def fit(self, item: Item, text: str) -> None:
        """Put `text` in the item's box; whatever does not fit continues (rule 4)."""
        limit = BOX_LIMITS.get(item.key) or BOX_LIMITS.get(item.kind, BOX_LIMITS["text"])
        if len(text) <= limit:
            item.value = text
            return
        # Cut at the last space before the limit, leaving room for the pointer.
        cut = text.rfind(" ", 0, limit - 40)
        if cut < limit // 2:
            cut = limit - 40
        item.value = text[:cut].rstrip() + " …"
        self.continue_item(item, "… " + text[cut:].strip())

    def continue_item(self, item: Item, text: str) -> None:
        entry = len(self.draft.continuations) + 1
        item.continued_in = entry
        self.draft.continuations.append(
            Continuation(
                entry=entry, part=self.part_number, item=item.number, anchor=item.anchor, text=text
            )
        )

    def item(self, spec: dict[str, Any]) -> Item | None:
        kind = spec["kind"]
        if kind == "additional_info":
            return None
        key = spec["key"]
        anchor = f"p{self.part_number}-{spec['number'].replace('.', '')}-{key.replace('.', '-')}"
        item = Item(
            key=key,
            number=spec["number"],
            label=spec["label"],
            kind=kind,
            anchor=anchor,
            long=kind == "textarea",
        )
        value = self.values.get(key)
        official = spec.get("answered_by") == "official"
        if kind == "signature":
            item.for_official = True
            return item
        if official and value in (None, "", [], {}) and required_now(spec, self.values):
            item.awaiting_official = True
        if kind in BOX_KINDS:
            chosen = set(value or []) if kind == "checkboxes" else {value}
            item.options = [
                Option(label=o["label"], checked=o["value"] in chosen) for o in spec["options"]
            ]
            item.columns = kind == "checkboxes" and len(spec["options"]) > 8
            item.stacked = any(len(o["label"]) > 40 for o in spec["options"])
            if not chosen - {None}:
                item.value = placeholder(spec, self.values)
        elif kind in CELL_KINDS:
            parts = value or {}
            item.cells = [
                Cell(SUBFIELD_LABELS.get(name, name), parts.get(name, ""))
                for name in spec.get("subfields", [])
            ]
            if not any(c.value for c in item.cells):
                item.value = placeholder(spec, self.values)
        elif kind == "person":
            if value:
                item.row = [
                    Cell(SUBFIELD_LABELS.get(name, name), value.get(name, ""))
                    for name in spec.get("subfields", [])
                ]
        elif kind == "dates":
            dates = list(value or [])
            count = int(spec.get("count") or max(len(dates), 1))
            if not dates and (fill := placeholder(spec, self.values)):
                dates = [fill]
            item.cells = [
                Cell(f"{spec['number']}.{'abcdefgh'[n]}", dates[n] if n < len(dates) else "")
                for n in range(count)
            ]
            if len(dates) > count:
                self.continue_item(item, "; ".join(dates[count:]))
        else:
            self.fit(item, str(value) if value else placeholder(spec, self.values))
        return item


def _form_number(form_type: str) -> str:
    return "I-914, Supplement B" if form_type == FormType.T else "I-918, Supplement B"


def supplement_b_draft(snapshot: dict[str, Any]) -> FormDraft:
    """The draft Form I-918 Supplement B (U) or I-914 Supplement B (T), following the edition's
    structure (rules 1-4 of this module)."""
    trafficking = snapshot["form_type"] == FormType.T
    answers = snapshot["answers"]
    values = item_values(snapshot)
    capacity = answers.get("official_capacity", "")
    draft = FormDraft(
        form_number=_form_number(snapshot["form_type"]),
        title=snapshot.get("edition_title") or f"Form {_form_number(snapshot['form_type'])}",
        edition=snapshot["edition"],
        reference=snapshot["reference"],
        attestation=T_ATTESTATION if trafficking else U_ATTESTATION,
        capacity=[
            Option(label=label, checked=value == capacity)
            for value, label in OfficialCapacity.choices
        ],
        designee=capacity == OfficialCapacity.DESIGNEE,
        head_title=answers.get("head_title", ""),
    )
    b = _Builder(draft, values)
    for part in snapshot["edition_structure"].get("parts", []):
        b.part_number = part["number"]
        if any(i["kind"] == "additional_info" for i in part["items"]):
            draft.additional_number, draft.additional_title = part["number"], part["title"]
        items = [item for spec in part["items"] if (item := b.item(spec)) is not None]
        if items:
            draft.parts.append(Part(part["number"], part["title"], items))
        if part["items"] and part["items"][-1]["key"] == "family.member_3":
            # Part 5 has room for three family members; the others continue.
            more = values.get("family.more") or []
            if more:
                b.continue_item(
                    items[-1],
                    "; ".join(
                        " ".join(p for p in (m.get("family"), m.get("given")) if p)
                        + f" ({m.get('relationship', '')})"
                        for m in more
                    ),
                )
    if draft.additional_number is None:
        draft.additional_title = "Additional Information"
    return draft
