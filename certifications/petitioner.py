"""Who petitions, in words: the request's petitioner as the document snapshot carries it, and
the sentences the cover letter and the official form's helpfulness item use.

8 CFR 214.14(a)(14): an indirect victim (the spouse or child under 21 of a direct victim who
was killed or is incapacitated or incompetent; when that victim was under 21, also the parents
and unmarried siblings under 18) petitions in their own right, and the helpfulness attested is
their own. 8 CFR 214.14(b)(2)-(3): for a victim under 16, or incapacitated or incompetent, a
parent, guardian or next friend may possess the information and give the help. A bystander
may be a victim where they suffered direct harm witnessing the crime. The letter must never
call an indirect victim "the victim" of the crime, nor say a child "has been helpful" when the
help came from the parent.

Returned sentences are lists of (text, is_name) segments: the templates isolate each name
(<bdi>) so a right-to-left name does not reorder the sentence around it.
"""

from __future__ import annotations

from typing import Any

from .choices import DirectVictimUnable, IndirectRelationship, NextFriendReason, PetitionerKind

Segments = list[tuple[str, bool]]


# What each kind of petitioner must also say (the intake form's errors and the submission's).
PETITIONER_REQUIRED: dict[str, dict[str, str]] = {
    PetitionerKind.INDIRECT: {
        "indirect_relationship": "Choose the relationship to the direct victim.",
        "direct_victim_name": "Give the direct victim's name.",
        "direct_victim_unable": "Say why the direct victim cannot petition.",
    },
    PetitionerKind.NEXT_FRIEND: {
        "next_friend_reason": "Say why someone acts for the victim.",
        "next_friend_name": "Give the name of the parent, guardian or next friend.",
        "next_friend_relationship": "Give their relationship to the victim.",
    },
}


def petitioner_problems(cert_request) -> dict[str, str]:
    """Field -> what is missing for the request's kind of petitioner."""
    kind = cert_request.petitioner_kind
    if kind not in PetitionerKind.values:
        return {"petitioner_kind": "Say who is petitioning."}
    return {
        name: message
        for name, message in PETITIONER_REQUIRED.get(kind, {}).items()
        if not (getattr(cert_request, name) or "").strip()
    }


def petitioner_snapshot(cert_request) -> dict[str, Any]:
    """The petitioner's part of the document snapshot (`documents.inputs`)."""
    kind = cert_request.petitioner_kind or PetitionerKind.DIRECT
    return {
        "kind": kind,
        "relationship": (
            str(IndirectRelationship(cert_request.indirect_relationship).label)
            if cert_request.indirect_relationship
            else ""
        ),
        "direct_victim_name": cert_request.direct_victim_name,
        "unable": (
            str(DirectVictimUnable(cert_request.direct_victim_unable).label)
            if cert_request.direct_victim_unable
            else ""
        ),
        "unable_explanation": cert_request.direct_victim_unable_explanation,
        "next_friend_reason": cert_request.next_friend_reason,
        "next_friend_name": cert_request.next_friend_name,
        "next_friend_relationship": cert_request.next_friend_relationship,
    }


def petitioner_label(p: dict[str, Any]) -> str:
    """What the letter's header calls the person named in Part 1."""
    return {
        PetitionerKind.INDIRECT: "Petitioner (indirect victim)",
        PetitionerKind.BYSTANDER: "Petitioner (bystander victim)",
    }.get(p.get("kind"), "Victim")


def _unable_words(p: dict[str, Any]) -> str:
    unable = p.get("unable", "")
    if not unable:
        return "cannot petition"
    if unable.startswith("Killed"):
        return "was killed"
    return f"is {unable.lower()}"


def letter_statement(
    p: dict[str, Any], *, name: str, crimes: str, when_where: str, case_number: str
) -> Segments:
    """The letter's sentence on who was harmed and whose help is to be certified."""
    kind = p.get("kind", PetitionerKind.DIRECT)
    crime = [(crimes.lower(), True)] + ([(" ", False), (when_where, True)] if when_where else [])
    case = [(" (case or report number ", False), (case_number, True), (").", False)]
    if kind == PetitionerKind.INDIRECT:
        relationship = (p.get("relationship") or "family member").split(" (")[0].lower()
        direct = p.get("direct_victim_name") or "the direct victim"
        return [
            (name, True),
            (" petitions as an indirect victim (8 CFR 214.14(a)(14)): the ", False),
            (relationship, False),
            (" of ", False),
            (direct, True),
            (", the direct victim of ", False),
            *crime,
            (", who ", False),
            (_unable_words(p), False),
            (". The helpfulness to be certified is ", False),
            (name, True),
            ("'s own, to your agency's investigation or prosecution", False),
            *case,
        ]
    if kind == PetitionerKind.NEXT_FRIEND:
        why = (
            "is under 16"
            if p.get("next_friend_reason") == NextFriendReason.UNDER_16
            else "is incapacitated or incompetent"
        )
        friend = p.get("next_friend_name") or "a parent, guardian or next friend"
        relationship = p.get("next_friend_relationship", "")
        return [
            (name, True),
            (" was the victim of ", False),
            *crime,
            (". Because ", False),
            (name, True),
            (f" {why}, ", False),
            (friend, True),
            *([(" (", False), (relationship, True), (")", False)] if relationship else []),
            (
                " has assisted your agency's investigation or prosecution on the victim's "
                "behalf (8 CFR 214.14(b)(2)-(3)); that help is what we ask you to certify",
                False,
            ),
            *case,
        ]
    if kind == PetitionerKind.BYSTANDER:
        return [
            (name, True),
            (" is a bystander victim: present at ", False),
            *crime,
            (", ", False),
            (name, True),
            (
                " suffered harm as a direct result of witnessing it, and has been helpful to "
                "your agency's investigation or prosecution",
                False,
            ),
            *case,
        ]
    return [
        (name, True),
        (" was the victim of ", False),
        *crime,
        (", and has been helpful to your agency's investigation or prosecution", False),
        *case,
    ]


def helpfulness_preface(p: dict[str, Any]) -> str:
    """A first line for the form's helpfulness explanation (Part 4) where the help is not the
    direct victim's own; empty for a direct victim."""
    kind = p.get("kind", PetitionerKind.DIRECT)
    if kind == PetitionerKind.INDIRECT:
        relationship = (p.get("relationship") or "family member").split(" (")[0].lower()
        direct = p.get("direct_victim_name") or "the direct victim"
        return (
            f"The petitioner is an indirect victim, the {relationship} of {direct}, who "
            f"{_unable_words(p)} (8 CFR 214.14(a)(14)); the helpfulness described is the "
            "petitioner's."
        )
    if kind == PetitionerKind.NEXT_FRIEND:
        friend = p.get("next_friend_name") or "a parent, guardian or next friend"
        relationship = p.get("next_friend_relationship", "")
        who = f"{friend} ({relationship})" if relationship else friend
        return (
            f"The victim's help was given through {who}, acting for the victim "
            "(8 CFR 214.14(b)(2)-(3))."
        )
    if kind == PetitionerKind.BYSTANDER:
        return "The petitioner is a bystander victim who suffered harm witnessing the crime."
    return ""
