"""The language of the letter to the victim (the advocate may choose another than the one the
request records, e.g. when the victim reads English better)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..documents.victim_letter import LETTER_LANGUAGES


def _choices() -> list[tuple[str, str]]:
    names = dict(settings.LANGUAGES)
    return [(code, names.get(code, code)) for code in LETTER_LANGUAGES]


class VictimLetterLanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the letter"), choices=_choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The page wraps it in one form with two buttons: preview and download.
        self.helper.form_tag = False
        self.helper.disable_csrf = True
