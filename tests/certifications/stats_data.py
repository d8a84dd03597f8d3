"""A known data set for the statistics tests, with its figures worked out by hand.

Period: 1 Jan 2026 to 30 Jun 2026 (America/Chicago). Every event happens at noon local time.

Agency X (requests held by X at the end):
  r1  submitted 5 Jan,  due 5 Apr,  certified 4 Feb   -> 30 days, on time
  r2  submitted 10 Jan, due 10 Apr, certified 11 Mar  -> 60 days, on time
  r3  submitted 1 Feb (removal proceedings), due 15 Feb, denied "not helpful" 3 Mar
                                                       -> 30 days, LATE
  r4  submitted 10 Feb, due 11 May, withdrawn 1 Mar
  r5  submitted 1 Mar,  due 30 May, in review (pending)
  r6  submitted 10 Dec 2025 (before the period), due 10 Mar, certified 20 Jan
                                                       -> 41 days, on time; not "received"
  r7  submitted 20 Jun, due 18 Sep, certified 5 Jul (after the period) -> pending at 30 Jun
  r11 a draft (never submitted): counts nowhere
Agency Y:
  r8  submitted 15 Jan to X, transferred to Y 25 Jan, due 15 Apr, denied "no information"
                   20 May                            -> 125 days, LATE
  r9  submitted 5 Mar,  due 3 Jun, certified 10 Jun   -> 97 days, LATE
  r10 submitted 1 Apr to X, transferred to Y 3 Apr, withdrawn 20 Apr

By hand:
  X: received 6 (r1 r2 r3 r4 r5 r7), certified 3 (r1 r2 r6), denied 1 (not helpful),
     withdrawn 1, pending 2 (r5 r7), late 1, on time 3 -> 75%; days 30 30 41 60:
     median (30+41)/2 = 35.5, 90th percentile rank ceil(0.9*4)=4 -> 60; transfers 0.
  Y: received 3, certified 1, denied 1 (no information), withdrawn 1, pending 0,
     late 2, on time 0 -> 0%; days 97 125: median 111, 90th rank 2 -> 125; transfers 2.
  Statewide: received 9, certified 4, denied 2, withdrawn 2, pending 2, late 3, on time 3
     -> 50%; days 30 30 41 60 97 125: median (41+60)/2 = 50.5, 90th rank 6 -> 125;
     transfers 2.
  Months   received  certified  denied  withdrawn
   Jan        3         1         0        0
   Feb        2         1         0        0
   Mar        2         1         1        1
   Apr        1         0         0        1
   May        0         0         1        0
   Jun        1         1         0        0
"""

from __future__ import annotations

import datetime
import re
import zoneinfo

import time_machine

from certifications.choices import Action, DenialReason, Status
from certifications.services.core import certification_request_transition

from ..factories import make_request

TZ = zoneinfo.ZoneInfo("America/Chicago")
START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 6, 30)

CANARY = {
    "victim_family_name": "Zanzibarcanary",
    "victim_given_name": "Quetzalcanary",
    "victim_a_number": "A987654321",
    "narrative": "CANARY-NARRATIVE-7731 happened at the river.",
    "victim_date_of_birth": datetime.date(1977, 7, 7),
}


def at(month: int, day: int, year: int = 2026) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, 0, tzinfo=TZ)


def submitted(personas, *, agency, when, due, removal=False, source="statute", **fields):
    """A request submitted to `agency` at `when`, due on `due` (set explicitly: the figures
    must not depend on the deadline rules, which other tests cover) by the rule `source`."""
    request = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        in_removal_proceedings=removal,
        **{**CANARY, **fields},
    )
    with time_machine.travel(when, tick=False):
        return certification_request_transition(
            cert_request=request,
            action=Action.SUBMIT,
            actor=personas.advocate_a,
            updates={
                "agency": agency,
                "submitted_at": when,
                "due_date": due,
                "deadline_source": source,
            },
        )


def act(request, action, when, actor, **updates):
    with time_machine.travel(when, tick=False):
        return certification_request_transition(
            cert_request=request, action=action, actor=actor, updates=updates
        )


def certify(request, when, actor):
    return act(
        request,
        Action.CERTIFY,
        when,
        actor,
        decided_at=when,
        signature_date=when.date(),
        certifying_official_name="Chief Example",
    )


def deny(request, when, actor, reason):
    return act(request, Action.DENY, when, actor, decided_at=when, denial_reason=reason)


def build_known_data_set(personas) -> dict:
    p = personas
    x, y = p.agency_x, p.agency_y
    cx, cy = p.contact_x, p.contact_y
    d = datetime.date
    r = {}
    r[1] = certify(submitted(p, agency=x, when=at(1, 5), due=d(2026, 4, 5)), at(2, 4), cx)
    r[2] = certify(submitted(p, agency=x, when=at(1, 10), due=d(2026, 4, 10)), at(3, 11), cx)
    r[3] = deny(
        submitted(p, agency=x, when=at(2, 1), due=d(2026, 2, 15), removal=True),
        at(3, 3),
        cx,
        DenialReason.NOT_HELPFUL,
    )
    r[4] = act(
        submitted(p, agency=x, when=at(2, 10), due=d(2026, 5, 11)),
        Action.WITHDRAW,
        at(3, 1),
        p.advocate_a,
    )
    r[5] = act(
        submitted(p, agency=x, when=at(3, 1), due=d(2026, 5, 30)),
        Action.START_REVIEW,
        at(3, 2),
        cx,
    )
    r[6] = certify(submitted(p, agency=x, when=at(12, 10, 2025), due=d(2026, 3, 10)), at(1, 20), cx)
    r[7] = certify(submitted(p, agency=x, when=at(6, 20), due=d(2026, 9, 18)), at(7, 5), cx)
    r[8] = submitted(p, agency=x, when=at(1, 15), due=d(2026, 4, 15))
    r[8] = act(r[8], Action.TRANSFER, at(1, 25), cx, agency=y)
    r[8] = deny(r[8], at(5, 20), cy, DenialReason.NO_INFORMATION)
    r[9] = certify(submitted(p, agency=y, when=at(3, 5), due=d(2026, 6, 3)), at(6, 10), cy)
    r[10] = submitted(p, agency=x, when=at(4, 1), due=d(2026, 6, 30))
    r[10] = act(r[10], Action.TRANSFER, at(4, 3), cx, agency=y)
    r[10] = act(r[10], Action.WITHDRAW, at(4, 20), p.advocate_a)
    r[11] = make_request(organization=p.org_a, created_by=p.advocate_a, **CANARY)
    assert r[5].status == Status.IN_REVIEW
    return r


# --- Reading the statistics pages in tests --------------------------------------------------

PERIOD = {"start": START.isoformat(), "end": END.isoformat()}


def page_text(response) -> str:
    """The page's HTML with runs of whitespace collapsed, for plain substring checks."""
    return re.sub(r"\s+", " ", response.content.decode())


def page_figure(html: str, name: str) -> str:
    """The statewide figure shown in `data-figure="<name>"`."""
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1).strip()
