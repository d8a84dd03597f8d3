"""Forms of the agency's review: they validate and normalise; the views call the services.

Choices that come from the database (agencies, contacts) are passed in as lists the view
already loaded, so rendering a form never runs a query from the template.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from ..choices import DenialReason
from ..text import TextSafeFormMixin


class ActionForm(TextSafeFormMixin, forms.Form):
    """Several action forms share one page: distinct element ids keep labels unambiguous
    (WCAG 4.1.1); the field names stay plain. Text is stored in NFC without bidirectional
    controls (`text.TextSafeFormMixin`)."""

    id_prefix = "action"

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def _helper(form: forms.Form, action: str, button: str, css: str = "btn-primary") -> FormHelper:
    helper = FormHelper(form)
    helper.form_method = "post"
    helper.form_action = action
    helper.add_input(Submit("submit", button, css_class=css))
    return helper


class RequestInfoForm(ActionForm):
    id_prefix = "info"
    message = forms.CharField(
        label="What do you need from the advocate?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="The statute's clock keeps running while you wait for the answer.",
    )

    def __init__(self, *args, action: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(self, action, "Request information", "btn-outline-primary")


class CertifyForm(ActionForm):
    id_prefix = "certify"
    official_name = forms.CharField(label="Certifying official's name", max_length=200)
    official_title = forms.CharField(label="Title and division or office", max_length=200)
    signature_date = forms.DateField(
        label="Date of signature",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The date the official signed the form in ink.",
    )
    signed_form = forms.FileField(
        label="Signed form (optional)",
        required=False,
        help_text="A scan of the signed form: PDF, JPEG or PNG.",
    )

    def __init__(self, *args, action: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(self, action, "Record certification", "btn-success")
        self.helper.form_enctype = "multipart/form-data"

    def clean_signature_date(self):
        value = self.cleaned_data["signature_date"]
        if value > timezone.localdate():
            raise ValidationError("The date of signature cannot be in the future.")
        return value

    def clean_signed_form(self):
        # The file's content is checked (and virus-scanned, with the verdict audited) by the
        # certification service: a form has no side effects.
        return self.cleaned_data.get("signed_form") or None


class DenyForm(ActionForm):
    id_prefix = "deny"
    reason = forms.ChoiceField(
        label="Reason for the denial",
        choices=[("", "Choose a reason")] + list(DenialReason.choices),
    )
    explanation = forms.CharField(
        label="Written explanation",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="Both the reason and this explanation are shown to the advocate.",
    )

    def __init__(self, *args, action: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(self, action, "Deny the request", "btn-danger")


class MoveForm(ActionForm):
    id_prefix = "move"
    """Transfer (an agency) or re-route (the coordinator) to another agency."""

    agency = forms.TypedChoiceField(label="Send to agency", coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Shown to the advocate and to the receiving agency.",
    )

    def __init__(
        self, *args, agencies: list[tuple[int, str]], action: str = "", button: str = "", **kw
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["agency"].choices = list(agencies)
        self.helper = _helper(self, action, button or "Transfer", "btn-primary")


class AgencySearchForm(forms.Form):
    """Find the receiving agency by part of its name or city (the directory holds about a
    thousand agencies statewide: a search, not one long list)."""

    q = forms.CharField(
        label="Find the agency",
        max_length=100,
        required=False,
        help_text='Part of its name or its city, e.g. "Duluth" or "sheriff".',
    )


class AssignForm(ActionForm):
    id_prefix = "assign"
    contact = forms.TypedChoiceField(label="Assign to", coerce=int)

    def __init__(self, *args, contacts: list[tuple[int, str]], action: str = "", **kw) -> None:
        super().__init__(*args, **kw)
        self.fields["contact"].choices = list(contacts)
        self.helper = _helper(self, action, "Assign", "btn-outline-secondary")
