"""The response deadline of a request, and in words which rule set it.

Three kinds of date, never confused:
- STATUTE: Minn. Stat. 611A.95 subd. 2, only for an agency the statute binds (subd. 1: a state
  or local law-enforcement agency; `Agency.statute_coverage`). 90 days from the request, 14
  when the victim is in removal proceedings and that was raised with the request (subd. 2(b)).
- POLICY: the agency's own published policy (e.g. Saint Paul Legislative Code 44.06: 30 days
  from receipt by the city agency, 7 when the victim or a qualifying family member is in
  removal proceedings), counted from the agency's own receipt of the request. For a covered
  agency it applies where it falls earlier than the statute's date.
- REQUESTED: for an agency no statute or policy binds, the date the portal asks for an answer
  by (REQUESTED_RESPONSE_DAYS, REQUESTED_EXPEDITED_DAYS), in neutral words that cite no law.
The due date is the earliest date that applies; the basis names the rule behind it, and after
a transfer both the statute's date and the receiving agency's own date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from agencies.models import Agency

STATUTE = "statute"
POLICY = "policy"
REQUESTED = "requested"
# The sources that bind the agency: only a decision after one of these dates is "late"
# (statistics), and only the statute's clock is escalated to the statewide coordinator.
BINDING_SOURCES = frozenset({STATUTE, POLICY})
# `CertificationRequest.removal_proceedings_of` (certifications.choices.RemovalOf).
REMOVAL_OF_FAMILY_MEMBER = "family_member"


@dataclass(frozen=True)
class Deadline:
    due_date: datetime.date
    basis: str
    # STATUTE, POLICY or REQUESTED: the rule that set `due_date`.
    source: str


@dataclass(frozen=True)
class DeadlineRule:
    """One date by which an agency is to answer a request."""

    source: str
    days: int
    due_date: datetime.date
    # The day the days are counted from: the first request (statute), the agency's receipt or
    # the later raise of an expedite (policy, requested).
    counted_from: datetime.date
    # Removal proceedings shortened this rule's days.
    expedited: bool = False


@dataclass(frozen=True)
class Clock:
    """What the deadline of one request is computed from."""

    # The first request (the submission): the statute's days count from it.
    requested_on: datetime.date
    # The day the agency now holding the request received it (its submission, or the transfer).
    received_on: datetime.date
    in_removal_proceedings: bool = False
    # Removal proceedings of the victim themself (the statute's expedite), or of a qualifying
    # family member (only local policies expedite then).
    removal_of_victim: bool = True
    # The day the advocate raised removal proceedings after the request; None when raised
    # with it. The statute's 14 days apply only when raised with the request (subd. 2(b)).
    expedite_raised_on: datetime.date | None = None


def days_that_apply(*, statute_days: int, policy_days: int | None) -> tuple[int, bool]:
    """The days an agency has to answer, and whether its own policy set them (both counted
    from the same day). The statute sets the longest time; an agency's own policy applies only
    where it is stricter (shorter). On a tie the statute is named."""
    if policy_days is not None and policy_days < statute_days:
        return policy_days, True
    return statute_days, False


def statute_applies(agency: Agency | None) -> bool:
    """Whether Minn. Stat. 611A.95 subd. 2's deadline binds `agency`: the one place the
    statute is narrowed. Subd. 1 defines a certifying entity as a state or local
    law-enforcement agency; the directory records it per agency (`Agency.statute_coverage`:
    undecided counts as not bound). The due date, the statute's escalation and the cover
    letter's sentences all follow it."""
    return agency is not None and agency.is_covered


def _days(days: int) -> datetime.timedelta:
    return datetime.timedelta(days=days)


def _policy_rule(agency: Agency, clock: Clock) -> DeadlineRule | None:
    """The agency's own policy, counted from its receipt; an expedite raised later is counted
    from the raise, and only where the policy allows a later raise."""
    normal = agency.policy_response_days
    expedited_days = agency.policy_expedited_days
    expedites = (
        clock.in_removal_proceedings
        and expedited_days is not None
        and (clock.removal_of_victim or agency.policy_expedite_family)
    )
    candidates = []
    if expedites and clock.expedite_raised_on is None:
        candidates.append(
            DeadlineRule(
                POLICY,
                expedited_days,
                clock.received_on + _days(expedited_days),
                clock.received_on,
                True,
            )
        )
    else:
        if normal is not None:
            candidates.append(
                DeadlineRule(POLICY, normal, clock.received_on + _days(normal), clock.received_on)
            )
        if expedites and agency.policy_expedite_after_submission:
            start = max(clock.expedite_raised_on, clock.received_on)
            candidates.append(
                DeadlineRule(POLICY, expedited_days, start + _days(expedited_days), start, True)
            )
    return min(candidates, key=lambda r: r.due_date, default=None)


def deadline_rules_for(*, agency: Agency | None, clock: Clock) -> list[DeadlineRule]:
    """The dates that apply to a request, statute first (see the module's docstring)."""
    rules: list[DeadlineRule] = []
    statute_expedite = (
        clock.in_removal_proceedings
        and clock.removal_of_victim
        and clock.expedite_raised_on is None
    )
    if statute_applies(agency):
        days = (
            settings.STATUTE_EXPEDITED_DAYS if statute_expedite else settings.STATUTE_RESPONSE_DAYS
        )
        rules.append(
            DeadlineRule(
                STATUTE,
                days,
                clock.requested_on + _days(days),
                clock.requested_on,
                statute_expedite,
            )
        )
    policy = _policy_rule(agency, clock) if agency is not None else None
    if policy is not None and (not rules or policy.due_date < rules[0].due_date):
        rules.append(policy)
    if not rules:
        expedite = clock.in_removal_proceedings and clock.expedite_raised_on is None
        days = settings.REQUESTED_EXPEDITED_DAYS if expedite else settings.REQUESTED_RESPONSE_DAYS
        rules.append(
            DeadlineRule(
                REQUESTED, days, clock.received_on + _days(days), clock.received_on, expedite
            )
        )
    return rules


def deadline_rules(
    *, requested_on: datetime.date, in_removal_proceedings: bool, agency: Agency | None
) -> list[DeadlineRule]:
    """The dates that apply to a request made (and received) on `requested_on`."""
    clock = Clock(
        requested_on=requested_on,
        received_on=requested_on,
        in_removal_proceedings=in_removal_proceedings,
    )
    return deadline_rules_for(agency=agency, clock=clock)


def _on(day: datetime.date) -> str:
    return f"{day:%B} {day.day}, {day:%Y}"


def _phrase(rule: DeadlineRule, agency: Agency, clock: Clock, *, bound: bool) -> str:
    """One rule in words, naming its source and, where it is not the plain first request,
    the day it is counted from."""
    moved = clock.received_on != clock.requested_on
    if rule.source == STATUTE:
        text = f"Minn. Stat. 611A.95: {rule.days} days"
        if rule.expedited:
            text += ", removal proceedings"
        elif clock.in_removal_proceedings and clock.expedite_raised_on is not None:
            text += (
                f" (removal proceedings raised after the request: the statute's "
                f"{settings.STATUTE_EXPEDITED_DAYS} days apply only when raised with it)"
            )
        elif clock.in_removal_proceedings and not clock.removal_of_victim:
            text += (
                f" (the statute's {settings.STATUTE_EXPEDITED_DAYS} days are for the victim's "
                "own removal proceedings)"
            )
        if moved:
            text += (
                f" from the first request of {_on(clock.requested_on)} (the portal's "
                "advocacy convention: a transfer does not restart the statute's days)"
            )
        return text
    if rule.source == POLICY:
        text = f"{agency.name} policy: {rule.days} days"
    else:
        text = f"Requested response: {rule.days} days"
    if rule.expedited:
        text += ", removal proceedings"
    if rule.expedited and clock.expedite_raised_on is not None:
        text += f" raised on {_on(clock.expedite_raised_on)} (its policy allows a later raise)"
    elif moved:
        text += f" from its receipt on {_on(rule.counted_from)}"
    if rule.source == POLICY:
        text += " (stricter than the statute)" if bound else " (the agency's own published policy)"
    else:
        text += " (the portal's default request; no deadline of the agency's own applies)"
    return text


def compute_deadline(*, agency: Agency, clock: Clock) -> Deadline:
    """Due date, its source and, in words, how it was computed: the earliest of the rules.
    When the agency received the request later than it was made (a transfer), the basis names
    the statute's date from the first request and the agency's own date from its receipt."""
    rules = deadline_rules_for(agency=agency, clock=clock)
    rule = min(rules, key=lambda r: r.due_date)
    bound = statute_applies(agency)
    basis = _phrase(rule, agency, clock, bound=bound)
    moved = clock.received_on != clock.requested_on
    if moved:
        for other in rules:
            if other is not rule:
                also = _phrase(other, agency, clock, bound=bound)
                basis += f"; also {also}, due {_on(other.due_date)}"
        policy = _policy_rule(agency, clock)
        if bound and policy is not None and not any(r.source == POLICY for r in rules):
            # The receiving agency's own policy, counted from its receipt, falls later than the
            # statute's date: shown all the same, so both dates are on the record.
            basis += (
                f"; {agency.name}'s own policy, {policy.days} days from its receipt on "
                f"{_on(policy.counted_from)}, falls later ({_on(policy.due_date)})"
            )
    return Deadline(due_date=rule.due_date, basis=basis, source=rule.source)


def compute_due_date(
    *, requested_on: datetime.date, in_removal_proceedings: bool, agency: Agency
) -> Deadline:
    """The deadline of a request made and received on `requested_on`."""
    clock = Clock(
        requested_on=requested_on,
        received_on=requested_on,
        in_removal_proceedings=in_removal_proceedings,
    )
    return compute_deadline(agency=agency, clock=clock)


def clock_of(cert_request, *, received_on: datetime.date | None = None) -> Clock:
    """The clock of a submitted request, as stored (`received_on` overrides the agency's
    receipt: a transfer)."""
    requested_on = timezone.localdate(cert_request.submitted_at)
    return Clock(
        requested_on=requested_on,
        received_on=received_on or cert_request.received_by_agency_on or requested_on,
        in_removal_proceedings=cert_request.in_removal_proceedings,
        removal_of_victim=cert_request.removal_proceedings_of != REMOVAL_OF_FAMILY_MEMBER,
        expedite_raised_on=cert_request.expedite_raised_on,
    )


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
