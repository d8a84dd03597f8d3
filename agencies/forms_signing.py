"""Forms of the signing records: designations, delegations and DPS trainings. They validate
only; the views call `agencies.signing_services`."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def _helper(form: forms.Form, button: str, *, files: bool = False) -> FormHelper:
    helper = FormHelper(form)
    helper.form_method = "post"
    if files:
        helper.form_enctype = "multipart/form-data"
    helper.add_input(Submit("submit", button, css_class="btn-primary"))
    return helper


def _not_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    return value


DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
FILE_HELP = _(
    "PDF, JPEG or PNG; stored encrypted, seen only by the agency, DPS and administrators."
)


class DesignationForm(forms.Form):
    contact = forms.TypedChoiceField(label=_("Point of contact to designate"), coerce=int)
    designated_on = forms.DateField(label=_("Date of the designation"), widget=DATE_WIDGET)
    letter = forms.FileField(
        label=_("Designation letter (optional)"), required=False, help_text=FILE_HELP
    )

    def __init__(self, *args, contacts: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].choices = [("", _("Choose a contact")), *contacts]
        self.helper = _helper(self, _("Designate"), files=True)

    def clean_designated_on(self):
        return _not_future(self.cleaned_data["designated_on"])


class DelegationForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Agency"), coerce=int)
    signed_by = forms.CharField(
        label=_("Signed by (the head of the agency: name and title)"), max_length=200
    )
    signed_on = forms.DateField(label=_("Date signed"), widget=DATE_WIDGET)
    document = forms.FileField(label=_("The signed delegation"), help_text=FILE_HELP)

    def __init__(self, *args, agencies: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("Choose the agency")), *agencies]
        self.helper = _helper(self, _("Record the delegation"), files=True)

    def clean_signed_on(self):
        return _not_future(self.cleaned_data["signed_on"])


class DpsTrainingForm(forms.Form):
    """The contacts are the checked rows of the page's table (`contacts`), read by the view."""

    date = forms.DateField(label=_("Date of the training"), widget=DATE_WIDGET)
    topic = forms.CharField(label=_("Topic"), max_length=200)

    def clean_date(self):
        return _not_future(self.cleaned_data["date"])
