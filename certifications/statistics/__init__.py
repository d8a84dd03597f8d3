"""Transparency figures: who certifies, how often and how fast, per agency and statewide.

Everything here is aggregated in the database; no function loops over request rows in Python
(the loops run over agencies, months or a handful of percentile rows). No victim data is read:
only status, dates, agency, denial-reason category and transfer events.

- `figures`: the figures of a period (per agency, statewide, per month);
- `suppression` and `public`: the public form, small counts hidden;
- `snapshot_json`: the figures stored in a snapshot and read back;
- `selectors`: the snapshots the pages and charts read
  (`certifications.services.statistics` computes them).

Definitions (the same ones the pages, the CSV and the annual report print):
- received: submitted (to the portal) during the period;
- certified / denied: decided during the period (`decided_at`), denied split by reason category;
- withdrawn: withdrawn during the period (`closed_at`);
- pending: submitted on or before the last day of the period and not closed by its end;
- decided late: decided (certified or denied) during the period after a due date that binds
  the agency: Minn. Stat. 611A.95's 90/14 days (covered agencies) or the agency's own policy;
  a decision after a requested date (an agency nothing binds) is not late;
- days to decision: calendar days from submission to decision, decided during the period;
- transfers: transfer and re-route events during the period on requests now at the agency
  (a transferred request counts at the agency that holds it now: that is who must answer).
Dates are local calendar dates (TIME_ZONE), periods are inclusive.
"""

from .figures import (
    AgencyFigures,
    Figures,
    MonthFigures,
    Report,
    agency_figures,
    default_period,
    statistics_report,
)
from .public import Cell, PublicMonth, PublicReport, PublicRow, public_report

__all__ = [
    "AgencyFigures",
    "Cell",
    "Figures",
    "MonthFigures",
    "PublicMonth",
    "PublicReport",
    "PublicRow",
    "Report",
    "agency_figures",
    "default_period",
    "public_report",
    "statistics_report",
]
