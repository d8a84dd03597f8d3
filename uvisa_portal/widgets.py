"""Form widgets shared by the apps."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


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
        options = format_html_join(
            "\n  ",
            '<option value="{}"{}>{}</option>',
            (
                (option, " selected" if str(option) == chosen else "", label)
                for option, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>\n  {}\n</select>', name, flatatt(final_attrs), options
        )
