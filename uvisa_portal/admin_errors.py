"""Admin error messages that name the valid values.

Django's own messages ("Select a valid choice.", "Enter a valid JSON.", "Enter a valid date.")
tell an administrator that something is wrong but not what would be right. Every admin form of
the project goes through `name_valid_values`, so each refusal says what may be typed instead.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_HINT = _("Enter a date as YYYY-MM-DD, e.g. 2026-01-31")


def choices_text(choices) -> str:
    """ "Label (code), ..." for the non-empty choices, flattening option groups."""
    parts = []
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            parts.append(choices_text(label))
        elif value not in ("", None):
            parts.append(f"{label} ({value})")
    return ", ".join(parts)


def _escape(text: str) -> str:
    # The messages are %-formatted with the refused value.
    return str(text).replace("%", "%%")


def describe_field(field: forms.Field, *, json_hint: str = "") -> None:
    """Rewrites the field's refusals so that each names what is accepted."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        field.error_messages["invalid_choice"] = (
            "“%(value)s” is not in the list: tick or select entries of the list shown."
        )
        field.error_messages["invalid_pk_value"] = (
            "“%(pk)s” is not in the list: tick or select entries of the list shown."
        )
    elif isinstance(field, forms.ModelChoiceField):
        field.error_messages["invalid_choice"] = (
            "That is not in the list: choose an existing entry (search by name)."
        )
    elif isinstance(field, forms.ChoiceField):
        field.error_messages["invalid_choice"] = _escape(
            "“{value}” is not one of the valid values: {valid}."
        ).format(value="%(value)s", valid=_escape(choices_text(field.choices)))
    elif isinstance(field, forms.JSONField):
        field.error_messages["invalid"] = _escape(
            "Enter valid JSON" + (f": {json_hint}" if json_hint else " (see the help text)") + "."
        )
    elif isinstance(field, forms.DateTimeField):
        field.error_messages["invalid"] = _("Enter a date and time as YYYY-MM-DD HH:MM.")
    elif isinstance(field, forms.DateField):
        field.error_messages["invalid"] = DATE_HINT + "."
    elif isinstance(field, forms.IntegerField):
        field.error_messages["invalid"] = _("Enter a whole number, e.g. 30.")
    elif isinstance(field, forms.EmailField):
        field.error_messages["invalid"] = _("Enter an e-mail address, e.g. name@agency.mn.us.")


def name_valid_values(form_class: type[forms.BaseForm], *, json_hints: dict | None = None) -> None:
    json_hints = json_hints or {}
    for name, field in form_class.base_fields.items():
        describe_field(field, json_hint=json_hints.get(name, ""))


class ValidValuesAdminMixin:
    """For a ModelAdmin or an inline: its form's errors name the valid values."""

    # Field name -> what the JSON must look like, for the "invalid JSON" message.
    json_hints: dict[str, str] = {}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        name_valid_values(form, json_hints=self.json_hints)
        return form

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        name_valid_values(formset.form, json_hints=self.json_hints)
        return formset
