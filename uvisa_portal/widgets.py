"""Form widgets shared by the apps."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe

from .html import text


class FastSelect(forms.Select):
    """A single-choice <select> written in one pass, for the filter bars of the list pages.

    Why: Django renders each <option> through two included templates; a select of the 87
    counties cost more than the rest of the directory page (bench/results/latest.md, issue
    10). The markup is the same as Django's; it supports flat choices (no option groups and
    no per-option attributes), which is all the filter bars use.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        chosen = (
            "" if value is None else str(value[0] if isinstance(value, list | tuple) else value)
        )
        options = "\n  ".join(
            f'<option value="{text(option)}"{" selected" if str(option) == chosen else ""}>'
            f"{text(label)}</option>"
            for option, label in self.choices
        )
        # Every value escaped by `text`; flatatt escapes the attributes' values.
        markup = f'<select name="{text(name)}"{flatatt(final_attrs)}>\n  {options}\n</select>'
        return mark_safe(markup)  # noqa: S308


class _FastInput:
    """An <input> written in one pass, with Django's markup (`django/forms/widgets/input.html`),
    for the same reason as FastSelect: each is three templates in Django (issue 10)."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        value = self.format_value(value)
        shown = "" if value is None else f' value="{text(value)}"'
        # Every value escaped by `text`; flatatt escapes the attributes' values.
        markup = f'<input type="{text(self.input_type)}" name="{text(name)}"{shown}'
        return mark_safe(f"{markup}{flatatt(final_attrs)}>")  # noqa: S308


class FastTextInput(_FastInput, forms.TextInput):
    """A text <input> of a filter bar (see _FastInput)."""


class FastSearchInput(_FastInput, forms.SearchInput):
    """A search <input> of a filter bar (see _FastInput)."""


def style_filter_fields(form: forms.Form, *, small: bool = False) -> None:
    """Bootstrap classes on a filter bar's widgets, for `{% filter_fields %}` (uvisa_portal/
    templatetags/filter_bar.py; a filter bar is a row of plain fields, and crispy's per-field
    templates cost more than the list they filter, issue 10)."""
    suffix = " form-select-sm" if small else ""
    for field in form.fields.values():
        if isinstance(field.widget, forms.Select):
            field.widget.attrs["class"] = "form-select" + suffix
        else:
            field.widget.attrs["class"] = "form-control" + (" form-control-sm" if small else "")
