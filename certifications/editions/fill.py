"""Filling USCIS's official fillable PDF with an edition's values.

What the form asks and the portal does:
- every item the portal knows is filled; boxes are set with the PDF's own export values
  (read at load), never an assumed "/Yes";
- the XFA part and the usage rights are removed, so readers show the filled AcroForm (a
  reader that finds XFA shows the XFA form, and usage rights signed over the blank form are
  broken by any change);
- the fields stay editable; their appearances are drawn now, in Noto Sans embedded as a
  subset (pypdf's default WinAnsi appearances cannot draw Vietnamese, Yoruba or Hawaiian
  letters), and /NeedAppearances is off so that no reader redraws them with a font that lacks
  those letters. The subset also keeps the Latin ranges, so the official can still type;
- text too long for its box continues in Part 7, each block naming the page, part and item
  it belongs to ("If you need extra space to complete any item, use the space in Part 7",
  Form I-918 Supplement B instructions); the box says where.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from typing import Any

from fontTools import subset
from fontTools.ttLib import TTFont
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

# pypdf's own appearance-stream font (it embeds a TrueType file as a CIDFontType2 with
# Identity-H and a ToUnicode map); not re-exported by pypdf.generic, pinned by the lock file.
from pypdf.generic._font import Font

from .pdf import base_name, pdf_open, qualified_name

logger = logging.getLogger(__name__)

FONT_RESOURCE = "/NotoSansPortal"
SEE_PART_7 = "See Part 7."
# Kept in the font subset beyond the characters written, so the official can still correct a
# field in a PDF reader: Basic Latin, Latin-1, Latin Extended-A and -B, IPA and spacing
# modifiers (Hawaiian ʻokina), combining diacritics (Yoruba tone marks), Latin Extended
# Additional (Vietnamese), general punctuation.
EDITABLE_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0x2FF),
    (0x300, 0x36F),
    (0x1E00, 0x1EFF),
    (0x2010, 0x2027),
)
# Variable-size ("0 Tf") boxes are measured at this size: smaller is hard to read on paper.
AUTO_SIZE = 9.0
MIN_SIZE = 6.0
LEADING = 1.2
PADDING = 4.0
_DA_FONT = re.compile(r"/[^\s/]+\s+([\d.]+)\s+Tf")


@dataclass
class _Text:
    key: str
    base: str
    text: str
    part: int
    number: str
    primary: bool


@lru_cache(maxsize=4)
def _font_metrics(path: str) -> tuple[dict[int, int], int]:
    """Advance width of each character of the font, and its units per em."""
    font = TTFont(path, lazy=True)
    cmap = font.getBestCmap()
    metrics = font["hmtx"].metrics
    units = font["head"].unitsPerEm
    widths = {code: metrics[glyph][0] for code, glyph in cmap.items()}
    font.close()
    return widths, units


def _width(text: str, size: float, font_path: str) -> float:
    widths, units = _font_metrics(font_path)
    default = widths.get(ord("M"), units // 2)
    return sum(widths.get(ord(c), default) for c in text) * size / units


def fits(text: str, pdf_field: dict[str, Any], font_path: str, size: float | None = None) -> bool:
    """Whether `text` fits its box at `size`, else the box's size (AUTO_SIZE for a variable
    one)."""
    if pdf_field.get("max_len") and len(text) > pdf_field["max_len"]:
        return False
    size = size or pdf_field.get("font_size") or AUTO_SIZE
    room = pdf_field["width"] - 2 * PADDING
    if not pdf_field.get("multiline"):
        return "\n" not in text and _width(text, size, font_path) <= room
    lines = 0
    for paragraph in text.splitlines() or [""]:
        line = ""
        lines += 1
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if _width(candidate, size, font_path) <= room or not line:
                line = candidate
            else:
                lines += 1
                line = word
    return lines * size * LEADING <= pdf_field["height"] - PADDING


def _texts(field_map, values, items) -> tuple[list[_Text], dict[str, str]]:
    """The text of every text box and the export value of every box to check."""
    texts: list[_Text] = []
    checks: dict[str, str] = {}
    for key, value in values.items():
        spec = field_map.get(key)
        item = items.get(key)
        if spec is None or item is None or item["kind"] in ("signature", "additional_info"):
            continue
        if isinstance(spec, list):
            for i, name in enumerate(spec):
                texts.append(_Text(key, name, str(value), item["part"], item["number"], i == 0))
        elif "options" in spec:
            for chosen in value if isinstance(value, list) else [value]:
                option = spec["options"].get(chosen)
                if option and option.get("on"):
                    checks[option["field"]] = option["on"]
        else:
            # The structure's order, not the map's: a JSON object's keys have none (PostgreSQL's
            # jsonb sorts them).
            order = item.get("subfields") or sorted(spec)
            parts = dict(zip(order, value, strict=False)) if isinstance(value, list) else value
            letters = "abcdefgh"
            for n, sub in enumerate(order):
                names = spec.get(sub, [])
                text = str(parts.get(sub) or "")
                if not text:
                    continue
                number = item["number"]
                if item["kind"] == "name":
                    number = f"{number}.{letters[n]}"
                for i, name in enumerate(names):
                    texts.append(_Text(key, name, text, item["part"], number, i == 0))
    return texts, checks


def _continuations(texts, extra, pdf_fields, font_path) -> list[tuple[str, str, str, str]]:
    """Move what does not fit to Part 7: (page, part, item, text) blocks."""
    moved = []
    overflowing = {
        (t.key, t.number)
        for t in texts
        if t.primary and t.base in pdf_fields and not fits(t.text, pdf_fields[t.base], font_path)
    }
    for t in texts:
        if (t.key, t.number) in overflowing:
            if t.primary:
                page = str(pdf_fields[t.base]["page"])
                moved.append((page, str(t.part), t.number, t.text))
            t.text = SEE_PART_7
    return moved + extra


def _fitting_words(text: str, pdf_field: dict[str, Any], font_path: str) -> int:
    """How many of the text's words fit the box at MIN_SIZE (at least one)."""
    words = text.split(" ")
    low, high = 1, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(" ".join(words[:middle]), pdf_field, font_path, MIN_SIZE):
            low = middle
        else:
            high = middle - 1
    return low


def _blocks(field_map, entries, pdf_fields, font_path) -> dict[str, str]:
    """Part 7's blocks, in order.

    1. Each entry takes the next block; an entry too long for its block (at MIN_SIZE) is cut
       at a word and its rest takes the following block, with the same page, part and item.
    2. Entries beyond the last block go into it, each prefixed with its page, part and item
       (the box keeps all of it; a reader scrolls).
    """
    spec = (field_map.get("additional.information") or {}).get("blocks") or []
    filled: dict[str, str] = {}
    queue = list(entries)
    for n, block in enumerate(spec):
        if not queue:
            break
        page, part, item, text = queue.pop(0)
        filled.update({block["page"]: page, block["part"]: part, block["item"]: item})
        if n == len(spec) - 1:
            if queue:
                text = "\n\n".join(
                    f"Page {p}, Part {pt}, Item {i}: {t}"
                    for p, pt, i, t in [(page, part, item, text), *queue]
                )
            filled[block["text"]] = text
            break
        box = pdf_fields.get(block["text"])
        if box is not None and not fits(text, box, font_path, MIN_SIZE):
            words = text.split(" ")
            cut = _fitting_words(text, box, font_path)
            text, rest = " ".join(words[:cut]), " ".join(words[cut:])
            if rest:
                queue.insert(0, (page, part, item, rest))
        filled[block["text"]] = text
    return filled


def _font(font_path: str, texts: list[str]) -> Font:
    """A subset of the font holding every character written plus EDITABLE_RANGES."""
    options = subset.Options()
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    codepoints = {ord(c) for text in texts for c in text}
    for start, end in EDITABLE_RANGES:
        codepoints.update(range(start, end + 1))
    font = TTFont(font_path)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    out = BytesIO()
    font.save(out)
    return Font.from_truetype_font_file(BytesIO(out.getvalue()))


def _with_font(default_appearance: Any) -> TextStringObject:
    da = str(default_appearance or "")
    if _DA_FONT.search(da):
        return TextStringObject(_DA_FONT.sub(lambda m: f"{FONT_RESOURCE} {m.group(1)} Tf", da))
    return TextStringObject(f"{FONT_RESOURCE} 0 Tf 0 g")


def _multiline_appearance(
    writer: PdfWriter, widget: Any, text: str, font: Font, font_ref: Any, size: float
) -> None:
    """Draw a multi-line box's appearance: wrapped at its width, the largest size from `size`
    down to MIN_SIZE that fits its height. pypdf 7.1 measures the words of a multi-line box
    by their characters instead of their glyphs when the font is embedded, so its lines run
    past the box's edge and are cut off on paper."""
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    width, height = abs(x2 - x1), abs(y2 - y1)
    glyph_of = {char: gid for gid, char in font.character_map.items()}
    default = font.character_widths.get("default", 500)

    def measure(line: str, at: float) -> float:
        return (
            sum(font.character_widths.get(glyph_of.get(c, ""), default) for c in line) * at / 1000
        )

    def wrap(at: float) -> list[str]:
        lines = []
        for paragraph in text.splitlines() or [""]:
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if not line or measure(candidate, at) <= width - 2 * PADDING:
                    line = candidate
                else:
                    lines.append(line)
                    line = word
            lines.append(line)
        return lines

    while True:
        lines = wrap(size)
        if len(lines) * size * LEADING <= height - PADDING or size <= MIN_SIZE:
            break
        size = max(MIN_SIZE, size - 0.5)
    shown = ["".join(glyph_of.get(c, chr(0)) for c in line) for line in lines]
    body = "\n".join(f"<{line.encode('utf-16-be', 'surrogatepass').hex()}> Tj T*" for line in shown)
    stream = DecodedStreamObject()
    stream.set_data(
        (
            f"/Tx BMC\nq\n1 1 {width - 2:.2f} {height - 2:.2f} re W n\nBT\n"
            f"{FONT_RESOURCE} {size} Tf 0 g {size * LEADING:.2f} TL\n"
            f"{PADDING / 2} {height - PADDING / 2 - size:.2f} Td\n{body}\nET\nQ\nEMC\n"
        ).encode("ascii")
    )
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                [FloatObject(0), FloatObject(0), FloatObject(width), FloatObject(height)]
            ),
            NameObject("/Resources"): DictionaryObject(
                {NameObject("/Font"): DictionaryObject({NameObject(FONT_RESOURCE): font_ref})}
            ),
        }
    )
    widget[NameObject("/AP")] = DictionaryObject({NameObject("/N"): writer._add_object(stream)})


def official_pdf_fill(
    *,
    pdf: bytes,
    pdf_fields: list[dict[str, Any]],
    field_map: dict[str, Any],
    items: list[dict[str, Any]],
    values: dict[str, Any],
    font_path: str,
) -> bytes:
    """USCIS's PDF with `values` written in (see the module's docstring).

    1. Resolve each value to its boxes: texts (with part and item) and checkbox states.
    2. Measure each text against its box; what does not fit goes to Part 7's blocks.
    3. Open the PDF (decrypting an empty password), drop XFA and usage rights.
    4. Embed the font subset in the form's resources and point each filled box's default
       appearance at it; pypdf draws the one-line boxes, `_multiline_appearance` the others;
       set each checkbox's state.
    """
    by_base = {f["base"]: f for f in reversed(pdf_fields)}
    items_by_key = {item["key"]: item for item in items}
    texts, checks = _texts(field_map, values, items_by_key)
    extra = []
    if values.get("family.more"):
        last = items_by_key.get("family.member_3")
        spec = field_map.get("family.member_3") or {}
        name = next(iter(spec.values()), [""])[0] if spec else ""
        page = str(by_base.get(name, {}).get("page", ""))
        if last is not None:
            extra.append(
                (
                    page,
                    str(last["part"]),
                    last["number"],
                    "; ".join(
                        f"{m['family']} ({m['relationship']})" for m in values["family.more"]
                    ),
                )
            )
    entries = _continuations(texts, extra, by_base, font_path)
    text_values = {t.base: t.text for t in texts}
    text_values.update(_blocks(field_map, entries, by_base, font_path))

    writer = PdfWriter(clone_from=pdf_open(pdf))
    root = writer.root_object
    acro_form = root["/AcroForm"].get_object()
    acro_form.pop("/XFA", None)
    root.pop("/Perms", None)
    root.pop("/NeedsRendering", None)
    font = _font(font_path, list(text_values.values()))
    drawable = set(font.character_map.values()) | {"\n", "\r"}
    undrawable = {c for text in text_values.values() for c in text if c not in drawable}
    if undrawable:
        # The value is in the field all the same; only its appearance lacks the glyphs. The
        # count, never the text: no victim data in logs.
        logger.warning("official form: %d character(s) the font cannot draw", len(undrawable))
    resources = acro_form.setdefault(NameObject("/DR"), DictionaryObject()).get_object()
    fonts = resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
    font_ref = font._add_to_writer(writer, fonts, NameObject(FONT_RESOURCE))

    per_page: dict[int, dict[str, str]] = defaultdict(dict)
    for index, page in enumerate(writer.pages):
        for annotation in page.get("/Annots") or []:
            widget = annotation.get_object()
            if widget.get("/Subtype") != "/Widget":
                continue
            name, terminal = qualified_name(widget)
            base = base_name(name)
            if base in text_values:
                widget[NameObject("/DA")] = _with_font(widget.get("/DA") or terminal.get("/DA"))
                if by_base.get(base, {}).get("multiline"):
                    terminal[NameObject("/V")] = TextStringObject(text_values[base])
                    size = by_base[base].get("font_size") or AUTO_SIZE
                    _multiline_appearance(writer, widget, text_values[base], font, font_ref, size)
                else:
                    per_page[index][name] = text_values[base]
            elif base in checks:
                state = NameObject(checks[base])
                terminal[NameObject("/V")] = state
                if state in (widget.get("/AP", {}).get("/N", {}) or {}):
                    widget[NameObject("/AS")] = state
    for index, fields in per_page.items():
        writer.update_page_form_field_values(writer.pages[index], fields, auto_regenerate=False)
    writer.set_need_appearances_writer(False)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
