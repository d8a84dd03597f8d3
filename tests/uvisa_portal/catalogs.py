"""Reading the project's gettext catalogs in tests, without a PO library."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

CATALOG_LANGUAGES = [code for code, _ in settings.LANGUAGES if code != "en"]


def catalog_path(language: str, suffix: str = "po") -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / f"django.{suffix}"


def po_entries(path: Path) -> list[dict[str, str]]:
    """The entries of a .po file (header first), each a dict of its msgctxt, msgid,
    msgid_plural and msgstr fields, with comments dropped."""
    entries, entry, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry:
                entries.append(entry)
            entry = None
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$", line)
        if match:
            entry = entry if entry is not None else {}
            field = match.group(1)
            entry[field] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and entry is not None:
            entry[field] += ast.literal_eval(line)
    return entries


def msgids(path: Path) -> set[tuple[str | None, str, str | None]]:
    return {
        (e.get("msgctxt"), e["msgid"], e.get("msgid_plural"))
        for e in po_entries(path)
        if e["msgid"]
    }
