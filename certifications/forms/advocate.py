"""The advocate's forms outside the intake steps: adding an attachment, answering the agency
(text and files), withdrawing a request."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from ..choices import AttachmentKind
from ..text import TextSafeFormMixin


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=[
            (value, label)
            for value, label in AttachmentKind.choices
            if value != AttachmentKind.SIGNED_FORM
        ],
    )
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, JPEG or PNG. Scans and phone photos are fine.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class WithdrawForm(TextSafeFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why is the request withdrawn?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The agency sees this reason."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class ProvideInfoForm(TextSafeFormMixin, forms.Form):
    message = forms.CharField(
        label=_("Your answer to the agency"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
    )
    files = MultipleFileField(
        label=_("Attachments (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG; you can choose several."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
