"""How long a signed certification can be used, per form type: one table, read by the model
(`CertificationRequest.filing_deadline`), the expiry reminders, the pages, letters and e-mails.

- Form I-918 Supplement B (U visa): the petition must be filed within six months of the
  certifying official's signature, 8 CFR 214.14(c)(2)(i). The length is the setting
  CERTIFICATION_VALID_MONTHS (default 6) so that a change of the rule needs no release.
- Form I-914 Supplement B (T visa): optional evidence of the victim's cooperation (8 CFR
  214.11(d)(3)); the regulation sets no window after the signature, so no deadline is shown
  and no expiry reminder is sent.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings

from .choices import FormType


@dataclass(frozen=True)
class ValidityRule:
    form_type: str
    # The setting holding the window's length in months; "" = no window.
    months_setting: str
    source: str
    # How the pages and letters state the rule, beside the date (or alone, without one).
    wording: str

    @property
    def months(self) -> int | None:
        return getattr(settings, self.months_setting) if self.months_setting else None

    @property
    def has_window(self) -> bool:
        return bool(self.months_setting)

    def filing_deadline(self, signature_date: datetime.date | None) -> datetime.date | None:
        if signature_date is None or not self.has_window:
            return None
        return signature_date + relativedelta(months=self.months)


VALIDITY_RULES: dict[str, ValidityRule] = {
    FormType.U: ValidityRule(
        form_type=FormType.U,
        months_setting="CERTIFICATION_VALID_MONTHS",
        source="8 CFR 214.14(c)(2)(i)",
        wording="the petition must be filed within {months} months of the signature",
    ),
    FormType.T: ValidityRule(
        form_type=FormType.T,
        months_setting="",
        source="8 CFR 214.11(d)(3)",
        wording="the declaration is optional evidence and has no filing window after signature",
    ),
}


def validity_rule(form_type: str) -> ValidityRule:
    return VALIDITY_RULES[form_type]


def form_types_with_window() -> list[str]:
    """The form types whose signature starts a filing window (the expiry reminders' filter)."""
    return sorted(ft for ft, rule in VALIDITY_RULES.items() if rule.has_window)


def validity_text(form_type: str) -> str:
    """The rule in words, with its source: "the petition must be filed within 6 months of the
    signature (8 CFR 214.14(c)(2)(i))"."""
    rule = validity_rule(form_type)
    return f"{rule.wording.format(months=rule.months)} ({rule.source})"
