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


def compute_due_date(
    *, requested_on: datetime.date, in_removal_proceedings: bool, agency: Agency
) -> Deadline:
    """Due date and, in words, how it was computed.

    1. Statute: Minn. Stat. 611A.95 subd. 2: 90 days from the request, 14 days when the victim
       is in removal proceedings and that was raised with the request (STATUTE_* settings).
    2. Agency policy, where the agency has a stricter one (e.g. Saint Paul: 30 days, 7 in
       removal proceedings).
    3. The earlier date wins; on a tie the statute is named.
    """
    if in_removal_proceedings:
        statute_days = settings.STATUTE_EXPEDITED_DAYS
        statute_basis = f"Minn. Stat. 611A.95: {statute_days} days, removal proceedings"
        policy_days = agency.policy_expedited_days
    else:
        statute_days = settings.STATUTE_RESPONSE_DAYS
        statute_basis = f"Minn. Stat. 611A.95: {statute_days} days"
        policy_days = agency.policy_response_days
    due = requested_on + datetime.timedelta(days=statute_days)
    basis = statute_basis
    if policy_days is not None and policy_days < statute_days:
        due = requested_on + datetime.timedelta(days=policy_days)
        suffix = ", removal proceedings" if in_removal_proceedings else ""
        basis = f"{agency.name} policy: {policy_days} days{suffix} (stricter than the statute)"
    return Deadline(due_date=due, basis=basis)
