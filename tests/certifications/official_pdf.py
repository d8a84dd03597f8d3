"""A fillable PDF with the official field names, built by the suite (USCIS's PDF is not in the
repository): every field an edition's map names, with tooltips, checkboxes with export values
of their own, and the extras a real PDF has (a barcode, a button), laid out on five pages so the
filled result can be looked at.

Variants: a random suffix on every name; an XFA part with usage rights, encrypted with an
empty password (how USCIS publishes); a password; missing fields; a field of another type;
another export value.
"""

from __future__ import annotations

import json
import re
from io import BytesIO
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from certifications.editions.pdf import mapped_names

DATA = Path(__file__).resolve().parents[2] / "certifications" / "editions" / "data"
PAGES = {"#subform[0]": 0, "#subform[1]": 1, "#subform[2]": 2, "pg4[0]": 3, "#subform[4]": 4}
EXTRAS = [
    ("form1[0].#subform[0].PDF417BarCode1[0]", "text", "Barcode. Do not write in this area."),
    ("form1[0].#subform[0].ClearButton[0]", "button", "Clear the form"),
    ("form1[0].#subform[4].PageHeader[0]", "text", "Page header"),
]


def edition_data(form: str = "I-918B") -> dict:
    name = {"I-918B": "i-918b-2025-01-20.json", "I-914B": "i-914b-2025-01-20.json"}[form]
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _stream(writer: PdfWriter, data: bytes, bbox=None) -> object:
    stream = DecodedStreamObject()
    stream.set_data(data)
    if bbox is not None:
        stream[NameObject("/Type")] = NameObject("/XObject")
        stream[NameObject("/Subtype")] = NameObject("/Form")
        stream[NameObject("/BBox")] = ArrayObject([FloatObject(v) for v in bbox])
    return writer._add_object(stream)


def _escape(text: str) -> str:
    return (
        text.encode("latin-1", "replace")
        .decode("latin-1")
        .replace("\\", "\\\\")
        .replace("(", "\\(")
        .replace(")", "\\)")
    )


def _export_value(key: str, value: str) -> str:
    return "/" + re.sub(r"[^A-Za-z0-9]", "", value.title()) or "/On"


def official_pdf(
    form: str = "I-918B",
    *,
    suffix: str = "",
    xfa: bool = False,
    empty_password: bool = False,
    password: str = "",
    drop: tuple[str, ...] = (),
    as_checkbox: tuple[str, ...] = (),
    export_values: dict[str, str] | None = None,
    small: tuple[str, ...] = (),
) -> bytes:
    """The PDF's bytes. `drop`, `as_checkbox`, `export_values` and `small` name fields by
    their base name (without suffix)."""
    data = edition_data(form)
    field_map = data["field_map"]
    kinds: dict[str, tuple[str, str, str]] = {}
    for key, name, kind in mapped_names(field_map):
        kinds[name] = (key, kind, "")
    for key, spec in field_map.items():
        if isinstance(spec, dict) and "options" in spec:
            for value, option in spec["options"].items():
                kinds[option["field"]] = (key, "checkbox", _export_value(key, value))
    fields = [(name, kind, export, key) for name, (key, kind, export) in kinds.items()]
    fields += [(name, kind, "", tooltip) for name, kind, tooltip in EXTRAS]

    writer = PdfWriter()
    pages = [writer.add_blank_page(612, 792) for _ in range(5)]
    helvetica = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    for page in pages:
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/Helv"): helvetica})}
        )
    content = {
        i: [f"BT /Helv 12 Tf 40 760 Td ({_escape(data['title'])} - page {i + 1}) Tj ET"]
        for i in range(5)
    }
    cursor = {i: [40.0, 730.0] for i in range(5)}
    nodes: dict[str, DictionaryObject] = {}
    top: list = []
    annots: dict[int, list] = {i: [] for i in range(5)}
    for name, kind, export, key in fields:
        if name in drop:
            continue
        if name in as_checkbox:
            kind, export = "checkbox", "/On"
        if export_values and name in export_values:
            export = export_values[name]
        components = name.split(".")
        page_index = PAGES.get(components[1], 0)
        parent = None
        for depth in range(1, len(components)):
            path = ".".join(components[:depth])
            if path not in nodes:
                node = DictionaryObject(
                    {
                        NameObject("/T"): TextStringObject(components[depth - 1]),
                        NameObject("/Kids"): ArrayObject(),
                    }
                )
                if parent is not None:
                    node[NameObject("/Parent")] = parent.indirect_reference
                ref = writer._add_object(node)
                if parent is None:
                    top.append(ref)
                else:
                    parent["/Kids"].append(ref)
                nodes[path] = node
            parent = nodes[path]
        multiline = kind == "text" and re.search(
            r"Explanation|AdditionalInfo|Citations|Involvement|Line5_Other|Line3_Other", name
        )
        width, height = (250.0, 60.0) if multiline else (240.0, 16.0)
        if name in small:
            width, height = (30.0, 14.0) if not multiline else (200.0, 20.0)
        if kind == "checkbox":
            width, height = 10.0, 10.0
        x, y = cursor[page_index]
        if y - height < 40:
            x, y = x + 280, 730.0
        rect = [x, y - height, x + width, y]
        cursor[page_index] = [x, y - height - 16]
        label = f"{components[-1]}: {key}"[:90]
        content[page_index].append(f"BT /Helv 6 Tf {x} {y + 2} Td ({_escape(label)}) Tj ET")
        widget = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/T"): TextStringObject(components[-1] + suffix),
                NameObject("/TU"): TextStringObject(f"{key}"),
                NameObject("/Rect"): ArrayObject([FloatObject(v) for v in rect]),
                NameObject("/F"): NumberObject(4),
                NameObject("/P"): pages[page_index].indirect_reference,
                NameObject("/Parent"): parent.indirect_reference,
                NameObject("/MK"): DictionaryObject(
                    {NameObject("/BC"): ArrayObject([FloatObject(0.4)] * 3)}
                ),
            }
        )
        if kind == "checkbox":
            box = f"0 0 {width} {height} re S".encode()
            on = box + b" 1 1 m 9 9 l S 1 9 m 9 1 l S"
            widget.update(
                {
                    NameObject("/FT"): NameObject("/Btn"),
                    NameObject("/V"): NameObject("/Off"),
                    NameObject("/AS"): NameObject("/Off"),
                    NameObject("/AP"): DictionaryObject(
                        {
                            NameObject("/N"): DictionaryObject(
                                {
                                    NameObject(export): _stream(writer, on, [0, 0, width, height]),
                                    NameObject("/Off"): _stream(writer, box, [0, 0, width, height]),
                                }
                            )
                        }
                    ),
                }
            )
        elif kind == "button":
            widget.update(
                {NameObject("/FT"): NameObject("/Btn"), NameObject("/Ff"): NumberObject(1 << 16)}
            )
        else:
            widget.update(
                {
                    NameObject("/FT"): NameObject("/Tx"),
                    NameObject("/DA"): TextStringObject("/Helv 0 Tf 0 g"),
                }
            )
            if multiline:
                widget[NameObject("/Ff")] = NumberObject(1 << 12)
        ref = writer._add_object(widget)
        parent["/Kids"].append(ref)
        annots[page_index].append(ref)
    for index, page in enumerate(pages):
        page[NameObject("/Annots")] = ArrayObject(annots[index])
        page[NameObject("/Contents")] = _stream(writer, "\n".join(content[index]).encode("latin-1"))
    acro_form = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject(top),
            NameObject("/DA"): TextStringObject("/Helv 0 Tf 0 g"),
            NameObject("/DR"): DictionaryObject(
                {NameObject("/Font"): DictionaryObject({NameObject("/Helv"): helvetica})}
            ),
        }
    )
    if xfa:
        acro_form[NameObject("/XFA")] = ArrayObject(
            [
                TextStringObject("template"),
                _stream(writer, b"<template xmlns='http://www.xfa.org/schema/xfa-template/3.3/'/>"),
            ]
        )
        writer._root_object[NameObject("/Perms")] = DictionaryObject(
            {
                NameObject("/UR3"): writer._add_object(
                    DictionaryObject({NameObject("/Type"): NameObject("/Sig")})
                )
            }
        )
        writer._root_object[NameObject("/NeedsRendering")] = NameObject("/true")
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(acro_form)
    if empty_password or password:
        writer.encrypt(user_password=password, owner_password="uscis-owner", algorithm="AES-128")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
