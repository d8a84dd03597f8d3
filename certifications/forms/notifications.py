"""The advocate's "petition filed" form (it stops the expiry reminders)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PetitionFiledForm(forms.Form):
    filed_on = forms.DateField(
        label=_("Date the petition was filed with USCIS"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Marking the petition as filed stops the expiry reminders."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Mark petition filed")))

    def clean_filed_on(self):
        filed_on = self.cleaned_data["filed_on"]
        if filed_on > timezone.localdate():
            raise forms.ValidationError(_("The filing date cannot be in the future."))
        return filed_on
