"""The draft worksheets (Form I-918 / I-914 Supplement B), built from the request's form
edition: `builder` makes the plain data of `model`, which the template renders."""

from .builder import BOX_LIMITS, supplement_b_draft
from .model import Cell, Continuation, FormDraft, Item, Option, Part

__all__ = [
    "BOX_LIMITS",
    "Cell",
    "Continuation",
    "FormDraft",
    "Item",
    "Option",
    "Part",
    "supplement_b_draft",
]
