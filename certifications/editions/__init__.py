"""USCIS's own certification forms, edition by edition (pure: no database).

- `pdf`: reads an official fillable PDF's fields and tooltips, and checks them against an
  edition's field map (what the loader refuses, and why);
- `values`: turns a request's document snapshot into the value of each item of an edition;
- `fill`: writes those values into the official PDF, with appearances drawn in an embedded
  Unicode font, and continues what does not fit in Part 7.

The editions themselves are rows (`certifications.models.FormEdition`), loaded from the data
files in `data/`.
"""
