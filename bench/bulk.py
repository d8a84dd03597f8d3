"""Bulk insertion for the benchmark's data set: rows built in memory with ids assigned here,
written with PostgreSQL's COPY (bulk_create elsewhere), sequences moved past them afterwards."""

from __future__ import annotations

import contextlib
import datetime
import io
import json
from collections.abc import Iterator

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

from uvisa_portal.fields import ENCRYPTED_FIELD_TYPES


def _stored_fields(model: type[models.Model]) -> list:
    """The columns a row is written with: generated columns are the database's to fill."""
    return [f for f in model._meta.concrete_fields if not f.generated]


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        value = json.dumps(value)
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def _stored(field: models.Field, value):
    """The value as its column holds it: COPY bypasses the fields, so the encrypted ones are
    encrypted here (victim data is never written in the clear, benchmark data included)."""
    if isinstance(field, ENCRYPTED_FIELD_TYPES):
        return field.encrypt_for_storage(field.get_prep_value(value))
    return value


@contextlib.contextmanager
def _keep_given_timestamps(model: type[models.Model]) -> Iterator[None]:
    """bulk_create stamps auto_now/auto_now_add fields with "now"; a decade of history needs the
    timestamps given here, so those flags are lifted for the duration of the insert."""
    saved = []
    for field in _stored_fields(model):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            saved.append((field, field.auto_now, field.auto_now_add))
            field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class Table:
    """Rows for one model, given as dicts of attname -> value, with ids assigned here."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = _stored_fields(model)
        self.next_id = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        self.rows: list[dict] = []
        self.inserted = 0

    def add(self, **values) -> int:
        values["id"] = self.next_id
        self.next_id += 1
        self.rows.append(values)
        return values["id"]

    def flush(self) -> None:
        if not self.rows:
            return
        defaults = {f.attname: f.get_default() for f in self.fields}
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for row in self.rows:
                buffer.write(
                    "\t".join(
                        _copy_text(_stored(f, row.get(f.attname, defaults[f.attname])))
                        for f in self.fields
                    )
                )
                buffer.write("\n")
            buffer.seek(0)
            columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
            table = connection.ops.quote_name(self.model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
        else:
            with _keep_given_timestamps(self.model):
                self.model.objects.bulk_create(
                    [self.model(**{**defaults, **row}) for row in self.rows], batch_size=500
                )
        self.inserted += len(self.rows)
        self.rows = []


def reset_sequences(models_: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
