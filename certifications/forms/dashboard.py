"""Filters of the advocate's dashboard (django-filter). Search is by reference (and agency
name) only, so no victim name ever travels in a URL (8 U.S.C. 1367)."""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Q, QuerySet

from agencies.models import Agency
from uvisa_portal.widgets import FastSelect, FastTextInput, style_filter_fields

from ..choices import OPEN_STATUSES, FormType, Status
from ..services.intake import minnesota_today


class AdvocateDashboardFilter(django_filters.FilterSet):
    reference = django_filters.CharFilter(
        label="Reference",
        method="filter_reference",
        widget=FastTextInput(attrs={"placeholder": "e.g. UV-2026-00042"}),
    )
    status = django_filters.ChoiceFilter(
        choices=Status.choices, empty_label="Any status", widget=FastSelect
    )
    form_type = django_filters.ChoiceFilter(
        label="Form", choices=FormType.choices, empty_label="U and T", widget=FastSelect
    )
    # A name search, not a list: the directory holds every agency in the state (about a
    # thousand), more than a drop-down can usefully show or a page can cheaply render.
    agency = django_filters.CharFilter(
        label="Agency",
        method="filter_agency",
        widget=FastTextInput(attrs={"placeholder": "Part of the name"}),
    )
    due = django_filters.ChoiceFilter(
        label="Due",
        choices=[("overdue", "Overdue"), ("week", "Due within 7 days")],
        empty_label="Any time",
        method="filter_due",
        widget=FastSelect,
    )

    def filter_reference(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(reference__icontains=value.strip())

    def filter_agency(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The agency it went to, or, for a draft, the one the advocate chose.
        # The matching agencies first (a thousand names at most), then the requests by id, so
        # the organization's rows are not joined to the directory to be filtered.
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_filter_fields(self.form)
