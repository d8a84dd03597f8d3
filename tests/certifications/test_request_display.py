"""The one wording of the time left, and the one statute-or-policy rule."""

from __future__ import annotations

import datetime

import pytest

from agencies.selectors import DeadlineRule
from certifications.deadlines import compute_due_date, days_that_apply
from certifications.templatetags.request_display import days_left_class, days_left_text
from tests.factories import AgencyFactory


@pytest.mark.parametrize(
    ("days", "text", "css"),
    [
        (None, "", ""),
        (-2, "2 days overdue", "days-overdue"),
        (-1, "1 day overdue", "days-overdue"),
        (0, "Due today", "days-overdue"),
        (1, "1 day left", "days-soon"),
        (7, "7 days left", "days-soon"),
        (8, "8 days left", ""),
    ],
)
def test_days_left_reads_the_same_everywhere(days, text, css):
    assert days_left_text(days) == text
    assert days_left_class(days) == css


@pytest.mark.parametrize(
    ("statute", "policy", "applies"),
    [(90, None, (90, False)), (90, 30, (30, True)), (14, 14, (14, False)), (14, 21, (14, False))],
)
def test_an_agency_policy_applies_only_where_it_is_stricter(statute, policy, applies):
    assert days_that_apply(statute_days=statute, policy_days=policy) == applies
    rule = DeadlineRule(situation="", statute_days=statute, policy_days=policy)
    assert (rule.applies_days, rule.policy_is_stricter) == applies


@pytest.mark.django_db
def test_the_due_date_names_the_rule_that_set_it():
    saint_paul = AgencyFactory(
        name="Saint Paul Police", policy_response_days=30, policy_expedited_days=7
    )
    day = datetime.date(2026, 3, 2)
    policy = compute_due_date(requested_on=day, in_removal_proceedings=True, agency=saint_paul)
    assert policy.due_date == datetime.date(2026, 3, 9)
    assert policy.basis == (
        "Saint Paul Police policy: 7 days, removal proceedings (stricter than the statute)"
    )
    statute = compute_due_date(
        requested_on=day, in_removal_proceedings=False, agency=AgencyFactory()
    )
    assert statute.due_date == datetime.date(2026, 5, 31)
    assert statute.basis == "Minn. Stat. 611A.95: 90 days"
