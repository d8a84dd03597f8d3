"""Forms of the case file: the further report numbers (intake), the agency's archived-records
mark and the signed original's way back, the advocate's receipt, and messages with files.
They validate and normalise; the views call `services.casefile` and `services.messages`."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

from ..models import ReturnMethod
from ..text import TextSafeFormMixin
from .advocate import MultipleFileField
from .intake import DateInput
from .review import ActionForm, _helper


class ReportNumberForm(TextSafeFormMixin, forms.Form):
    """One further report or case number and the agency that gave it: a directory agency, or
    its name when it is not in the directory (a federal agency, a court)."""

    # "Other number", not "Report or case number": the step's own field (the asked agency's)
    # keeps that label alone.
    number = forms.CharField(label=_("Other number"), max_length=100, required=False)
    agency = forms.ChoiceField(label=_("Agency (from the directory)"), required=False)
    agency_name = forms.CharField(label=_("or the agency's name"), max_length=200, required=False)

    def __init__(self, *args, agencies: dict[str, Agency] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._agencies = agencies or {}
        self.fields["agency"].choices = [("", _("Not in the directory"))] + [
            (pk, a.name) for pk, a in self._agencies.items()
        ]

    def clean_agency(self) -> Agency | None:
        value = self.cleaned_data.get("agency")
        return self._agencies.get(str(value)) if value else None

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("number", "").strip()
        named = cleaned.get("agency") is not None or cleaned.get("agency_name", "").strip()
        if number and not named:
            self.add_error("agency_name", _("Say which agency gave this number."))
        if named and not number and "number" not in self.errors:
            self.add_error("number", _("Enter the number, or clear the agency."))
        cleaned["number"] = number
        return cleaned


ReportNumberFormSet = forms.formset_factory(ReportNumberForm, extra=2, max_num=20)


def report_number_agencies() -> dict[str, Agency]:
    """The directory's active agencies by id, read once for every row of the formset."""
    return {str(a.pk): a for a in Agency.objects.active().order_by("name").only("pk", "name")}


def report_number_formset(data=None, *, cert_request=None) -> forms.BaseFormSet:
    initial = None
    if data is None and cert_request is not None:
        initial = [
            {"number": r.number, "agency": r.agency_id or "", "agency_name": r.agency_name}
            for r in cert_request.report_numbers.order_by("id")
        ]
    return ReportNumberFormSet(
        data,
        prefix="numbers",
        initial=initial,
        form_kwargs={"agencies": report_number_agencies()},
    )


def report_numbers_from(formset) -> list[dict]:
    return [
        {
            "agency": f.cleaned_data.get("agency"),
            "agency_name": ""
            if f.cleaned_data.get("agency")
            else f.cleaned_data.get("agency_name", "").strip(),
            "number": f.cleaned_data["number"],
        }
        for f in formset.forms
        if f.cleaned_data.get("number")
    ]


class ArchivedRecordsForm(ActionForm):
    id_prefix = "archived"
    note = forms.CharField(
        label=_("Note to the advocate"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("E.g. where the records are and when you expect them."),
    )

    def __init__(self, *args, action: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            self,
            action,
            _("Records archived: answer as soon as reasonably possible"),
            "btn-outline-secondary",
        )


class SignedOriginalForm(ActionForm):
    id_prefix = "original"
    method = forms.ChoiceField(
        label=_("How does the signed original go back?"),
        choices=ReturnMethod.choices,
        widget=forms.RadioSelect,
    )
    sent_on = forms.DateField(label=_("Sent or handed over on"), widget=DateInput())
    tracking_number = forms.CharField(
        label=_("Tracking number (mail)"), max_length=100, required=False
    )
    scan = forms.FileField(
        label=_("Scan of the signed original (upload)"),
        required=False,
        help_text=_("PDF, JPEG or PNG."),
    )

    def __init__(self, *args, action: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(self, action, _("Record how the original goes back"))
        self.helper.form_enctype = "multipart/form-data"

    def clean_sent_on(self):
        value = self.cleaned_data["sent_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value


class OriginalReceivedForm(ActionForm):
    id_prefix = "received"
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())

    def __init__(self, *args, action: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(self, action, _("Confirm receipt of the original"), "btn-success")

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value


class MessageWithFilesForm(ActionForm):
    """A message with optional files, either direction: the agency's panel (its own label) and
    the advocate's request page."""

    id_prefix = "message"
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    files = MultipleFileField(
        label=_("Files (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG; you can choose several."),
    )

    def __init__(self, *args, action: str = "", label: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["body"].label = label
        self.helper = _helper(self, action, _("Send message"), "btn-outline-primary")
        self.helper.form_enctype = "multipart/form-data"
