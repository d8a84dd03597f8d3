"""Data-migration steps that encrypt (and, reversed, decrypt) existing values in place.

Used by the migrations that turn plain columns into encrypted ones: the column is first made
plain text, these steps encrypt every value, then the field becomes its encrypted type (no
change to the column). Values the key ring already opens are left alone, so a step that was
interrupted, or is run again, does no harm.
"""

from __future__ import annotations

from django.db import migrations

from . import crypto

BATCH_SIZE = 500


def _rewrite(apps, columns: dict[str, list[str]], app_label: str, change) -> None:
    for model_name, fields in columns.items():
        model = apps.get_model(app_label, model_name)
        last_pk = 0
        while True:
            # Batches by primary key, each read whole before it is written (no cursor is held
            # open over the rows being updated).
            rows = list(
                model._base_manager.filter(pk__gt=last_pk)
                .order_by("pk")
                .values_list("pk", *fields)[:BATCH_SIZE]
            )
            if not rows:
                break
            last_pk = rows[-1][0]
            batch = []
            for pk, *values in rows:
                # Every listed field is written back (bulk_update sets them all), changed or not.
                new = [v if v is None or v == "" else change(v) for v in values]
                if new != values:
                    batch.append(model(pk=pk, **dict(zip(fields, new, strict=True))))
            if batch:
                model._base_manager.bulk_update(batch, fields)


def _encrypt_value(value) -> str:
    text = value if isinstance(value, str) else str(value)
    return text if crypto.opens(text) else crypto.encrypt_text(text)


def _decrypt_value(value) -> str:
    return crypto.decrypt_text(value) if crypto.opens(value) else value


def encrypt_columns(app_label: str, columns: dict[str, list[str]]) -> migrations.RunPython:
    """A reversible step: encrypt the plain text of `columns` ({model: [field, ...]})."""

    def forwards(apps, schema_editor):
        _rewrite(apps, columns, app_label, _encrypt_value)

    def backwards(apps, schema_editor):
        _rewrite(apps, columns, app_label, _decrypt_value)

    return migrations.RunPython(forwards, backwards, elidable=False)
