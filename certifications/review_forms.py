"""Forms of the agency's review: they validate and normalise; the views call the services.

Choices that come from the database (agencies, contacts) are passed in as lists the view
already loaded, so rendering a form never runs a query from the template.
"""

from __future__ import annotations

from django import forms

from uvisa_portal.widgets import FastSearchInput, FastSelect, style_filter_fields

from .choices import FormType, Status

STATUS_FILTER_CHOICES = [
    ("open", "Open (not yet decided)"),
    ("all", "All"),
    ("closed", "Decided or withdrawn"),
] + [(value, label) for value, label in Status.choices if value != Status.DRAFT]

DUE_CHOICES = [
    ("", "Any due date"),
    ("overdue", "Overdue"),
    ("7", "Due within 7 days"),
    ("30", "Due within 30 days"),
]


class QueueFilterForm(forms.Form):
    """GET filters of the queue. Invalid values fall back to the defaults (no error page)."""

    q = forms.CharField(
        label="Reference",
        required=False,
        max_length=20,
        widget=FastSearchInput(attrs={"placeholder": "UV-2026-00042"}),
    )
    status = forms.ChoiceField(
        label="Status", choices=STATUS_FILTER_CHOICES, required=False, widget=FastSelect
    )
    form_type = forms.ChoiceField(
        label="Form",
        choices=[("", "U and T")] + list(FormType.choices),
        required=False,
        widget=FastSelect,
    )
    assigned = forms.ChoiceField(label="Assigned to", required=False, widget=FastSelect)
    due = forms.ChoiceField(label="Due", choices=DUE_CHOICES, required=False, widget=FastSelect)

    def __init__(self, *args, contacts: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned"].choices = [
            ("", "Anyone"),
            ("me", "Me"),
            ("none", "Nobody yet"),
        ] + [(str(pk), name) for pk, name in contacts]
        style_filter_fields(self, small=True)

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
