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

from ..choices import CoordinationKind, DenialReason, Recommendation
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


def _add_signer_fields(
    form: forms.Form, signers: list[tuple[int, str]], units: list[tuple[int, str]]
) -> None:
    """The signer, chosen from the agency's head and designated officials (8 CFR
    214.14(a)(3)); for the coordinator's own requests, the DPS unit responsible for the case."""
    form.fields["signer"].choices = [("", "Choose who signs"), *signers]
    if units:
        form.fields["responsible_unit"] = forms.TypedChoiceField(
            label="DPS unit that detected, investigated or prosecuted the crime",
            coerce=int,
            choices=[("", "Choose the unit"), *units],
            help_text=(
                "The coordinator decides only where DPS or one of its divisions had "
                "responsibility for the case; otherwise re-route it to the agency that did."
            ),
        )


class SignerField(forms.TypedChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            label="Signed by",
            coerce=int,
            help_text=(
                "The head of the agency or an official the head designated "
                "(8 CFR 214.14(a)(3)); the form's certifying-official part is filled from it."
            ),
            **kwargs,
        )


class CertifyForm(ActionForm):
    id_prefix = "certify"
    signer = SignerField()
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

    def __init__(
        self,
        *args,
        signers: list[tuple[int, str]] = (),
        units: list[tuple[int, str]] = (),
        action: str = "",
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        _add_signer_fields(self, list(signers), list(units))
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
    signer = SignerField()

    def __init__(
        self,
        *args,
        signers: list[tuple[int, str]] = (),
        units: list[tuple[int, str]] = (),
        action: str = "",
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        _add_signer_fields(self, list(signers), list(units))
        self.helper = _helper(self, action, "Deny the request", "btn-danger")


class RecommendForm(ActionForm):
    """A contact who may not sign prepares the decision and recommends it."""

    id_prefix = "recommend"
    recommendation = forms.ChoiceField(
        label="You recommend",
        choices=[("", "Choose"), *Recommendation.choices],
    )
    note = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="For the official who signs; the advocate does not see it.",
    )

    def __init__(self, *args, action: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(self, action, "Record recommendation", "btn-outline-primary")


class CoordinateForm(ActionForm):
    """What the statewide coordinator did on a request that stays with its agency."""

    id_prefix = "coordinate"
    kind = forms.ChoiceField(
        label="What was done", choices=[("", "Choose"), *CoordinationKind.choices]
    )
    note = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=(
            "On the agency's timeline. The request, its deadline and its statistics stay "
            "with the agency."
        ),
    )

    def __init__(self, *args, action: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(self, action, "Record", "btn-outline-primary")


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
