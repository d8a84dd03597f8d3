"""Bidirectional text on pages (Unicode Standard Annex #9).

Pages isolate what people typed with `<bdi>` and `dir="auto"` in the templates. A text the
portal composes in Python with a typed name inside it (a flash message such as "<agency name>
decides its own requests again.") cannot be isolated there without HTML in Python, so its
bidirectional controls are removed instead: an unclosed U+202E in the name would otherwise
reverse the rest of the sentence.
"""

from __future__ import annotations

from django import template

from certifications.text import text_clean

register = template.Library()


@register.filter
def without_bidi_controls(value) -> str:
    """`value` as text, without bidirectional control characters (certifications.text)."""
    return text_clean(str(value))
