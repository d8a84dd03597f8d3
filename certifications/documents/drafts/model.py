"""The plain data a draft worksheet is rendered from (what `templates/documents/
supplement_b.html` reads)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Option:
    label: str
    checked: bool


@dataclass
class Cell:
    """One box of an item with several (a name's family / given / middle, an address, a date)."""

    label: str
    value: str = ""


@dataclass
class Item:
    key: str
    number: str
    label: str
    kind: str
    anchor: str = ""
    value: str = ""
    options: list[Option] | None = None
    cells: list[Cell] | None = None
    # A one-row table (Part 5: a family member's name, relationship and involvement).
    row: list[Cell] | None = None
    columns: bool = False
    # One option per line (long option labels: the T form's kinds of trafficking).
    stacked: bool = False
    long: bool = False
    # The official's ink (Part 6 signature).
    for_official: bool = False
    # An answer only the certifying official may give, not given yet: left empty, never
    # pre-checked (8 CFR 214.14(c)(2)(i): the certification is the official's statement).
    awaiting_official: bool = False
    continued_in: int | None = None

    @property
    def option_columns(self) -> list[list[Option]]:
        """The options in three columns, filled top to bottom (Part 3, Item 1)."""
        options = self.options or []
        size = -(-len(options) // 3)
        return [options[i : i + size] for i in range(0, len(options), size)] if size else []


@dataclass
class Part:
    number: int
    title: str
    items: list[Item]


@dataclass
class Continuation:
    entry: int
    part: int
    item: str
    anchor: str
    text: str


@dataclass
class FormDraft:
    form_number: str
    title: str
    edition: str
    reference: str
    parts: list[Part] = field(default_factory=list)
    continuations: list[Continuation] = field(default_factory=list)
    attestation: str = ""
    # The part that takes what does not fit (the edition's additional-information part).
    additional_number: int | None = None
    additional_title: str = ""
    # Who signs (8 CFR 214.14(a)(3)): head of the agency, a designated official, or a judge.
    capacity: list[Option] = field(default_factory=list)
    head_title: str = ""
    designee: bool = False
