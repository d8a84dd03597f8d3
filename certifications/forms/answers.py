"""The agency's answers to Parts 2-6 of the form, item by item as the request's edition has
them (validation only; the view calls `agency_form_answers_update`)."""

from __future__ import annotations

from typing import Any

import phonenumbers
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import Crime, FormType, TraffickingType
from ..documents.inputs import ANSWER_FIELDS
from ..models import FAMILY_ROWS, FAMILY_SUBFIELDS, AgencyFormAnswers
from ..text import TextSafeFormMixin

KEEP = _("Leave blank to keep what the worksheet shows")
SUBFIELD_LABELS = {
    "family": _("Family name (last name)"),
    "given": _("Given name (first name)"),
    "middle": _("Middle name"),
    "relationship": _("Relationship to the victim"),
    "involvement": _("Involvement in the criminal activity"),
}

# The fields that answer each item the agency or its certifying official answers in Parts 2-6
# (item keys of the edition structures). The signature is given in ink on the official form.
ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "agency.name": ("agency_name",),
    "official.name": (
        "official_capacity",
        "official_family_name",
        "official_given_name",
        "official_middle_name",
    ),
    "official.title_division": ("certifying_official_title",),
    "agency.head_name": ("head_family_name", "head_given_name", "head_middle_name", "head_title"),
    "agency.address": (
        "address_street",
        "address_unit",
        "address_city",
        "address_state",
        "address_zip_code",
    ),
    "agency.type": ("agency_type",),
    "case.status": ("case_status",),
    "case.status_other": ("case_status_other",),
    "agency.category": ("agency_category",),
    "agency.category_other": ("agency_category_other",),
    "case.number": ("case_number",),
    "case.fbi_sid": ("fbi_sid_number",),
    "crime.activities": ("crimes",),
    "trafficking.types": ("trafficking_types",),
    "crime.dates": ("crime_date_1", "crime_date_2", "crime_date_3", "crime_date_4"),
    "crime.citations": ("statutes_cited",),
    "crime.in_us": ("occurred_in_us",),
    "crime.in_us_explanation": ("crime_location",),
    "crime.extraterritorial": ("extraterritorial",),
    "crime.extraterritorial_citation": ("extraterritorial_citation",),
    "crime.description": ("activity_description",),
    "crime.injury": ("known_injuries",),
    "helpful.possesses_information": ("possesses_information",),
    "helpful.has_been_helpful": ("has_been_helpful",),
    "helpful.refused": ("refused_assistance",),
    "helpful.refusal_explanation": ("refusal_explanation",),
    "helpful.description": ("helpfulness_explanation",),
    "family.implicated": ("family_implicated",),
    **{
        f"family.member_{n}": tuple(f"family_{n}_{sub}" for sub in FAMILY_SUBFIELDS)
        for n in range(1, FAMILY_ROWS + 1)
    },
    "certification.date": ("signature_date",),
    "certification.phone": ("agency_phone",),
    "certification.fax": ("agency_fax",),
}
NOT_IN_THE_FORM = frozenset({"certification.signature", "additional.information"})
DATE_FIELDS = ("crime_date_1", "crime_date_2", "crime_date_3", "crime_date_4", "signature_date")
PHONE_FIELDS = ("agency_phone", "agency_fax")
# An answer that makes another item required (the form's "If you answered ..." items).
REQUIRED_IF: tuple[tuple[str, str, str, str], ...] = (
    ("case_status", "other", "case_status_other", _("Describe the case status.")),
    ("agency_category", "other", "agency_category_other", _("Say which category it is.")),
    ("occurred_in_us", "no", "crime_location", _("Say where the criminal activity occurred.")),
    (
        "extraterritorial",
        "yes",
        "extraterritorial_citation",
        _("Give the statute providing extraterritorial jurisdiction."),
    ),
    ("refused_assistance", "yes", "refusal_explanation", _("Explain the refusal or failure.")),
    ("official_capacity", "designee", "head_family_name", _("Name the head of the agency.")),
    ("official_capacity", "designee", "head_given_name", _("Name the head of the agency.")),
    ("official_capacity", "designee", "head_title", _("Give the head of the agency's title.")),
)


def _phone(value: str) -> str:
    """A US or international number, written as USCIS's form shows it (digits, national
    format for US numbers). Raises ValidationError for anything else."""
    try:
        number = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(
            _("Enter a phone number with its area code, for example 651-555-0100.")
        )
    if number.country_code == 1:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class AgencyFormAnswersForm(TextSafeFormMixin, forms.ModelForm):
    crimes = forms.MultipleChoiceField(
        choices=Crime.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    trafficking_types = forms.MultipleChoiceField(
        choices=TraffickingType.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = AgencyFormAnswers
        fields = list(ANSWER_FIELDS)
        widgets = {
            "activity_description": forms.Textarea(attrs={"rows": 4}),
            "known_injuries": forms.Textarea(attrs={"rows": 2}),
            "helpfulness_explanation": forms.Textarea(attrs={"rows": 3}),
            "refusal_explanation": forms.Textarea(attrs={"rows": 2}),
            **{name: forms.DateInput(attrs={"type": "date"}) for name in DATE_FIELDS},
        }

    def __init__(
        self,
        *args: Any,
        form_type: str,
        structure: dict[str, Any],
        hints: dict[str, str],
        requested: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.form_type = form_type
        parts = [
            part
            for part in structure.get("parts", [])
            if 2 <= part["number"] <= 6
            and any(i["answered_by"] in ("agency", "official") for i in part["items"])
        ]
        self.items = [
            {**item, "part": part["number"]}
            for part in parts
            for item in part["items"]
            if item["answered_by"] in ("agency", "official") and item["key"] in ITEM_FIELDS
        ]
        # Only the items of the request's edition (the T form has no Part 3 Item 4, ...).
        wanted = {name for item in self.items for name in ITEM_FIELDS[item["key"]]}
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        for item in self.items:
            self._label(item)
        for item in self.items:
            # The boxes and their words are the edition's (no "Unknown" box on a yes/no item).
            names = ITEM_FIELDS[item["key"]]
            if item.get("options") and len(names) == 1:
                options = [(o["value"], o["label"]) for o in item["options"]]
                field = self.fields[names[0]]
                multiple = isinstance(field, forms.MultipleChoiceField)
                field.choices = options if multiple else [("", _("Not answered yet")), *options]
        if "official_capacity" in self.fields:
            choices = list(self.fields["official_capacity"].choices)[1:]
            self.fields["official_capacity"].choices = [("", _("Not answered yet")), *choices]
        for name, hint in hints.items():
            if name in self.fields:
                self.fields[name].help_text = _("%(keep)s: %(hint)s") % {"keep": KEEP, "hint": hint}
        # Part 3, Item 1 starts from the advocate's boxes until the agency changes them.
        crimes_field = "trafficking_types" if form_type == FormType.T else "crimes"
        if crimes_field in self.fields and (
            self.instance.pk is None or getattr(self.instance, crimes_field) is None
        ):
            self.initial[crimes_field] = list(requested)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            HTML(
                _(
                    "<p>These answers are the agency's own: the worksheet and the official form "
                    "show them, and they never change the advocate's request. Items the "
                    "certifying official decides stay empty on the worksheet until answered here. "
                    "You may save a part now and finish later.</p>"
                )
            ),
            *(
                Fieldset(
                    _("Part %(number)s. %(title)s") % part,
                    *(
                        name
                        for item in self.items
                        if item["part"] == part["number"]
                        for name in ITEM_FIELDS[item["key"]]
                    ),
                )
                for part in parts
            ),
            Submit("save", _("Save the answers")),
        )

    def _label(self, item: dict[str, Any]) -> None:
        """Label each field with its item's number and the edition's own words."""
        head = _("Part %(part)s, Item %(number)s. %(label)s") % item
        names = ITEM_FIELDS[item["key"]]
        if len(names) == 1:
            self.fields[names[0]].label = head
            return
        for name in names:
            field = self.fields[name]
            if name == "official_capacity":
                field.label = _("%(item)s: the certifying official signs as") % {"item": head}
            elif name == "head_title":
                field.label = _("Title of the head of the agency (if the official is a designee)")
            elif name.startswith("crime_date_"):
                field.label = _("%(item)s: date %(n)s") % {"item": head, "n": name[-1]}
            elif name.startswith("family_"):
                field.label = f"{head}: {SUBFIELD_LABELS[name.split('_', 2)[2]]}"
            elif name.endswith("_name"):
                field.label = f"{head}: {SUBFIELD_LABELS[name.split('_')[-2]]}"
            else:
                field.label = f"{head}: {field.label}"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        today = timezone.localdate()
        for name in DATE_FIELDS:
            value = data.get(name)
            if value is not None and value > today:
                self.add_error(name, _("This date is in the future. Enter the date it happened."))
        for name in PHONE_FIELDS:
            if data.get(name):
                try:
                    data[name] = _phone(data[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        for trigger, value, required, message in REQUIRED_IF:
            if required in self.fields and data.get(trigger) == value and not data.get(required):
                self.add_error(required, message)
        if data.get("official_capacity") and not (
            data.get("official_family_name") and data.get("official_given_name")
        ):
            for name in ("official_family_name", "official_given_name"):
                if not data.get(name):
                    self.add_error(name, _("Enter the certifying official's name."))
        for n in range(1, FAMILY_ROWS + 1):
            row = {sub: data.get(f"family_{n}_{sub}") for sub in FAMILY_SUBFIELDS}
            if any(row.values()) and not (row["family"] and row["relationship"]):
                for sub in ("family", "relationship"):
                    if not row[sub]:
                        self.add_error(
                            f"family_{n}_{sub}",
                            _("A family member needs a family name and a relationship."),
                        )
        return data
