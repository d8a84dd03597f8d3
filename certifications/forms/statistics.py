"""Forms of the statistics pages and exports: the period, the year, the agency-name filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# The longest period a page or export covers.
MAX_PERIOD_DAYS = 366 * 5


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end date must be on or after the start date."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("start", _("Choose a period of at most five years."))
        return cleaned


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class AgencyFilterForm(forms.Form):
    agency = forms.CharField(label=_("Agency name contains"), max_length=100, required=False)
