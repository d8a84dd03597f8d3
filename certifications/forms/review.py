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
from django.utils.translation import gettext_lazy as _

from ..choices import (
    CoordinationKind,
    DenialReason,
    FormType,
    Recommendation,
    denial_reason_choices,
)
from ..models.records import WithdrawalKind
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
    submit = Submit("submit", button)
    # Crispy's Submit always adds "btn-primary"; beside an outline style that makes the text
    # the colour of its background, so the button's classes are set whole.
    submit.field_classes = f"btn {css}"
    helper.add_input(submit)
    return helper


class RequestInfoForm(ActionForm):
    id_prefix = "info"
    message = forms.CharField(
        label=_("What do you need from the advocate?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("The statute's clock keeps running while you wait for the answer."),
    )

    def __init__(self, *args, action: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(self, action, _("Request information"), "btn-outline-primary")


def _add_signer_fields(
    form: forms.Form, signers: list[tuple[int, str]], units: list[tuple[int, str]]
) -> None:
    """The signer, chosen from the agency's head and designated officials (8 CFR
    214.14(a)(3)); for the coordinator's own requests, the DPS unit responsible for the case."""
    form.fields["signer"].choices = [("", _("Choose who signs")), *signers]
    if units:
        form.fields["responsible_unit"] = forms.TypedChoiceField(
            label=_("DPS unit that detected, investigated or prosecuted the crime"),
            coerce=int,
            choices=[("", _("Choose the unit")), *units],
            help_text=_(
                "The coordinator decides only where DPS or one of its divisions had "
                "responsibility for the case; otherwise re-route it to the agency that did."
            ),
        )


class SignerField(forms.TypedChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            label=_("Signed by"),
            coerce=int,
            help_text=_(
                "The head of the agency or an official the head designated "
                "(8 CFR 214.14(a)(3)); the form's certifying-official part is filled from it."
            ),
            **kwargs,
        )


class CertifyForm(ActionForm):
    id_prefix = "certify"
    signer = SignerField()
    signature_date = forms.DateField(
        label=_("Date of signature"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date the official signed the form in ink."),
    )
    signed_form = forms.FileField(
        label=_("Signed form (optional)"),
        required=False,
        help_text=_("A scan of the signed form: PDF, JPEG or PNG."),
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
        self.helper = _helper(self, action, _("Record certification"), "btn-success")
        self.helper.form_enctype = "multipart/form-data"

    def clean_signature_date(self):
        value = self.cleaned_data["signature_date"]
        if value > timezone.localdate():
            raise ValidationError(_("The date of signature cannot be in the future."))
        return value

    def clean_signed_form(self):
        # The file's content is checked (and virus-scanned, with the verdict audited) by the
        # certification service: a form has no side effects.
        return self.cleaned_data.get("signed_form") or None


NO_CHARGE_CONFIRMATION = _(
    "None of the reasons for this denial is that no one has been charged or convicted, or that "
    "no investigation is open."
)


class DenyForm(ActionForm):
    """The reasons follow the legal elements (`choices.DenialReason`). A refusal of assistance
    names the request and its date; for a T declaration the refusal must also have been
    unreasonable (8 CFR 214.11(h)). The reviewer confirms the Minn. Stat. 611A.95 subd. 2(c)
    rule before the denial is recorded."""

    id_prefix = "deny"
    reason = forms.ChoiceField(label=_("Reason for the denial"))
    request_described = forms.CharField(
        label=_("The request for assistance the victim refused or failed to meet"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("Only for a refusal: what the agency asked the victim to do."),
    )
    request_date = forms.DateField(
        label=_("Date of that request"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
    )
    refusal_unreasonable = forms.BooleanField(
        label=_("The refusal was unreasonable, and the request was reasonable"),
        required=False,
        help_text=_("Form I-914 Supplement B only (8 CFR 214.11(h))."),
    )
    explanation = forms.CharField(
        label=_("Written explanation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Both the reason and this explanation are shown to the advocate."),
    )
    no_charge_basis = forms.BooleanField(
        label=NO_CHARGE_CONFIRMATION,
        required=True,
        help_text=_(
            "Minn. Stat. 611A.95 subd. 2(c): no open investigation, charge or conviction is needed "
            "where the agency initiated an investigation that the victim cooperated with."
        ),
        error_messages={
            "required": _(
                "Confirm that the denial does not rest on the absence of a charge, "
                "a conviction or an open investigation."
            )
        },
    )

    signer = SignerField()

    def __init__(
        self,
        *args,
        signers: list[tuple[int, str]] = (),
        units: list[tuple[int, str]] = (),
        action: str = "",
        form_type: str = FormType.U,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.form_type = form_type
        self.fields["reason"].choices = [("", _("Choose a reason"))] + denial_reason_choices(
            form_type
        )
        if form_type != FormType.T:
            del self.fields["refusal_unreasonable"]
        _add_signer_fields(self, list(signers), list(units))
        self.helper = _helper(self, action, _("Deny the request"), "btn-danger")

    def clean_request_date(self):
        value = self.cleaned_data.get("request_date")
        if value and value > timezone.localdate():
            raise ValidationError(_("The date of the request cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("reason") == DenialReason.REFUSED_ASSISTANCE:
            if not (data.get("request_described") or "").strip():
                self.add_error(
                    "request_described", _("Name the request for assistance that was refused.")
                )
            if not data.get("request_date") and "request_date" not in self.errors:
                self.add_error("request_date", _("Give the date of the request."))
            if self.form_type == FormType.T and not data.get("refusal_unreasonable"):
                self.add_error(
                    "refusal_unreasonable",
                    _(
                        "A T declaration may be denied for a refusal only when the refusal was "
                        "unreasonable; choose another reason otherwise."
                    ),
                )
        return data


class RecommendForm(ActionForm):
    """A contact who may not sign prepares the decision and recommends it."""

    id_prefix = "recommend"
    recommendation = forms.ChoiceField(
        label=_("You recommend"),
        choices=[("", _("Choose")), *Recommendation.choices],
    )
    note = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("For the official who signs; the advocate does not see it."),
    )

    def __init__(self, *args, action: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(self, action, _("Record recommendation"), "btn-outline-primary")


class CoordinateForm(ActionForm):
    """What the statewide coordinator did on a request that stays with its agency."""

    id_prefix = "coordinate"
    kind = forms.ChoiceField(
        label=_("What was done"), choices=[("", _("Choose")), *CoordinationKind.choices]
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_(
            "On the agency's timeline. The request, its deadline and its statistics stay "
            "with the agency."
        ),
    )

    def __init__(self, *args, action: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(self, action, _("Record"), "btn-outline-primary")


class CertificationWithdrawForm(ActionForm):
    """The agency withdraws or disavows a certification it gave (8 CFR 214.14(h)(2))."""

    id_prefix = "withdraw_certification"
    kind = forms.ChoiceField(
        label=_("What the agency records"),
        choices=WithdrawalKind.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Shown to the advocate in the portal; the e-mail carries the reference only."),
    )
    effective_on = forms.DateField(
        label=_("Date of the withdrawal or disavowal"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, action: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(self, action, _("Record the withdrawal"), "btn-danger")

    def clean_effective_on(self):
        value = self.cleaned_data["effective_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value


class MoveForm(ActionForm):
    id_prefix = "move"
    """Transfer (an agency) or re-route (the coordinator) to another agency."""

    agency = forms.TypedChoiceField(label=_("Send to agency"), coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Shown to the advocate and to the receiving agency."),
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
        label=_("Find the agency"),
        max_length=100,
        required=False,
        help_text=_('Part of its name or its city, e.g. "Duluth" or "sheriff".'),
    )


class AssignForm(ActionForm):
    id_prefix = "assign"
    contact = forms.TypedChoiceField(label=_("Assign to"), coerce=int)

    def __init__(self, *args, contacts: list[tuple[int, str]], action: str = "", **kw) -> None:
        super().__init__(*args, **kw)
        self.fields["contact"].choices = list(contacts)
        self.helper = _helper(self, action, _("Assign"), "btn-outline-secondary")
