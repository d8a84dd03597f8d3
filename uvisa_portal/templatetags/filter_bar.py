"""The fields of a filter bar (dashboard, queue, directory): label, input, help text, errors.

Why Python and not an included template: each field through the template engine (five
lookups, two conditions, a loop) cost as much as rendering its widget; the queue's five
fields took 0.33 ms in the template against 0.17 ms here (measured in-process, issue 10).
The widgets carry their Bootstrap classes (uvisa_portal.widgets.style_filter_fields) and
render in one pass; the markup around them is what the template wrote. Labels, help texts
and errors are escaped unless marked safe, as the template's autoescaping did.
"""

from __future__ import annotations

from django import forms, template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

DEFAULT_COLUMN = "col-sm-6 col-lg"


@register.simple_tag
def filter_fields(form: forms.Form, col: str = "") -> SafeString:
    """One column per field of `form`; `col` is each column's class."""
    column = conditional_escape(col or DEFAULT_COLUMN)
    html = []
    for field in form:
        label = conditional_escape(field.label)
        parts = [
            f'<div class="{column}">',
            f'  <label class="form-label small" for="{field.id_for_label}">{label}</label>',
            # The widget with its aria-describedby (help text) and aria-invalid (errors).
            f"  {field}",
        ]
        if field.help_text:
            helptext = conditional_escape(field.help_text)
            parts.append(f'  <div class="form-text" id="{field.auto_id}_helptext">{helptext}</div>')
        parts.extend(
            f'  <div class="text-danger small">{conditional_escape(error)}</div>'
            for error in field.errors
        )
        parts.append("</div>")
        html.append("\n".join(parts))
    # Every value from the form escaped above; the widgets escape their own values.
    return mark_safe("\n".join(html))  # noqa: S308
