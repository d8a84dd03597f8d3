"""Reconsiderations and their outcomes (models.links: a request linked to a denied one as a
reconsideration), counted in the database for a period, statewide or for one agency.

Definitions, on the same calendar as `figures` (local dates, periods inclusive):
- asked: reconsideration requests submitted during the period;
- certified / denied: reconsideration requests decided during the period (`decided_at`);
- withdrawn: reconsideration requests withdrawn during the period (`closed_at`);
- pending: submitted on or before the period's last day and not closed by its end.
Ids, statuses and dates only: no victim data is read.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from agencies.models import Agency

from ..choices import Status
from ..models import CertificationRequest, LinkKind
from .figures import _day_start, _in_period


@dataclass(frozen=True)
class ReconsiderationFigures:
    asked: int = 0
    certified: int = 0
    denied: int = 0
    withdrawn: int = 0
    pending: int = 0


def reconsideration_figures(
    *, start: datetime.date, end: datetime.date, agency: Agency | None = None
) -> ReconsiderationFigures:
    """The period's reconsiderations (of `agency`, or statewide), in one query."""
    queryset = CertificationRequest.objects.filter(
        links_to_earlier__kind=LinkKind.RECONSIDERATION, submitted_at__isnull=False
    )
    if agency is not None:
        queryset = queryset.filter(agency=agency)
    after_end = _day_start(end + datetime.timedelta(days=1))
    row = queryset.aggregate(
        asked=Count("pk", filter=_in_period("submitted_at", start, end), distinct=True),
        certified=Count(
            "pk",
            filter=Q(status=Status.CERTIFIED) & _in_period("decided_at", start, end),
            distinct=True,
        ),
        denied=Count(
            "pk",
            filter=Q(status=Status.DENIED) & _in_period("decided_at", start, end),
            distinct=True,
        ),
        withdrawn=Count(
            "pk",
            filter=Q(status=Status.WITHDRAWN) & _in_period("closed_at", start, end),
            distinct=True,
        ),
        pending=Count(
            "pk",
            filter=Q(submitted_at__lt=after_end)
            & (Q(closed_at__isnull=True) | Q(closed_at__gte=after_end)),
            distinct=True,
        ),
    )
    return ReconsiderationFigures(**row)
