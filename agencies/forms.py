"""Forms of the directory: search, CSV import, merge. They validate only; views call services."""

from __future__ import annotations

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .importing import MAX_IMPORT_BYTES
from .models import Agency, AgencyKind
from .selectors import county_choices


class AgencyFilter(django_filters.FilterSet):
    """Search by name, county, city or kind, for everyone signed in. The fields render as one
    row of the search bar (templates/_filter_fields.html): Bootstrap classes on the widgets."""

    name = django_filters.CharFilter(
        label=_("Name"),
        method="filter_name",
        help_text=_("Part of the agency's name."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    # The county ids as plain choices, filled in __init__ from the shared cache (county
    # choices change only when the directory is loaded again): a model choice would read the
    # 87 counties on every page and again to validate the one chosen.
    county = django_filters.ChoiceFilter(
        label=_("County"),
        choices=[],
        method="filter_county",
        empty_label=_("Any county"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    city = django_filters.CharFilter(
        label=_("City"),
        method="filter_city",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=AgencyKind.choices,
        empty_label=_("Any kind"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = Agency
        fields = ["name", "county", "city", "kind"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["county"].choices = county_choices()

    def filter_name(self, queryset: QuerySet[Agency], name: str, value: str) -> QuerySet[Agency]:
        return queryset.filter(name__icontains=value.strip())

    def filter_county(self, queryset: QuerySet[Agency], name: str, value: str):
        # Agencies that list the county, or serve one of its cities.
        ids = Agency.objects.filter(Q(counties=value) | Q(cities__county=value)).values("pk")
        return queryset.filter(pk__in=ids)

    def filter_city(self, queryset: QuerySet[Agency], name: str, value: str):
        value = value.strip()
        ids = Agency.objects.filter(Q(city_name__iexact=value) | Q(cities__name__iexact=value))
        return queryset.filter(pk__in=ids.values("pk"))


class DirectoryImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 CSV, one row per agency and contact, in the shape of the export. "
            "Nothing is written until you confirm the dry run."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.add_input(Submit("preview", _("Check the file (dry run)")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(MAX_IMPORT_BYTES)s MB; split it.")
                % {"MAX_IMPORT_BYTES": MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        return upload


class DirectoryImportConfirmForm(forms.Form):
    """Carries the checked file back, so the apply step checks exactly what was previewed."""

    content = forms.CharField(widget=forms.HiddenInput, max_length=MAX_IMPORT_BYTES * 2)


class AgencyMergeForm(forms.Form):
    survivor = forms.ModelChoiceField(
        queryset=Agency.objects.all(),
        label=_("Keep this agency"),
        help_text=_("The surviving record: it receives the other agency's requests and contacts."),
    )
    duplicate = forms.ModelChoiceField(
        queryset=Agency.objects.all(),
        label=_("Merge and remove this duplicate"),
        help_text=_("Its requests and contacts move to the agency kept; then it is deleted."),
    )
    note = forms.CharField(
        label=_("Note on the surviving agency"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.add_input(Submit("merge", _("Merge the two agencies"), css_class="btn-danger"))

    def clean(self):
        cleaned = super().clean()
        survivor, duplicate = cleaned.get("survivor"), cleaned.get("duplicate")
        if survivor and duplicate and survivor.pk == duplicate.pk:
            self.add_error("duplicate", _("Choose a different agency from the one kept."))
        if duplicate and duplicate.is_statewide_coordinator:
            self.add_error(
                "duplicate",
                _("The statewide coordinator cannot be merged away; keep it and merge the other."),
            )
        return cleaned
