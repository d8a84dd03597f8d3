"""The response deadline: the earliest of the statute and the agency's own stricter policy."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings

from agencies.models import Agency


@dataclass(frozen=True)
class Deadline:
    due_date: datetime.date
    basis: str


def days_that_apply(*, statute_days: int, policy_days: int | None) -> tuple[int, bool]:
    """The days an agency has to answer, and whether its own policy set them.

    Minn. Stat. 611A.95 subd. 2 sets the longest time; an agency's own policy applies only
    where it is stricter (shorter). On a tie the statute is named.
    """
    if policy_days is not None and policy_days < statute_days:
        return policy_days, True
    return statute_days, False


@dataclass(frozen=True)
class DeadlineRule:
    """One deadline that binds an agency's answer to a request."""

    # STATUTE or POLICY
    source: str
    days: int
    due_date: datetime.date


STATUTE = "statute"
POLICY = "policy"


def statute_applies(agency: Agency | None) -> bool:
    """Whether Minn. Stat. 611A.95 subd. 2's deadline binds `agency`.

    Subd. 1 defines a certifying entity as a state or local law-enforcement agency; until the
    portal keeps that as a per-agency setting (DOMAIN: "keep it a per-agency setting"), the
    statute's days are applied to every agency asked. This is the one place to narrow it: the
    due date and the cover letter's sentence both follow `deadline_rules`.
    """
    return True


def deadline_rules(
    *, requested_on: datetime.date, in_removal_proceedings: bool, agency: Agency | None
) -> list[DeadlineRule]:
    """The deadlines that apply to a request made on `requested_on`, statute first.

    1. Statute (`statute_applies`): Minn. Stat. 611A.95 subd. 2: 90 days from the request, 14
       days when the victim is in removal proceedings (STATUTE_* settings).
    2. The agency's own policy (e.g. Saint Paul: 30 days, 7 in removal proceedings), where it
       is stricter than the statute (`days_that_apply`: on a tie the statute is named), or
       where no statute binds the agency.
    """
    if in_removal_proceedings:
        statute_days = settings.STATUTE_EXPEDITED_DAYS
        policy_days = agency.policy_expedited_days if agency else None
    else:
        statute_days = settings.STATUTE_RESPONSE_DAYS
        policy_days = agency.policy_response_days if agency else None
    rules = []
    binds = statute_applies(agency)
    if binds:
        rules.append(DeadlineRule(STATUTE, statute_days, requested_on + _days(statute_days)))
    if policy_days is not None:
        _, stricter = days_that_apply(statute_days=statute_days, policy_days=policy_days)
        if stricter or not binds:
            rules.append(DeadlineRule(POLICY, policy_days, requested_on + _days(policy_days)))
    return rules


def _days(days: int) -> datetime.timedelta:
    return datetime.timedelta(days=days)


def compute_due_date(
    *, requested_on: datetime.date, in_removal_proceedings: bool, agency: Agency
) -> Deadline:
    """Due date and, in words, how it was computed: the earliest of `deadline_rules`.

    Where no rule binds the agency (no statute, no policy of its own), the statute's days still
    set the portal's clock, and the basis says so.
    """
    suffix = ", removal proceedings" if in_removal_proceedings else ""
    rules = deadline_rules(
        requested_on=requested_on, in_removal_proceedings=in_removal_proceedings, agency=agency
    )
    if not rules:
        days = (
            settings.STATUTE_EXPEDITED_DAYS
            if in_removal_proceedings
            else settings.STATUTE_RESPONSE_DAYS
        )
        return Deadline(
            due_date=requested_on + _days(days),
            basis=f"Portal reminder: {days} days{suffix} (no statutory deadline binds the agency)",
        )
    rule = min(rules, key=lambda r: r.due_date)
    if rule.source == POLICY:
        stricter = " (stricter than the statute)" if len(rules) > 1 else ""
        basis = f"{agency.name} policy: {rule.days} days{suffix}{stricter}"
    else:
        basis = f"Minn. Stat. 611A.95: {rule.days} days{suffix}"
    return Deadline(due_date=rule.due_date, basis=basis)


# The Saint Paul and Minneapolis certification procedures let the agency answer "as soon as
# reasonably possible" when the records are archived off-site (DOMAIN: local ordinances).
ARCHIVED_RECORDS_BASIS = (
    "records archived off-site: the agency answers as soon as reasonably possible"
)


def basis_with_archived_records(basis: str) -> str:
    """The deadline basis with the agency's archived-records mark appended (once). The due
    date is not moved: the statute's days still bind (Minn. Stat. 611A.95 subd. 2)."""
    if ARCHIVED_RECORDS_BASIS in basis:
        return basis
    return f"{basis}; {ARCHIVED_RECORDS_BASIS}" if basis else ARCHIVED_RECORDS_BASIS
