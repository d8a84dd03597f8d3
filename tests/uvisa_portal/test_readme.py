"""The README is where a new person starts: every file it or the reference pages in docs/ link
to exists, and it opens with what to do first, not with architecture."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_every_relative_link_and_image_resolves():
    missing = []
    for page in _pages():
        for target in LINK.findall(page.read_text()):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            path = target.split("#", 1)[0]
            if not (page.parent / path).exists():
                missing.append(f"{page.relative_to(ROOT)} -> {target}")
    assert not missing, missing


def test_the_readme_begins_with_the_first_five_minutes_and_stays_short():
    text = (ROOT / "README.md").read_text()
    headings = re.findall(r"(?m)^## (.+)$", text)
    assert headings[0] == "The first five minutes"
    assert len(text.splitlines()) < 400
