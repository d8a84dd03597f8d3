"""Removal proceedings raised after the request (Minn. Stat. 611A.95 subd. 2(b); Saint Paul
Legislative Code 44.06 and Minneapolis for a qualifying family member)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from ..choices import RemovalOf


class RaiseExpediteForm(forms.Form):
    removal_of = forms.ChoiceField(
        label=_("Who is in removal proceedings?"),
        choices=RemovalOf.choices,
        widget=forms.RadioSelect,
    )
    notice_to_appear = forms.FileField(
        label=_("Notice to Appear or other proof"),
        help_text=_(
            "Kept with your organization: the agency sees that removal proceedings are "
            "flagged, never the proof."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
