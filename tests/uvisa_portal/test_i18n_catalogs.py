"""The catalogs under locale/: in step with the code, compiled, complete in Spanish, honest
about who translated them. Needs Debian's gettext (msgfmt, xgettext; .ci/run installs it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from .catalogs import CATALOG_LANGUAGES, catalog_path, msgids, po_entries

# What makemessages reads: the project without its environment, data and tests.
NOT_SCANNED = {".git", ".venv", "var", "tests", "bench", "static", "node_modules", "__pycache__"}


def _makemessages_into_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=lambda directory, names: [n for n in names if n in NOT_SCANNED],
        symlinks=True,
    )
    languages = [arg for code in CATALOG_LANGUAGES for arg in ("-l", code)]
    env = {**os.environ, "DEBUG": "1", "VAR_DIR": str(tmp_path / "var")}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", *languages, "--no-location", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    return copy


def test_the_catalogs_hold_exactly_the_messages_of_the_code(tmp_path):
    copy = _makemessages_into_copy(tmp_path)
    problems = []
    for language in CATALOG_LANGUAGES:
        committed = msgids(catalog_path(language))
        current = msgids(copy / "locale" / language / "LC_MESSAGES" / "django.po")
        for entry in sorted(current - committed, key=str):
            problems.append(f"{language}: new, not in the catalog: {entry}")
        for entry in sorted(committed - current, key=str):
            problems.append(f"{language}: obsolete, no longer in the code: {entry}")
    assert not problems, "Run `make messages` and translate:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_the_committed_mo_is_the_compiled_po(tmp_path, language):
    compiled = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(compiled), str(catalog_path(language))], check=True
    )
    assert compiled.read_bytes() == catalog_path(language, "mo").read_bytes(), (
        f"locale/{language}/LC_MESSAGES/django.mo is older than its .po: run `make messages`"
    )


def test_the_spanish_catalog_is_complete():
    result = subprocess.run(
        ["msgfmt", "--statistics", "-o", os.devnull, str(catalog_path("es"))],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    untranslated = [
        e["msgid"]
        for e in po_entries(catalog_path("es"))[1:]
        if not all(v for k, v in e.items() if k.startswith("msgstr"))
    ]
    assert not untranslated


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_each_catalog_says_who_translated_it_and_whether_it_was_reviewed(language):
    header = po_entries(catalog_path(language))[0]["msgstr"]
    assert f"Language: {language}\n" in header
    assert "Last-Translator: " in header
    assert "X-Translation-Review: " in header
