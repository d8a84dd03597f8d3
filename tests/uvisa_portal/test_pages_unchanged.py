"""Nothing a user needs changes: each persona's pages show the text, links and form fields
recorded in tests/data/pages_before.json (tests/pages_snapshot.py says what is compared and
what is normalised away: markup, whitespace, date formats, "Counted at" stamps).

The snapshot runs in a subprocess: it builds its own SQLite database from the demo loaders
and the factories, with the clock frozen, whatever database the suite itself uses.

When a change alters what a page shows on purpose, regenerate the record and commit it with
the change, so the review shows the difference:
`python tests/pages_snapshot.py snapshot tests/data/pages_before.json`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests import pages_snapshot

ROOT = Path(__file__).resolve().parents[2]
BEFORE = ROOT / "tests" / "data" / "pages_before.json"
# Lines of the diff shown in a failure; the command above prints all of them.
SHOWN = 400


def test_every_persona_sees_the_recorded_pages(tmp_path):
    after = tmp_path / "pages_after.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "pages_snapshot.py"), "snapshot", str(after)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, f"the snapshot failed:\n{run.stdout[-2000:]}{run.stderr[-6000:]}"

    differences = pages_snapshot.diff_snapshots(
        json.loads(BEFORE.read_text()), json.loads(after.read_text())
    )

    assert not differences, (
        f"{len(differences)} lines of differences from {BEFORE.name} "
        f"(`python tests/pages_snapshot.py diff {BEFORE.relative_to(ROOT)} AFTER.json`):\n"
        + "\n".join(differences[:SHOWN])
    )


def _snapshot(html: str) -> dict:
    return {"pages": {"advocate_a": {"/": {"status": 200, **pages_snapshot.read_html(html, "/")}}}}


def test_the_comparison_ignores_markup_and_date_formats():
    before = _snapshot(
        "<main><p>Due <b>Jan. 5, 2026</b>, 3 p.m.</p><a href='?b=2&a=1'>Next</a>"
        "<form method=post><select name=s><option value=1>One<option value=2>Two</select>"
        "<input name=d type=date value=2026-01-05></form></main>"
    )
    after = _snapshot(
        "<main>\n<p>Due</p> <p>5 January 2026, 15:00</p>\n<a href='/?a=1&b=2&page=1'>Next</a>"
        "<form method='POST' action='/'><input type=date name=d value='2026-01-05'>"
        "<select name=s><option value=1 selected>One</option><option value=2>Two</option>"
        "</select></form></main>"
    )

    assert pages_snapshot.diff_snapshots(before, after) == []


def test_the_comparison_reports_text_links_and_fields_that_changed():
    before = _snapshot(
        "<p>Due 5 January 2026</p><a href='/?a=1&b=2'>Next</a>"
        "<form method=post><input type=checkbox name=c value=y checked></form>"
    )
    after = _snapshot(
        "<p>Due 6 January 2026</p><a href='/?a=1'>Next</a>"
        "<form method=post><input type=checkbox name=c value=y></form>"
    )

    differences = pages_snapshot.diff_snapshots(before, after)

    assert differences[0] == "advocate_a /:"
    assert "  text -Due 2026-01-05" in differences
    assert "  text +Due 2026-01-06" in differences
    assert "  link - /?a=1&b=2" in differences
    assert "  link + /?a=1" in differences
    assert "  form POST / field c (checkbox) checked: True -> False" in differences
