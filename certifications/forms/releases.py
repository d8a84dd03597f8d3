"""The victim's release of information, per receiving agency (VAWA 34 U.S.C. 12291(b)(2),
FVPSA, VOCA: written, informed, time-limited), and the choices of the request's record."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

from ..text import TextSafeFormMixin
from .intake import DateInput


class ReleaseForm(TextSafeFormMixin, forms.Form):
    """The agencies offered are the ones this request goes to or waits for (never the whole
    directory): the agency asked, the request's agency, one a transfer waits for."""

    agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies the release names"),
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    covers_coordinator = forms.BooleanField(
        label=_(
            "The release also covers the statewide coordinator (escalation of an overdue request)"
        ),
        required=False,
        initial=True,
    )
    signed_on = forms.DateField(label=_("Date signed"), widget=DateInput())
    expires_on = forms.DateField(label=_("Expiry date"), widget=DateInput())
    given_by = forms.CharField(
        label=_("Signed by"),
        max_length=200,
        help_text=_("The victim, or who signed on the victim's behalf (parent, guardian)."),
    )
    language = forms.CharField(label=_("Language it was explained in"), max_length=100)
    interpreter_name = forms.CharField(
        label=_("Interpreter's name (when one was used)"), max_length=200, required=False
    )
    document = forms.FileField(
        label=_("Signed release"), help_text=_("PDF, JPEG or PNG of the signed, written release.")
    )

    def __init__(self, *args, agencies: list[Agency], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies])
        if not self.is_bound:
            self.initial.setdefault("agencies", [a.pk for a in agencies])
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class RecordForm(forms.Form):
    include_victim_name = forms.BooleanField(
        label=_("Include the victim's name"), required=False, initial=False
    )
