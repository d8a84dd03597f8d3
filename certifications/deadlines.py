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


def compute_due_date(
    *, requested_on: datetime.date, in_removal_proceedings: bool, agency: Agency
) -> Deadline:
    """Due date and, in words, how it was computed.

    1. Statute: Minn. Stat. 611A.95 subd. 2: 90 days from the request, 14 days when the victim
       is in removal proceedings and that was raised with the request (STATUTE_* settings).
    2. Agency policy, where the agency has a stricter one (e.g. Saint Paul: 30 days, 7 in
       removal proceedings).
    3. The earlier date wins; on a tie the statute is named (`days_that_apply`).
    """
    if in_removal_proceedings:
        statute_days = settings.STATUTE_EXPEDITED_DAYS
        policy_days = agency.policy_expedited_days
        suffix = ", removal proceedings"
    else:
        statute_days = settings.STATUTE_RESPONSE_DAYS
        policy_days = agency.policy_response_days
        suffix = ""
    days, by_policy = days_that_apply(statute_days=statute_days, policy_days=policy_days)
    if by_policy:
        basis = f"{agency.name} policy: {days} days{suffix} (stricter than the statute)"
    else:
        basis = f"Minn. Stat. 611A.95: {days} days{suffix}"
    return Deadline(due_date=requested_on + datetime.timedelta(days=days), basis=basis)
