"""Reading an official fillable PDF: its fields, their tooltips and checkbox export values, and
whether they are the fields an edition's field map expects.

USCIS's PDFs are XFA hybrids with usage rights, sometimes encrypted with an empty password (no
password is needed to open them): those are read like any AcroForm. A PDF that needs a
password, has no fields, or has another form's fields is refused with a message naming what is
wrong (OWASP ASVS 5.1: validate input; never guess a mapping).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from io import BytesIO
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PyPdfError

# "Some published copies append a random suffix to every field name": whatever follows a
# name's last index ("...FamilyName[0]x7k2") is not part of the name.
_SUFFIX = re.compile(r"(\[\d+\])[^.\[\]]+(?=\.|$)")

FIELD_TYPES = {"/Tx": "text", "/Ch": "choice", "/Btn": "checkbox", "/Sig": "signature"}
# Field flags (PDF 32000-1, 12.7.4): push buttons and radio buttons are /Btn too.
_FF_MULTILINE = 1 << 12
_FF_RADIO = 1 << 15
_FF_PUSHBUTTON = 1 << 16
# Fewer of the mapped fields than this share means the PDF is another form altogether.
_SAME_FORM_SHARE = 0.5


class OfficialPdfError(ValueError):
    """The file cannot be used as this edition's official PDF; `problems` says why, each one
    naming the field or the property at fault."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def base_name(name: str) -> str:
    """The field's name without any random suffix."""
    return _SUFFIX.sub(r"\1", name)


@dataclass
class PdfField:
    name: str
    base: str
    type: str
    tooltip: str = ""
    states: list[str] = field(default_factory=list)
    page: int = 0
    width: float = 0.0
    height: float = 0.0
    multiline: bool = False
    max_len: int | None = None
    font_size: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def pdf_open(content: bytes) -> PdfReader:
    """A reader for `content`, decrypted when it opens with an empty password."""
    if b"%PDF-" not in content[:1024]:
        raise OfficialPdfError(["The file is not a PDF."])
    try:
        reader = PdfReader(BytesIO(content))
        # USCIS's own PDFs may be encrypted with an empty (user) password: they open in any
        # reader without one, so they are accepted.
        if reader.is_encrypted and not reader.decrypt(""):
            raise OfficialPdfError(
                ["The PDF needs a password to open. Load USCIS's PDF as published."]
            )
        reader.pages  # noqa: B018 - reading the page tree finds a broken file now
    except OfficialPdfError:
        raise
    except (DependencyError, NotImplementedError) as exc:
        raise OfficialPdfError(
            ["The PDF is encrypted in a way the portal cannot open. Load USCIS's PDF as published."]
        ) from exc
    except (FileNotDecryptedError, PdfReadError, PyPdfError, ValueError, KeyError) as exc:
        raise OfficialPdfError(["The file could not be read as a PDF: it is damaged."]) from exc
    return reader


def qualified_name(widget: Any) -> tuple[str, Any]:
    """The full dotted name of a widget's field, and the field's dictionary."""
    node = widget if "/T" in widget else widget.get("/Parent", widget).get_object()
    terminal = node
    parts = []
    while node is not None:
        if "/T" in node:
            parts.append(str(node["/T"]))
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return ".".join(reversed(parts)), terminal


def _inherited(node: Any, key: str, default: Any = None) -> Any:
    while node is not None:
        if key in node:
            return node[key]
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return default


def _font_size(default_appearance: Any) -> float:
    match = re.search(r"([\d.]+)\s+Tf", str(default_appearance or ""))
    return float(match.group(1)) if match else 0.0


def pdf_fields(reader: PdfReader) -> list[PdfField]:
    """Every field with a widget, in page order: name, type, tooltip, export values, and the
    size of its first widget (what the fill measures text against)."""
    found: dict[str, PdfField] = {}
    for page_number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            widget = annotation.get_object()
            if widget.get("/Subtype") != "/Widget":
                continue
            name, terminal = qualified_name(widget)
            if not name:
                continue
            states = [
                str(state)
                for state in (widget.get("/AP", {}).get("/N", {}) or {})
                if str(state) != "/Off"
            ]
            if name in found:
                for state in states:
                    if state not in found[name].states:
                        found[name].states.append(state)
                continue
            field_type = FIELD_TYPES.get(str(_inherited(terminal, "/FT", "")), "other")
            flags = int(_inherited(terminal, "/Ff", 0) or 0)
            if field_type == "checkbox" and flags & _FF_PUSHBUTTON:
                field_type = "button"
            elif field_type == "checkbox" and flags & _FF_RADIO:
                field_type = "radio"
            x1, y1, x2, y2 = (float(v) for v in widget.get("/Rect", [0, 0, 0, 0]))
            max_len = _inherited(terminal, "/MaxLen")
            found[name] = PdfField(
                name=name,
                base=base_name(name),
                type=field_type,
                tooltip=str(terminal.get("/TU", "")),
                states=states if field_type in ("checkbox", "radio") else [],
                page=page_number,
                width=round(abs(x2 - x1), 2),
                height=round(abs(y2 - y1), 2),
                multiline=bool(flags & _FF_MULTILINE),
                max_len=int(max_len) if max_len is not None else None,
                font_size=_font_size(widget.get("/DA") or _inherited(terminal, "/DA")),
            )
    return list(found.values())


def mapped_names(field_map: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(item key, field base name, expected type) for every field the map uses."""
    names: list[tuple[str, str, str]] = []
    for key, spec in field_map.items():
        if isinstance(spec, list):
            names.extend((key, name, "text") for name in spec)
        elif "options" in spec:
            names.extend((key, opt["field"], "checkbox") for opt in spec["options"].values())
        elif "blocks" in spec:
            for block in spec["blocks"]:
                names.extend((key, name, "text") for name in block.values())
        else:
            for sub in spec.values():
                names.extend((key, name, "text") for name in sub)
    return names


@dataclass
class LoadCheck:
    fields: list[PdfField]
    field_map: dict[str, Any]
    unmapped: list[str]


def load_check(*, content: bytes, field_map: dict[str, Any], form_title: str) -> LoadCheck:
    """Check an uploaded PDF against an edition's field map.

    1. Open it (not a PDF, a password, a broken file: refused).
    2. Read its fields; none at all: refused.
    3. Find every mapped field by its name without suffix. If fewer than half are there, the
       PDF is another form: refused as such. Otherwise each missing field, each field of
       another type (text where a checkbox is expected...), each checkbox without exactly one
       export value or with another export value than the map already holds, is a problem
       named in the refusal.
    4. Return the fields, the map with each box's export value resolved, and the fields the
       map does not use (barcodes, buttons, page headers), which are listed and ignored.
    """
    reader = pdf_open(content)
    fields = pdf_fields(reader)
    if not fields:
        raise OfficialPdfError(
            ["The PDF has no fillable fields (a scan, a flattened copy, or an XFA-only form)."]
        )
    by_base = {f.base: f for f in reversed(fields)}
    expected = mapped_names(field_map)
    present = [name for _, name, _ in expected if name in by_base]
    if len(present) < _SAME_FORM_SHARE * len(expected):
        raise OfficialPdfError(
            [
                f"The PDF's fields are not those of {form_title}: only {len(present)} of the "
                f"{len(expected)} fields of its mapping were found. Is it another form?"
            ]
        )
    problems: list[str] = []
    for key, name, kind in expected:
        pdf_field = by_base.get(name)
        if pdf_field is None:
            problems.append(f"Field {name} ({key}) is missing.")
        elif kind == "text" and pdf_field.type not in ("text", "choice"):
            problems.append(f"Field {name} ({key}) is a {pdf_field.type}, not a text field.")
        elif kind == "checkbox" and pdf_field.type != "checkbox":
            problems.append(f"Field {name} ({key}) is a {pdf_field.type}, not a checkbox.")
        elif kind == "checkbox" and len(pdf_field.states) != 1:
            problems.append(
                f"Checkbox {name} ({key}) has export values {pdf_field.states or 'none'}, "
                "not exactly one."
            )
    resolved: dict[str, Any] = {}
    for key, spec in field_map.items():
        if not isinstance(spec, dict) or "options" not in spec:
            resolved[key] = spec
            continue
        options = {}
        for value, option in spec["options"].items():
            pdf_field = by_base.get(option["field"])
            on = pdf_field.states[0] if pdf_field and len(pdf_field.states) == 1 else None
            if option.get("on") and on and option["on"] != on:
                problems.append(
                    f"Checkbox {option['field']} ({key}: {value}) changed its export value "
                    f"from {option['on']} to {on}."
                )
            options[value] = {"field": option["field"], "on": on or option.get("on")}
        resolved[key] = {**spec, "options": options}
    if problems:
        raise OfficialPdfError(problems)
    used = {name for _, name, _ in expected}
    unmapped = [f.base for f in fields if f.base not in used]
    return LoadCheck(fields=fields, field_map=resolved, unmapped=unmapped)
