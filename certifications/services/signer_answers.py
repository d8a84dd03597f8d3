"""The official form's certifying-official part (Part 2), filled from the signer chosen when
the certification is recorded (8 CFR 214.14(a)(3): the head of the agency or an official the
head designated)."""

from __future__ import annotations

from accounts.models import User
from agencies.models import PointOfContact
from agencies.selectors import agency_heads

from ..models import AgencyFormAnswers, CertificationRequest, OfficialCapacity

# A contact's name is one field in the directory. Which word is the family name differs between
# the communities the portal serves, so it is never split by guessing: the whole name goes into
# the family-name box (as `editions.values` does), unless the agency already typed the same
# name split into its parts.
NAME_FIELDS = ("family", "given", "middle")


def _typed_name(answers: AgencyFormAnswers, prefix: str) -> str:
    parts = [getattr(answers, f"{prefix}_{sub}_name") for sub in NAME_FIELDS]
    return " ".join(p for p in parts if p)


def _same_person(answers: AgencyFormAnswers, prefix: str, name: str) -> bool:
    words = sorted(_typed_name(answers, prefix).casefold().split())
    return bool(words) and words == sorted(name.casefold().split())


def _set_name(answers: AgencyFormAnswers, prefix: str, name: str) -> None:
    if _same_person(answers, prefix, name):
        return
    setattr(answers, f"{prefix}_family_name", name[:100])
    setattr(answers, f"{prefix}_given_name", "")
    setattr(answers, f"{prefix}_middle_name", "")


def signer_title(signer: PointOfContact) -> str:
    """ "Title, division": Part 2's "title and division or office" of the official."""
    return ", ".join(p for p in (signer.title, signer.division) if p)


def answers_fill_from_signer(
    *, cert_request: CertificationRequest, signer: PointOfContact, actor: User
) -> AgencyFormAnswers:
    """Write the signer into the agency's answers: the capacity (head or designee), the name,
    the title and division, and, for a designee, the head of the agency (Part 2 Item 4)."""
    answers, _ = AgencyFormAnswers.objects.get_or_create(request=cert_request)
    answers.official_capacity = (
        OfficialCapacity.HEAD if signer.is_agency_head else OfficialCapacity.DESIGNEE
    )
    _set_name(answers, "official", signer.name)
    answers.certifying_official_title = signer_title(signer)[:200]
    if signer.is_agency_head:
        for sub in NAME_FIELDS:
            setattr(answers, f"head_{sub}_name", "")
        answers.head_title = ""
    else:
        heads = agency_heads(signer.agency_id)
        if heads and not _typed_name(answers, "head"):
            _set_name(answers, "head", heads[0].name)
            answers.head_title = heads[0].title[:200]
    answers.updated_by = actor
    answers.save()
    return answers
