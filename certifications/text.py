"""Text safety: what people type is stored in Unicode NFC and without bidirectional controls.

- NFC (Unicode Standard Annex #15): "Nguyễn" typed as "e" + combining marks and "Nguyễn" typed
  precomposed are the same name, so they compare, search and print the same.
- Bidirectional controls (Unicode Standard Annex #9: the embeddings, overrides and isolates
  U+202A-U+202E and U+2066-U+2069, the marks U+200E, U+200F and U+061C) are invisible and change
  the order in which the text *around* them is shown: an unclosed U+202E in a city name reverses
  the rest of the line in a draft form (the "Trojan Source" attack, CVE-2021-42574). A name or an
  address never needs one: the bidi algorithm orders Arabic and Latin letters by itself, and the
  documents isolate every answer (`unicode-bidi: isolate` in print.css), so they are removed.

`text_clean` is the one rule; `TextSafeFormMixin` applies it to every text a form takes, and
`snapshot_clean` to everything a document is rendered from (text stored before the rule, or
entered where no form of this app is in between, such as the directory's admin pages).
"""

from __future__ import annotations

import unicodedata
from typing import Any

BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2066\u2067\u2068\u2069"  # LRI, RLI, FSI, PDI
    "\u200e\u200f\u061c"  # LRM, RLM, ALM
)
_REMOVE_BIDI = str.maketrans(dict.fromkeys(BIDI_CONTROLS))


def text_clean(value: str) -> str:
    """`value` in NFC with every bidirectional control character removed."""
    return unicodedata.normalize("NFC", value.translate(_REMOVE_BIDI))


def snapshot_clean(value: Any) -> Any:
    """`text_clean` applied to every string of a JSON-like value (dicts, lists, strings)."""
    if isinstance(value, str):
        return text_clean(value)
    if isinstance(value, dict):
        return {key: snapshot_clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [snapshot_clean(item) for item in value]
    return value


class TextSafeFormMixin:
    """Stores what a form's text fields received through `text_clean` (put it before the form
    class: `class MyForm(TextSafeFormMixin, forms.ModelForm)`)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # type: ignore[misc]
        for name, value in data.items():
            if isinstance(value, str):
                data[name] = text_clean(value)
        return data
