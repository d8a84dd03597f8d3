"""Checking an uploaded PDF: readable, not encrypted, no active content, bounded decompression.

OWASP ASVS 12.1.2 (a ceiling on the uncompressed size of compressed content) and 12.2.1 (only
the content the portal needs): a police report or a Notice to Appear never needs scripts,
links out, actions that run by themselves, forms that send data or files carried inside it.
Such a PDF is refused, saying which feature was found, rather than altered: the portal does
not rewrite evidence.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.filters import decode_stream_data
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from .images import MAX_IMAGE_PIXELS, image_too_large

ADVICE = gettext_lazy("Print it to PDF again or scan it, then upload the new file.")

# What each feature does, in words an advocate can act on. A parsed name is compared, so an
# escaped spelling such as `/J#61vaScript` is caught as `/JavaScript`.
_SCRIPT = gettext_lazy("scripts (JavaScript) that run inside the reader")
_EMBEDDED = gettext_lazy("an attached file carried inside it")
_MEDIA = gettext_lazy("embedded video, sound, Flash or 3D content")
# Dictionary keys that only carry active content.
ACTIVE_KEYS = {
    "/JS": _SCRIPT,
    "/JavaScript": _SCRIPT,  # the document-level script name tree
    "/EmbeddedFiles": _EMBEDDED,  # the attachment name tree
    "/EF": _EMBEDDED,  # a file specification with the file inside
    "/XFA": gettext_lazy("an XFA form that can run scripts and send data"),
    "/RichMediaContent": _MEDIA,
}
# Names used as values: action types (/S), annotation subtypes (/Subtype), object types.
ACTIVE_VALUES = {
    "/JavaScript": _SCRIPT,
    "/Launch": gettext_lazy(
        "an action that starts a program or opens a file on the reader's computer"
    ),
    "/URI": gettext_lazy("a link that opens a web address"),
    "/GoToR": gettext_lazy("a link that opens another PDF file"),
    "/GoToE": gettext_lazy("a link that opens a file carried inside it"),
    "/SubmitForm": gettext_lazy("a form that sends what is typed into it to a web address"),
    "/ImportData": gettext_lazy("a form that loads its data from another file"),
    "/EmbeddedFile": _EMBEDDED,
    "/FileAttachment": _EMBEDDED,
    "/RichMedia": _MEDIA,
    "/RichMediaExecute": _MEDIA,
    "/Rendition": _MEDIA,
    "/Movie": _MEDIA,
    "/Sound": _MEDIA,
    "/3D": _MEDIA,
}
# Actions that run without a click: the document's /OpenAction and any /AA (additional
# actions: on open, close, print, page view, field focus...). Only moving within the document
# is harmless there.
AUTOMATIC_KEYS = ("/OpenAction", "/AA")
HARMLESS_AUTOMATIC_ACTIONS = frozenset({"/GoTo"})
_AUTOMATIC = gettext_lazy(
    "an action that runs by itself when the file or a page is opened, closed or printed"
)
# Filters that only unpack bytes; the image codecs after them (JPEG, JPEG 2000, JBIG2, CCITT)
# are left to the pixel-count bound, as a viewer decodes them to width x height pixels.
UNPACKING_FILTERS = frozenset(
    {
        "/FlateDecode",
        "/Fl",
        "/LZWDecode",
        "/LZW",
        "/ASCIIHexDecode",
        "/AHx",
        "/ASCII85Decode",
        "/A85",
        "/RunLengthDecode",
        "/RL",
        "/BrotliDecode",
    }
)
# Every other filter the PDF standard defines (ISO 32000-2, 7.4): the image codecs and /Crypt.
# A filter outside both lists is one no reader can decode: the file is not a sound PDF.
OTHER_FILTERS = frozenset(
    {"/DCTDecode", "/DCT", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode", "/CCF", "/Crypt"}
)
# Parsed objects visited at most: a hostile file cannot make the walk run for ever.
PDF_MAX_OBJECTS = 50_000


def _active(feature: str, name: str) -> ValidationError:
    return ValidationError(
        _("This PDF contains %(feature)s (%(name)s), which the portal does not accept.")
        % {"feature": feature, "name": name}
        + f" {ADVICE}",
        code="pdf_active_content",
    )


def _too_inflated() -> ValidationError:
    limit = settings.UPLOAD_MAX_INFLATED_BYTES // (1024 * 1024)
    return ValidationError(
        _(
            "This PDF unpacks to more than %(limit)s MB, far more than a scanned document "
            "needs, so the portal does not accept it."
        )
        % {"limit": limit}
        + f" {ADVICE}",
        code="pdf_too_inflated",
    )


def _too_complex() -> ValidationError:
    return ValidationError(
        _("This PDF is too complex to check.") + f" {ADVICE}", code="pdf_unreadable"
    )


def _unreadable() -> ValidationError:
    return ValidationError(
        _("This PDF could not be read. Save or scan it again and upload the new file."),
        code="pdf_unreadable",
    )


def check_pdf(data: bytes) -> None:
    """Raise a ValidationError saying why, if the PDF cannot be accepted.

    1. Parse it with every pypdf limit set to UPLOAD_MAX_INFLATED_BYTES; refuse encrypted or
       page-less files.
    2. Visit every object: those reachable from the trailer (catalog, pages, annotations,
       name trees, AcroForm) and every object the cross-reference tables and object streams
       list, reachable or not, since a reader repairing the file may find those too.
    3. In each dictionary, refuse active keys and names (`ACTIVE_KEYS`, `ACTIVE_VALUES`) and
       automatic actions other than moving within the document.
    4. Decode each stream's unpacking filters, counting the bytes of all streams together;
       refuse past UPLOAD_MAX_INFLATED_BYTES. Refuse images with more pixels than an image
       upload may have.
    Any parser failure means "could not be read", never a server error.
    """
    limit = settings.UPLOAD_MAX_INFLATED_BYTES
    try:
        with apply_configuration(**_limits(limit), jbig2dec_binary=None):
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise ValidationError(
                    _("This PDF is password-protected. Upload a copy without a password."),
                    code="pdf_encrypted",
                )
            if len(reader.pages) == 0:
                raise ValidationError(_("This PDF has no pages."), code="pdf_empty")
            _walk(reader, limit)
    except ValidationError:
        raise
    except LimitReachedError as exc:
        # One of pypdf's other ceilings (array length, page-tree depth, object-stream size).
        raise _too_complex() from exc
    except Exception as exc:  # noqa: BLE001 - a hostile file may break the parser anywhere
        raise _unreadable() from exc


def _limits(budget: int) -> dict[str, int]:
    # 0 means "no limit" to pypdf: never pass it.
    budget = max(budget, 1)
    return {
        "zlib_maximum_output_length": budget,
        "lzw_maximum_output_length": budget,
        "run_length_maximum_output_length": budget,
        "brotli_maximum_output_length": budget,
        "array_based_stream_maximum_output_length": budget,
        "jbig2_maximum_output_length": budget,
        "image_maximum_buffer_size": budget,
    }


def _every_object(reader: PdfReader) -> list:
    roots: list = [reader.trailer]
    for generation, entries in reader.xref.items():
        roots.extend(IndirectObject(number, generation, reader) for number in entries)
    roots.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    return roots


def _walk(reader: PdfReader, limit: int) -> None:
    seen: set[tuple[int, int]] = set()
    stack = _every_object(reader)
    visited = 0
    inflated = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            raise _too_complex()
        if isinstance(obj, DictionaryObject):
            _check_dictionary(obj)
            if isinstance(obj, StreamObject):
                inflated += _unpacked_size(obj, budget=limit - inflated)
                if inflated > limit:
                    raise _too_inflated()
            # `.items()` of a pypdf dictionary leaves references unresolved: the stack
            # resolves each once, so shared and cyclic references cost nothing.
            stack.extend(value for key, value in obj.items() if key != "/Parent")
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
        elif isinstance(obj, NameObject) and obj in ACTIVE_VALUES:
            # A name stored as an object of its own (`/S 7 0 R`), or inside an array.
            raise _active(ACTIVE_VALUES[obj], obj)


def _check_dictionary(obj: DictionaryObject) -> None:
    for key, value in obj.items():
        if key in ACTIVE_KEYS:
            raise _active(ACTIVE_KEYS[key], key)
        if isinstance(value, NameObject) and value in ACTIVE_VALUES:
            raise _active(ACTIVE_VALUES[value], value)
    for key in AUTOMATIC_KEYS:
        if key in obj:
            _check_automatic(obj[key], key)
    if _get(obj, "/Subtype") == "/Image":
        width, height = _get(obj, "/Width") or 0, _get(obj, "/Height") or 0
        if int(width) * int(height) > MAX_IMAGE_PIXELS:
            raise image_too_large()


def _get(obj: DictionaryObject, key: str):
    """The value under `key`, references resolved (pypdf's `get` leaves them as they are)."""
    return obj[key] if key in obj else None  # noqa: SIM401 - `get` would not resolve


def _check_automatic(value, key: str) -> None:
    """An /OpenAction may be a destination (an array: "open at page 1"); an /AA maps triggers
    to actions. Any action there other than /GoTo is refused, chained /Next actions included."""
    value = value.get_object() if isinstance(value, IndirectObject) else value
    if not isinstance(value, DictionaryObject):
        return
    actions = [value] if "/S" in value else [v.get_object() for v in value.values()]
    while actions:
        action = actions.pop()
        if not isinstance(action, DictionaryObject):
            continue
        kind = _get(action, "/S")
        if kind is not None and kind not in HARMLESS_AUTOMATIC_ACTIONS:
            if kind in ACTIVE_VALUES:
                raise _active(ACTIVE_VALUES[kind], kind)
            raise _active(_AUTOMATIC, key)
        chained = _get(action, "/Next")
        if isinstance(chained, ArrayObject):
            actions.extend(item.get_object() for item in chained)
        elif chained is not None:
            actions.append(chained.get_object())


def _unpacked_size(stream: StreamObject, *, budget: int) -> int:
    """The size of the stream once its unpacking filters are applied, decoded with at most
    `budget` + 1 bytes of output so a bomb stops there instead of filling memory. The stream
    is decoded through a copy, so the reader's cached objects do not keep the decoded bytes."""
    raw = stream._data  # the bytes as stored in the file, before any filter
    filters = _get(stream, "/Filter")
    if filters is None:
        return len(raw)
    filters = [f.get_object() for f in filters] if isinstance(filters, ArrayObject) else [filters]
    parms = _get(stream, "/DecodeParms")
    if parms is not None and not isinstance(parms, ArrayObject):
        parms = [parms]
    if any(f not in UNPACKING_FILTERS and f not in OTHER_FILTERS for f in filters):
        raise _unreadable()
    unpacking = 0
    while unpacking < len(filters) and filters[unpacking] in UNPACKING_FILTERS:
        unpacking += 1
    if unpacking == 0:
        return len(raw)
    probe = DecodedStreamObject()
    probe.set_data(raw)
    probe[NameObject("/Filter")] = ArrayObject(filters[:unpacking])
    if parms is not None:
        probe[NameObject("/DecodeParms")] = ArrayObject(list(parms)[:unpacking])
    try:
        with apply_configuration(**_limits(budget + 1)):
            return len(decode_stream_data(probe))
    except LimitReachedError as exc:
        raise _too_inflated() from exc
