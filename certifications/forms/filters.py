"""The filter bars of the request lists: the advocate's dashboard (django-filter) and the
agency's queue. Search is by reference (and agency name) only, so no victim name ever travels
in a URL (8 U.S.C. 1367)."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

from ..choices import OPEN_STATUSES, FormType, Status
from ..services.intake import minnesota_today


def _select(*, small: bool = False) -> forms.Select:
    return forms.Select(attrs={"class": "form-select form-select-sm" if small else "form-select"})


def _text_classes(*, small: bool = False) -> str:
    return "form-control form-control-sm" if small else "form-control"


class AdvocateDashboardFilter(django_filters.FilterSet):
    reference = django_filters.CharFilter(
        label=_("Reference"),
        method="filter_reference",
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. UV-2026-00042"), "class": _text_classes()}
        ),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("Any status"), widget=_select()
    )
    form_type = django_filters.ChoiceFilter(
        label=_("Form"), choices=FormType.choices, empty_label=_("U and T"), widget=_select()
    )
    # A name search, not a list: the directory holds every agency in the state (about a
    # thousand), more than a drop-down can usefully show.
    agency = django_filters.CharFilter(
        label=_("Agency"),
        method="filter_agency",
        widget=forms.TextInput(
            attrs={"placeholder": _("Part of the name"), "class": _text_classes()}
        ),
    )
    due = django_filters.ChoiceFilter(
        label=_("Due"),
        choices=[("overdue", _("Overdue")), ("week", _("Due within 7 days"))],
        empty_label=_("Any time"),
        method="filter_due",
        widget=_select(),
    )

    def filter_reference(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(reference__icontains=value.strip())

    def filter_agency(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The agency it went to, or, for a draft, the one the advocate chose. The matching
        # agencies as a subquery, so the organization's rows are not joined to the directory
        # to be filtered (index req_org_agencies).
        agencies = Agency.objects.filter(name__icontains=value.strip()).values("pk")
        return queryset.filter(
            Q(agency_id__in=agencies) | Q(agency__isnull=True, requested_agency_id__in=agencies)
        )

    def filter_due(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        today = minnesota_today()
        queryset = queryset.filter(status__in=OPEN_STATUSES)
        if value == "overdue":
            return queryset.filter(due_date__lt=today)
        return queryset.filter(due_date__gte=today, due_date__lte=today + datetime.timedelta(7))


STATUS_FILTER_CHOICES = [
    ("open", _("Open (not yet decided)")),
    ("all", _("All")),
    ("closed", _("Decided or withdrawn")),
] + [(value, label) for value, label in Status.choices if value != Status.DRAFT]

DUE_CHOICES = [
    ("", _("Any due date")),
    ("overdue", _("Overdue")),
    ("7", _("Due within 7 days")),
    ("30", _("Due within 30 days")),
]


class QueueFilterForm(forms.Form):
    """GET filters of the queue. Invalid values fall back to the defaults (no error page)."""

    q = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=20,
        widget=forms.SearchInput(
            attrs={"placeholder": "UV-2026-00042", "class": _text_classes(small=True)}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=STATUS_FILTER_CHOICES, required=False, widget=_select(small=True)
    )
    form_type = forms.ChoiceField(
        label=_("Form"),
        choices=[("", _("U and T"))] + list(FormType.choices),
        required=False,
        widget=_select(small=True),
    )
    assigned = forms.ChoiceField(label=_("Assigned to"), required=False, widget=_select(small=True))
    due = forms.ChoiceField(
        label=_("Due"), choices=DUE_CHOICES, required=False, widget=_select(small=True)
    )

    def __init__(self, *args, contacts: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned"].choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Nobody yet")),
        ] + [(str(pk), name) for pk, name in contacts]

    # What an empty or invalid filter bar asks for: the open requests, most urgent first.
    DEFAULTS = {
        "status": "open",
        "form_type": "",
        "assigned": "",
        "due_within": "",
        "reference": "",
    }

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        chosen = {
            "status": data.get("status"),
            "form_type": data.get("form_type"),
            "assigned": data.get("assigned"),
            "due_within": data.get("due"),
            "reference": data.get("q"),
        }
        return {name: value or self.DEFAULTS[name] for name, value in chosen.items()}
