"""The advocate's intake form, one form per step. Each validates and normalises what was typed;
completeness (what a submission needs) is checked by the submit service, not here, so a draft
can be saved half-filled at any point."""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, County
from agencies.selectors import agency_suggestions

from ..choices import (
    Crime,
    FormType,
    PetitionerKind,
    RemovalOf,
    TraffickingType,
    Urgency,
)
from ..models import CertificationRequest
from ..petitioner import PETITIONER_REQUIRED
from ..services.intake import a_number_normalize, minnesota_today
from ..text import TextSafeFormMixin
from .names import NameLanguageMixin

# (slug, title) in order; the progress bar and the "next" button follow this list.
STEPS: list[tuple[str, str]] = [
    ("victim", _("Victim")),
    ("expedite", _("Expedite")),
    ("crime", _("The crime")),
    ("narrative", _("What happened")),
    ("consent", _("Release")),
    ("attachments", _("Attachments")),
    ("review", _("Review and submit")),
]
STEP_TITLES = dict(STEPS)
EARLIEST_DATE = datetime.date(1900, 1, 1)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _not_after_today(value: datetime.date | None, message: str) -> datetime.date | None:
    if value is not None and value > minnesota_today():
        raise ValidationError(message)
    if value is not None and value < EARLIEST_DATE:
        raise ValidationError(_("Check the year: that date is too far in the past."))
    return value


class IntakeStepForm(TextSafeFormMixin, forms.ModelForm):
    """Common setup: crispy helper without its own <form> tag (the page adds the buttons); text
    stored in NFC without bidirectional controls (`text.TextSafeFormMixin`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def draft_fields(self) -> dict:
        """The cleaned values to hand to `certification_request_save_draft`."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class VictimForm(NameLanguageMixin, IntakeStepForm):
    """Form I-918/I-914 Supp. B Part 1 and the language-access needs (Minn. Stat. 611A.95)."""

    # Longer than the stored value: people type spaces and dashes, which are normalised away.
    victim_a_number = forms.CharField(
        label=_("A-Number"),
        max_length=20,
        required=False,
        help_text=_("If any: A followed by 8 or 9 digits. Spaces and dashes are fine."),
    )

    class Meta:
        model = CertificationRequest
        fields = [
            "petitioner_kind",
            "indirect_relationship",
            "direct_victim_name",
            "direct_victim_unable",
            "direct_victim_unable_explanation",
            "next_friend_reason",
            "next_friend_name",
            "next_friend_relationship",
            "victim_family_name",
            "victim_given_name",
            "victim_middle_name",
            "victim_name_order",
            "victim_other_names",
            "victim_date_of_birth",
            "victim_gender",
            "victim_a_number",
            "a_number_shared",
            "victim_preferred_language",
            "victim_preferred_language_other",
            "victim_interpreter_needed",
        ]
        widgets = {
            "victim_date_of_birth": DateInput(),
            "petitioner_kind": forms.RadioSelect,
            "victim_name_order": forms.RadioSelect,
            "direct_victim_unable_explanation": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"a_number_shared": _("Share the A-Number with the agency")}
        help_texts = {
            "petitioner_kind": _(
                "The names below are the petitioner's: the person who files "
                "the petition. An indirect victim is the spouse or child under 21 of a victim who "
                "was killed or is incapacitated or incompetent (also a parent, or an unmarried "
                "sibling under 18, when that victim was under 21); the help certified is then "
                "their own. For a victim under 16 or incapacitated, the help may have come from a "
                "parent, guardian or next friend. 8 CFR 214.14(a)(14), (b)(2)-(3)."
            ),
            "indirect_relationship": _("Indirect victims only."),
            "direct_victim_name": _(
                "Indirect victims only: the person the crime was committed against."
            ),
            "direct_victim_unable": _("Indirect victims only."),
            "next_friend_reason": _(
                "Only when a parent, guardian or next friend acts for the victim."
            ),
            "next_friend_name": _("The person whose help the agency is asked to certify."),
            "a_number_shared": _(
                "Not shared unless you tick this. The form asks for the A-Number "
                '"if any", so the agency can certify without it; leave it unshared unless the '
                "victim agrees and it helps. Unshared, the agency's page, the draft form and the "
                "cover letter leave it out."
            ),
        }

    def __init__(self, *args, new: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Unanswered means the direct victim, the common case (and every older draft).
        self.fields["petitioner_kind"].required = False
        self.fields["victim_gender"].choices = [
            ("", _("Choose…")),
            *self.fields["victim_gender"].choices[1:],
        ]
        self.name_and_language_setup()
        if new:
            # The form type fixes the reference prefix (UV-/TV-), so it is chosen once, here.
            self.fields = {
                "form_type": forms.ChoiceField(
                    label=_("Which certification is requested?"),
                    choices=FormType.choices,
                    initial=FormType.U,
                    widget=forms.RadioSelect,
                ),
                **self.fields,
            }
        # The questions that belong to one kind of petitioner are grouped under it, so the
        # step reads as one question with its follow-ups (8 CFR 214.14(a)(14), (b)(2)-(3)).
        kind_fields = [name for fields in PETITIONER_REQUIRED.values() for name in fields]
        indirect = [
            *PETITIONER_REQUIRED[PetitionerKind.INDIRECT],
            "direct_victim_unable_explanation",
        ]
        rest = [
            name
            for name in self.fields
            if name not in ("form_type", "petitioner_kind", "direct_victim_unable_explanation")
            and name not in kind_fields
        ]
        self.helper.layout = Layout(
            *(["form_type"] if new else []),
            "petitioner_kind",
            Fieldset(_("Only if the petitioner is an indirect victim"), *indirect),
            Fieldset(
                _("Only if a parent, guardian or next friend acts for the victim"),
                *PETITIONER_REQUIRED[PetitionerKind.NEXT_FRIEND],
            ),
            Fieldset(_("The petitioner (Part 1 of the form)"), *rest),
        )

    # The fields each kind of petitioner must also fill (`petitioner.PETITIONER_REQUIRED`).
    PETITIONER_REQUIRED = PETITIONER_REQUIRED

    def clean(self):
        data = super().clean()
        kind = data.get("petitioner_kind") or PetitionerKind.DIRECT
        data["petitioner_kind"] = kind
        for name, message in self.PETITIONER_REQUIRED.get(kind, {}).items():
            if not (data.get(name) or "").strip():
                self.add_error(name, message)
        # A field of another kind is cleared rather than kept unseen: the letter and the form
        # read only the chosen kind's.
        for other, fields in self.PETITIONER_REQUIRED.items():
            if other != kind:
                for name in fields:
                    data[name] = ""
        if kind != PetitionerKind.INDIRECT:
            data["direct_victim_unable_explanation"] = ""
        return data

    def clean_victim_a_number(self) -> str:
        return a_number_normalize(self.cleaned_data.get("victim_a_number", ""))

    def clean_victim_date_of_birth(self):
        return _not_after_today(
            self.cleaned_data.get("victim_date_of_birth"),
            _("The date of birth cannot be in the future."),
        )


class ExpediteForm(IntakeStepForm):
    """The cover letter's flags. Minn. Stat. 611A.95 subd. 2: removal proceedings shorten the
    deadline to 14 days, and must be raised with the request (with proof). An urgency (detention,
    a family member aging out) reaches the agency as a date only (`access.agency_view_of`)."""

    class Meta:
        model = CertificationRequest
        fields = [
            "in_removal_proceedings",
            "removal_proceedings_of",
            "detained",
            "child_turns_21_on",
            "urgency_reason",
            "decision_needed_by",
        ]
        widgets = {"child_turns_21_on": DateInput(), "decision_needed_by": DateInput()}
        labels = {
            "in_removal_proceedings": _(
                "The victim or a qualifying family member is in removal proceedings"
            ),
            "removal_proceedings_of": _("Whose removal proceedings?"),
            "detained": _("The victim is detained"),
            "urgency_reason": _("Name an urgency to the agency?"),
        }
        help_texts = {
            "in_removal_proceedings": _(
                "The victim's own proceedings shorten the deadline of an "
                "agency Minn. Stat. 611A.95 binds to 14 days when raised with the request; some "
                "agencies' own policies (Saint Paul, Minneapolis) also expedite for a qualifying "
                "family member. Attach the Notice to Appear or other proof before submitting. The "
                "agency sees this flag and nothing else about immigration status."
            ),
            "detained": _("Shown to your organization only, never to the agency."),
            "urgency_reason": _(
                'Only you see the reason. The agency sees one line, "a decision is '
                'needed by [the date] (urgent)", on its page and in the cover letter, and nothing '
                "about detention or ages."
            ),
            "decision_needed_by": _(
                "When you name an urgency: the date the agency is asked to decide by."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["removal_proceedings_of"].widget = forms.RadioSelect(choices=RemovalOf.choices)
        # Only read when removal proceedings are ticked; the victim's own by default.
        self.fields["removal_proceedings_of"].required = False
        self.fields["urgency_reason"].choices = [("", _("No urgency named")), *Urgency.choices]
        self.fields["urgency_reason"].widget = forms.RadioSelect(
            choices=self.fields["urgency_reason"].choices
        )

    def clean_removal_proceedings_of(self):
        return self.cleaned_data.get("removal_proceedings_of") or RemovalOf.VICTIM

    def clean(self):
        data = super().clean()
        urgency, needed_by = data.get("urgency_reason"), data.get("decision_needed_by")
        if urgency and needed_by is None and "decision_needed_by" not in self.errors:
            self.add_error("decision_needed_by", _("Give the date a decision is needed by."))
        if needed_by is not None and not urgency:
            self.add_error("urgency_reason", _("Say what makes it urgent, or clear the date."))
        if needed_by is not None and needed_by < minnesota_today():
            self.add_error("decision_needed_by", _("That date has passed: give a date from today."))
        if urgency == Urgency.DETENTION and not data.get("detained"):
            self.add_error(
                "urgency_reason", _("Tick 'The victim is detained', or choose another urgency.")
            )
        turns_21 = data.get("child_turns_21_on")
        if urgency == Urgency.AGING_OUT and turns_21 is None:
            self.add_error("child_turns_21_on", _("Give the date the family member turns 21."))
        if urgency == Urgency.AGING_OUT and needed_by and turns_21 and needed_by > turns_21:
            self.add_error(
                "decision_needed_by",
                _(
                    "The decision must come before the family member turns 21: give an earlier "
                    "date."
                ),
            )
        return data


class AgencyChoiceField(forms.ChoiceField):
    """The agency asked to certify: suggestions for the county first, then the whole directory."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._agencies: dict[str, Agency] = {}

    @staticmethod
    def group_labels(county_name: str) -> dict[str, str]:
        """The list's own words, also sent to the page's script (static/js/intake.js), which
        rebuilds the list when the county changes."""
        return {
            "empty": _("Choose an agency…"),
            "suggested": _("Suggested for %(county)s") % {"county": county_name},
            "all": _("All agencies"),
            "agencies": _("Agencies"),
        }

    def set_agencies(self, suggested: list[Agency], others: list[Agency], county_name: str):
        self._agencies = {str(a.pk): a for a in [*suggested, *others]}
        words = self.group_labels(county_name)
        groups: list = [("", words["empty"])]
        if suggested:
            groups.append((words["suggested"], [(str(a.pk), a.name) for a in suggested]))
        groups.append(
            (
                words["all"] if suggested else words["agencies"],
                [(str(a.pk), a.name) for a in others],
            )
        )
        self.choices = groups

    def prepare_value(self, value):
        return str(value.pk) if isinstance(value, Agency) else value

    def clean(self, value):
        value = super().clean(value)
        return self._agencies.get(str(value)) if value else None


class CrimeForm(IntakeStepForm):
    """Form I-918 Supp. B Part 3 (or I-914 Supp. B's statement of claim for T requests)."""

    crimes = forms.MultipleChoiceField(
        label=_("Qualifying criminal activity"),
        choices=Crime.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("8 U.S.C. 1101(a)(15)(U)(iii). Select every one that applies."),
    )
    trafficking_types = forms.MultipleChoiceField(
        label=_("Type of trafficking"),
        choices=TraffickingType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Form I-914 Supplement B: select every one that applies."),
    )
    requested_agency = AgencyChoiceField(
        label=_("Agency asked to certify"),
        required=False,
        help_text=_(
            "The agency that detected, investigated or prosecuted the crime. Suggestions "
            "for the county come first."
        ),
    )

    class Meta:
        model = CertificationRequest
        fields = [
            "crimes",
            "similar_activity_description",
            "trafficking_types",
            "crime_date_from",
            "crime_date_to",
            "crime_city",
            "crime_county",
            "occurred_in_us",
            "statutes_cited",
            "case_number",
            "date_reported",
            "incident_address",
            "investigating_officer",
            "suspect_name",
            "court_file_number",
            "requested_agency",
        ]
        widgets = {
            "crime_date_from": DateInput(),
            "crime_date_to": DateInput(),
            "date_reported": DateInput(),
        }
        labels = {
            "similar_activity_description": _("Similar activity (describe)"),
            "occurred_in_us": _("Did it occur in the United States?"),
        }
        help_texts = {
            "similar_activity_description": _(
                "Only if you selected 'Other: any similar activity'."
            ),
            "occurred_in_us": _("Including Indian country and military installations."),
            "case_number": _(
                "The number at the agency you ask to certify: USCIS's form carries it. "
                "Other agencies' numbers go below."
            ),
            "suspect_name": _(
                "Optional. Shown to the agency to find the file; never in an e-mail, "
                "the cover letter or USCIS's form."
            ),
        }

    def __init__(self, *args, form_type: str = FormType.U, **kwargs):
        super().__init__(*args, **kwargs)
        if form_type == FormType.T:
            del self.fields["crimes"]
            del self.fields["similar_activity_description"]
        else:
            del self.fields["trafficking_types"]
        self.fields["crime_county"].queryset = County.objects.order_by("name")
        self.fields["crime_county"].empty_label = _("Choose a county…")
        county = self._county()
        suggested = agency_suggestions(
            county=county,
            crimes=self._value("crimes") or None,
            form_type=form_type,
        )
        suggested_ids = {a.pk for a in suggested}
        others = [
            a
            for a in Agency.objects.active().order_by("name").only("pk", "name")
            if a.pk not in suggested_ids
        ]
        self.fields["requested_agency"].set_agencies(suggested, others, str(county or ""))
        self.fields["requested_agency"].widget.attrs["data-suggestions-url"] = (
            reverse("certifications:agency_suggestions") + f"?form_type={form_type}"
        )
        self.fields["crime_county"].widget.attrs["data-county-select"] = "1"

    def _value(self, name: str):
        if self.is_bound:
            getter = getattr(self.data, "getlist", None)
            if name == "crimes" and getter is not None:
                return getter(self.add_prefix(name))
            return self.data.get(self.add_prefix(name))
        return self.initial.get(name)

    def _county(self) -> County | None:
        value = self._value("crime_county")
        if isinstance(value, County):
            return value
        if value in (None, ""):
            return None
        try:
            return County.objects.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            return None

    def clean_crime_date_from(self):
        return _not_after_today(
            self.cleaned_data.get("crime_date_from"),
            _("The crime cannot have happened after today."),
        )

    def clean_crime_date_to(self):
        return _not_after_today(
            self.cleaned_data.get("crime_date_to"),
            _("The crime cannot have happened after today."),
        )

    def clean_date_reported(self):
        return _not_after_today(
            self.cleaned_data.get("date_reported"), _("The report cannot be dated after today.")
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("crime_date_from"), cleaned.get("crime_date_to")
        if start and end and end < start:
            self.add_error("crime_date_to", _("The end date is before the start date."))
        return cleaned

    def draft_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}


class NarrativeForm(IntakeStepForm):
    """Form I-918 Supp. B Parts 3.5-3.6 (what happened, injuries), 4 (helpfulness), 5 (family)."""

    class Meta:
        model = CertificationRequest
        fields = ["narrative", "known_injuries", "helpfulness", "family_implicated"]
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 6}),
            "known_injuries": forms.Textarea(attrs={"rows": 3}),
            "helpfulness": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {
            "helpfulness": _("How the victim has been, is being or is likely to be helpful"),
            "family_implicated": _("Were family members implicated in the crime?"),
        }
        help_texts = {
            "narrative": _("The criminal activity and the victim's involvement, in plain words."),
            "helpfulness": _("Statements, interviews, testimony, identifying the offender…"),
        }

    # Whose helpfulness the certification attests follows who petitions (8 CFR 214.14(b)(3)).
    HELPFULNESS_LABELS = {
        PetitionerKind.INDIRECT: _(
            "How the petitioner (the indirect victim) has been, is being or is likely to be helpful"
        ),
        PetitionerKind.NEXT_FRIEND: _(
            "How the parent, guardian or next friend, acting for the victim, has been, is being "
            "or is likely to be helpful"
        ),
        PetitionerKind.BYSTANDER: _(
            "How the petitioner (the bystander victim) has been, is being or is likely to be "
            "helpful"
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = getattr(self.instance, "petitioner_kind", PetitionerKind.DIRECT)
        if kind in self.HELPFULNESS_LABELS:
            self.fields["helpfulness"].label = self.HELPFULNESS_LABELS[kind]


class FamilyMemberForm(TextSafeFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    relationship = forms.CharField(label=_("Relationship"), max_length=100, required=False)

    def clean(self):
        cleaned = super().clean()
        name, relationship = cleaned.get("full_name", ""), cleaned.get("relationship", "")
        if name and not relationship:
            self.add_error("relationship", _("Enter the relationship to the victim."))
        if relationship and not name:
            self.add_error("full_name", _("Enter the family member's name."))
        return cleaned


FamilyMemberFormSet = forms.formset_factory(FamilyMemberForm, extra=2, max_num=20)


def family_members_from(formset) -> list[dict[str, str]]:
    return [
        {"full_name": f.cleaned_data["full_name"], "relationship": f.cleaned_data["relationship"]}
        for f in formset.forms
        if f.cleaned_data.get("full_name")
    ]


class ConsentForm(IntakeStepForm):
    """The victim's consent to share (who, when, scope): required to submit (8 U.S.C. 1367)."""

    class Meta:
        model = CertificationRequest
        fields = ["consent_given", "consent_by", "consent_date", "consent_scope"]
        widgets = {"consent_date": DateInput()}
        labels = {
            "consent_given": _(
                "The victim consents to sharing this request and its attachments "
                "with the certifying agency"
            ),
        }
        help_texts = {
            "consent_by": _(
                "The victim, or who gave consent on the victim's behalf (e.g. a parent of a minor)."
            ),
        }

    def clean_consent_date(self):
        return _not_after_today(
            self.cleaned_data.get("consent_date"), _("Consent cannot be dated in the future.")
        )


STEP_FORMS: dict[str, type[IntakeStepForm]] = {
    "victim": VictimForm,
    "expedite": ExpediteForm,
    "crime": CrimeForm,
    "narrative": NarrativeForm,
    "consent": ConsentForm,
}
