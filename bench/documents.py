"""Render-time benchmark of the draft documents (not a test: numbers vary with the machine).

    .venv/bin/python bench/documents.py [--runs N] [--out DIR]

Each document's median render time is reported as a ratio to rendering a one-line page with the
same WeasyPrint in the same run, so results compare across machines. Target: the I-918
Supplement B renders in under 2 x the one-line page + 0.3 s. The snapshots are built in memory
(no database): rendering is what is measured.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uvisa_portal.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("VAR_DIR", str(ROOT / "var" / "bench"))

import django  # noqa: E402

django.setup()

from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402

from certifications.documents.inputs import LAYOUT_VERSION  # noqa: E402
from certifications.documents.render import render_pdf  # noqa: E402
from certifications.models import DocumentKind  # noqa: E402

TARGET_FACTOR = 2.0
TARGET_EXTRA_SECONDS = 0.3


def sample_snapshot(*, form_type: str, maximal: bool = False) -> dict:
    """A fictional request as `document_inputs` reads it (every field filled)."""
    long = maximal

    def text(base: str, size: int) -> str:
        if not long:
            return base
        return (base + " ") * (size // (len(base) + 1)) + base[: size % (len(base) + 1)]

    return {
        "layout_version": LAYOUT_VERSION,
        "edition": "04/01/24" if form_type == "U" else "01/20/25",
        "reference": f"{form_type}V-2026-00042",
        "form_type": form_type,
        "is_draft_request": False,
        "letter_date": "2026-11-02",
        "victim": {
            "family_name": text("Nguyễn", 100),
            "given_name": text("Thị Hồng", 100),
            "middle_name": text("Muñoz", 100),
            "other_names": text("Hong Nguyen; Rosa Muñoz Cabdi", 300),
            "date_of_birth": "1990-05-17",
            "gender": "female",
            "a_number": "A123456789",
        },
        "in_removal_proceedings": True,
        "child_turns_21_on": "2027-01-15",
        "crimes": ["domestic_violence", "felonious_assault", "stalking", "similar_activity"],
        "similar_activity_description": text("Threats with a weapon", 300),
        "trafficking_types": ["labor_debt_bondage", "labor_peonage"],
        "crime_date_from": "2025-03-01",
        "crime_date_to": "2025-04-02",
        "crime_city": "Saint Paul",
        "crime_county": "Ramsey",
        "occurred_in_us": "yes",
        "statutes_cited": text("Minn. Stat. 609.2242; Minn. Stat. 609.749", 500),
        "case_number": text("SPPD-25-012345", 100),
        "narrative": text(
            "The victim was assaulted at home by her former partner, who had followed her "
            "for weeks. She called 911, gave a recorded statement the same night and "
            "identified the suspect in a photo line-up.",
            5000 if long else 0,
        ),
        "known_injuries": text("Bruising to the arms and a fractured wrist (ER records).", 3000),
        "helpfulness": text(
            "Gave a statement, identified the suspect, and testified at the omnibus hearing.",
            3000,
        ),
        "family_implicated": "yes",
        "family_members": [
            {"full_name": text("Xiong Vang", 200), "relationship": "Former partner"}
            for _ in range(6 if long else 1)
        ],
        "submitted_on": "2026-11-02",
        "due_date": "2026-11-16",
        "deadline_basis": "Minn. Stat. 611A.95: 14 days, removal proceedings",
        "decision_official_name": "",
        "decision_official_title": "",
        "agency": {
            "name": "Saint Paul Police Department",
            "address_lines": ["367 Grove St", "Saint Paul, MN 55101"],
            "phone": "651-555-0100",
            "fax": "651-555-0101",
            "email": "certifications@example.org",
            "level": "municipal",
            "kind": "police",
            "kind_label": "Police department",
        },
        "contact": {
            "name": "Sgt. Amina Cabdi",
            "title": "Sergeant",
            "division": "Family Violence Unit",
            "email": "amina.cabdi@example.org",
            "phone": "651-555-0110",
        },
        "organization": {
            "name": "Example Family Justice Center",
            "address": "1 Example Plaza\nSaint Paul, MN 55101",
            "phone": "651-555-0199",
            "email": "intake@example.org",
        },
        "advocate": {"name": "Rosa Muñoz", "email": "rosa@example.org"},
        "attachments": [
            {"kind": "notice_to_appear", "kind_label": "Notice to Appear", "name": "nta.pdf"},
            {"kind": "police_report", "kind_label": "Police report", "name": "report.pdf"},
        ],
        "answers": {},
        "statute_response_days": 90,
        "statute_expedited_days": 14,
    }


def _median_seconds(fn, runs: int) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds (CPU time is steadier on a shared machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--out", type=Path, help="also write the rendered PDFs here")
    args = parser.parse_args()

    documents = {
        "I-918 Supplement B (U)": (DocumentKind.SUPPLEMENT_B, sample_snapshot(form_type="U")),
        "I-914 Supplement B (T)": (DocumentKind.SUPPLEMENT_B, sample_snapshot(form_type="T")),
        "Cover letter (U)": (DocumentKind.COVER_LETTER, sample_snapshot(form_type="U")),
        "I-918 Supplement B, every field at maximum length": (
            DocumentKind.SUPPLEMENT_B,
            sample_snapshot(form_type="U", maximal=True),
        ),
    }
    # Warm up: fonts, template loading, imports.
    HTML(string="<p>Warm-up</p>").write_pdf()
    for kind, snapshot in documents.values():
        render_pdf(kind, snapshot)

    baseline, baseline_cpu = _median_seconds(
        lambda: HTML(string="<p>One line of text.</p>").write_pdf(), args.runs * 3
    )
    print(
        f"one-line page: median {baseline * 1000:.1f} ms wall, {baseline_cpu * 1000:.1f} ms CPU"
        f" over {args.runs * 3} runs"
    )
    print(f"{'document':52} {'wall':>9} {'ratio':>7} {'CPU':>9} {'ratio':>7} {'pages':>5}")
    ok = True
    for name, (kind, snapshot) in documents.items():
        pdf = render_pdf(kind, snapshot)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        seconds, cpu = _median_seconds(lambda k=kind, s=snapshot: render_pdf(k, s), args.runs)
        print(
            f"{name:52} {seconds * 1000:7.1f}ms {seconds / baseline:6.1f}x"
            f" {cpu * 1000:7.1f}ms {cpu / baseline_cpu:6.1f}x {pages:5}"
        )
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
            (args.out / f"{slug}.pdf").write_bytes(pdf)
        if name.startswith("I-918 Supplement B (U)"):
            for label, measured, base in (("wall", seconds, baseline), ("CPU", cpu, baseline_cpu)):
                limit = TARGET_FACTOR * base + TARGET_EXTRA_SECONDS
                met = measured < limit
                ok = ok and met
                print(
                    f"{'':52} {label}: target < {TARGET_FACTOR:g} x one-line"
                    f" + {TARGET_EXTRA_SECONDS:g} s = {limit * 1000:.0f} ms:"
                    f" {'met' if met else 'NOT met'}"
                )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
