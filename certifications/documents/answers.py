"""The agency contact's corrections to Parts 2-4 of the draft (validation only; the view calls
`agency_form_answers_update`)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms

from ..choices import Crime, FormType, TraffickingType, YesNoUnknown
from ..models import AgencyFormAnswers
from ..text import TextSafeFormMixin
from .inputs import ANSWER_FIELDS

KEEP = "Leave blank to keep what the draft shows"


class AgencyFormAnswersForm(TextSafeFormMixin, forms.ModelForm):
    crimes = forms.MultipleChoiceField(
        label="Qualifying criminal activity (Part 3, Item 1)",
        choices=Crime.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    trafficking_types = forms.MultipleChoiceField(
        label="Severe form of trafficking (Part 3, Item 1)",
        choices=TraffickingType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = AgencyFormAnswers
        # One list of the agency-side items, shared with the draft inputs.
        fields = list(ANSWER_FIELDS)
        widgets = {
            "activity_description": forms.Textarea(attrs={"rows": 4}),
            "known_injuries": forms.Textarea(attrs={"rows": 2}),
            "helpfulness_explanation": forms.Textarea(attrs={"rows": 3}),
            "refusal_explanation": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, form_type: str, hints: dict[str, str], requested: list[str], **kw):
        super().__init__(*args, **kw)
        self.form_type = form_type
        labels = {
            "agency_name": "Name of the certifying agency (Part 2, Item 1)",
            "certifying_official_name": "Certifying official's name (Part 2, Item 2)",
            "certifying_official_title": "Title (Part 2, Item 3)",
            "division_office": "Division or office (Part 2, Item 4)",
            "head_of_agency_name": "Head of the agency, if the official is a designee (Item 5)",
            "agency_address": "Agency address (Part 2, Item 6)",
            "agency_phone": "Phone (Part 2, Item 7)",
            "agency_fax": "Fax (Part 2, Item 8)",
            "agency_email": "E-mail (Part 2, Item 9)",
            "agency_type": "Agency type (Part 2, Item 10)",
            "agency_category": "Agency category (Part 2, Item 11)",
            "agency_category_other": "If other, which category",
            "case_status": "Case status (Part 2, Item 12)",
            "case_status_other": "If other, describe the status",
            "case_number": "Case number (Part 2, Item 13)",
            "fbi_sid_number": "FBI or SID number (Part 2, Item 14)",
            "crime_dates": "Date(s) of the criminal activity (Part 3, Item 2)",
            "statutes_cited": "Statutory citations (Part 3, Item 3)",
            "crime_location": "Location (city, county, state)",
            "activity_description": "Description of the criminal activity and the victim's role",
            "known_injuries": "Known or documented injury",
            "possesses_information": "Does the victim possess information? (Part 4, Item 1)",
            "has_been_helpful": "Has the victim been, is being, or is likely to be helpful? "
            "(Part 4, Item 2)",
            "refused_assistance": "Has the victim refused or failed to provide assistance "
            "reasonably requested? (Part 4, Item 3)",
            "helpfulness_explanation": "Describe the victim's helpfulness (Part 4, Item 4)",
            "refusal_explanation": 'If "Yes" to Item 3, explain (Part 4, Item 5)',
        }
        for name, label in labels.items():
            self.fields[name].label = label
        for name in ("possesses_information", "has_been_helpful", "refused_assistance"):
            self.fields[name].choices = [("", "As the draft says")] + list(YesNoUnknown.choices)
        for name in ("agency_type", "agency_category", "case_status"):
            self.fields[name].choices = [("", "As the draft says")] + list(
                self.fields[name].choices
            )[1:]
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.TextInput | forms.Textarea | forms.EmailInput):
                hint = hints.get(name)
                field.help_text = f"{KEEP}: {hint}" if hint else f"{KEEP}."
        # Part 3, Item 1 starts from the advocate's boxes until the agency changes them.
        crimes_field = "trafficking_types" if form_type == FormType.T else "crimes"
        del self.fields["crimes" if form_type == FormType.T else "trafficking_types"]
        if self.instance.pk is None or getattr(self.instance, crimes_field) is None:
            self.initial[crimes_field] = list(requested)
        self.helper = FormHelper()
        self.helper.form_tag = False
        part3 = [
            crimes_field,
            "crime_dates",
            "statutes_cited",
            "crime_location",
            "activity_description",
            "known_injuries",
        ]
        self.helper.layout = Layout(
            HTML(
                "<p>These answers are the agency's own: they replace what the draft shows and "
                "never change the advocate's request.</p>"
            ),
            Fieldset(
                "Part 2. Agency information",
                "agency_name",
                "agency_address",
                "certifying_official_name",
                "certifying_official_title",
                "division_office",
                "head_of_agency_name",
                "agency_phone",
                "agency_fax",
                "agency_email",
                "agency_type",
                "agency_category",
                "agency_category_other",
                "case_status",
                "case_status_other",
                "case_number",
                "fbi_sid_number",
            ),
            Fieldset("Part 3. Criminal acts", *part3),
            Fieldset(
                "Part 4. Helpfulness",
                "possesses_information",
                "has_been_helpful",
                "refused_assistance",
                "helpfulness_explanation",
                "refusal_explanation",
            ),
            Submit("save", "Save corrections"),
        )

    def clean(self):
        data = super().clean()
        if data.get("agency_category") == "other" and not data.get("agency_category_other"):
            self.add_error("agency_category_other", "Say which category the agency falls in.")
        if data.get("case_status") == "other" and not data.get("case_status_other"):
            self.add_error("case_status_other", "Describe the case status.")
        return data
