"""Draft documents: Form I-918 Supplement B, Form I-914 Supplement B and the cover letter.

- `inputs`: reads a request (with the directory and the agency's answers) into a plain,
  JSON-serialisable snapshot; its hash says whether a stored file is still current.
- `drafts`: turns a snapshot into the parts and items of the form (pure, no database).
- `letter`: turns a snapshot into the content of the cover letter (pure, no database).
- `render`: turns a snapshot into PDF bytes with WeasyPrint (pure, no database).
"""
