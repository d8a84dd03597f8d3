"""Forms of the requests that follow from another (services.links): they validate and
normalise; the views call the services. Database choices are passed in by the view."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from ..choices import FormType
from ..models import RecertificationReason
from ..text import TextSafeFormMixin
from .advocate import MultipleFileField


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class NewSignatureForm(TextSafeFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is a new signature needed?"),
        choices=RecertificationReason.choices,
        widget=forms.RadioSelect,
    )
    attachments = forms.TypedMultipleChoiceField(
        label=_("Files to copy to the new request"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each ticked file is copied as a new file of the new request."),
    )

    def __init__(
        self, *args, attachments: list[tuple[int, str]], form_type: str = FormType.U, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].choices = attachments
        if form_type == FormType.T:
            # The I-914 Supplement B has no filing window (certifications.validity), and a T
            # declaration on the same facts is what this request already is.
            skipped = {RecertificationReason.WINDOW_EXPIRED, RecertificationReason.T_DECLARATION}
            self.fields["reason"].choices = [
                c for c in RecertificationReason.choices if c[0] not in skipped
            ]
        self.helper = _helper()


class ReconsiderationForm(TextSafeFormMixin, forms.Form):
    new_information = forms.CharField(
        label=_("What is new since the denial?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text=_("The agency reads this first, beside the request as it was denied."),
    )
    files = MultipleFileField(
        label=_("New documents (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG; you can choose several."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class AnotherCertifierForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Agency to ask"), coerce=int)

    def __init__(self, *args, agencies: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = agencies
        self.helper = _helper()


class CorrectionForm(TextSafeFormMixin, forms.Form):
    """What the signed form does not state (services.links.CORRECTABLE_FIELDS)."""

    contact_details = forms.CharField(
        label=_("Contact details for this request"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    internal_notes = forms.CharField(
        label=_("Internal notes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        required=False,
    )
    reason = forms.CharField(
        label=_("Why is this corrected?"),
        max_length=500,
        help_text=_("Recorded on the request's timeline with the names of the fields changed."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class FamilyLinkForm(forms.Form):
    other = forms.TypedChoiceField(
        label=_("Another victim's request for this incident"), coerce=int
    )

    def __init__(self, *args, candidates: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other"].choices = candidates
        self.helper = _helper()


class OtherAgencyForm(forms.Form):
    """ "Also request from another agency": the agency, and what of this request to copy."""

    agency = forms.TypedChoiceField(label=_("Agency to ask as well"), coerce=int)
    groups = forms.MultipleChoiceField(
        label=_("Data to copy to the new request"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What you untick stays empty in the new draft, for you to fill or leave out."),
    )
    attachments = forms.TypedMultipleChoiceField(
        label=_("Files to copy to the new request"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Each ticked file is copied as a new file of the new request. A release "
            "naming the agency you choose goes with it; otherwise you attach one next."
        ),
    )

    def __init__(
        self,
        *args,
        agencies: list[tuple[int, str]],
        groups: list[tuple[str, str]],
        attachments: list[tuple[int, str]],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = agencies
        self.fields["groups"].choices = groups
        self.fields["attachments"].choices = attachments
        if not self.is_bound:
            self.initial.setdefault("groups", [value for value, _ in groups])
            self.initial.setdefault("attachments", [value for value, _ in attachments])
        if not attachments:
            del self.fields["attachments"]
        self.helper = _helper()
