"""Which items of an edition are required for a request, and which of them are still empty.

An item's `required` is the edition's word. Some optional items become required by an earlier
answer (the form's own "If you answered ..." items); this is the one place that says which.
"""

from __future__ import annotations

from typing import Any

# item key -> (the item whose answer makes it required, that answer). From the items' labels:
# Part 3 4.b ("If you answered 'No' to Item Number 4.a."), 5.b ("If ... 'Yes' to 5.a."),
# Part 4 Item 4 ("If ... 'Yes' to Item Number 3."), the "Other (explain)" boxes of Part 2,
# and Part 5's first family member when family members are implicated.
REQUIRED_WHEN: dict[str, tuple[str, str]] = {
    "crime.in_us_explanation": ("crime.in_us", "no"),
    "crime.extraterritorial_citation": ("crime.extraterritorial", "yes"),
    "helpful.refusal_explanation": ("helpful.refused", "yes"),
    "case.status_other": ("case.status", "other"),
    "agency.category_other": ("agency.category", "other"),
    "family.member_1": ("family.implicated", "yes"),
    # 8 CFR 214.14(a)(3): a designee certifies on behalf of the head, who is named.
    "agency.head_name": ("official.capacity", "designee"),
}
# Left empty on purpose: signed in ink on the official form.
NEVER_MISSING = frozenset({"certification.signature"})


def required_now(item: dict[str, Any], values: dict[str, Any]) -> bool:
    condition = REQUIRED_WHEN.get(item["key"])
    if condition is not None and values.get(condition[0]) == condition[1]:
        return True
    return bool(item.get("required"))


def is_empty(value: Any) -> bool:
    if isinstance(value, dict):
        return not any(str(v).strip() for v in value.values() if v)
    return value in (None, "", [], {})


def missing_items(
    *, items: list[dict[str, Any]], values: dict[str, Any], answered_by: frozenset[str]
) -> list[dict[str, Any]]:
    """The required items answered by `answered_by` that have no value yet, in form order.

    The head of the agency is required only of a designee's form: for the head or a judge
    it is answered "N/A" (the item says "if the certifying official is a designee").
    """
    missing = []
    for item in items:
        if item.get("answered_by") not in answered_by or item["key"] in NEVER_MISSING:
            continue
        if item["kind"] == "additional_info" or not required_now(item, values):
            continue
        if item["key"] == "agency.head_name" and values.get("official.capacity") not in (
            None,
            "designee",
        ):
            continue
        if is_empty(values.get(item["key"])):
            missing.append(item)
    return missing
