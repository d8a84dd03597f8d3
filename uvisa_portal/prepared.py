"""Queries compiled once per process and, on PostgreSQL, prepared once per connection.

The request page runs the same five queries on every view with only ids changing. Django
compiles each query's SQL again on every call, and psycopg2 keeps no server-side plans, so
PostgreSQL plans each again too. Measured in-process on the benchmark data set (issue 10),
the page's five queries cost 4.7 ms, of which running them on a bare cursor is 1.3 ms, and
0.67 ms when PostgreSQL reuses their plans (PREPARE / EXECUTE). Compiling is most of the rest.

A `PreparedQuery` is built from an ordinary queryset, so the ORM still writes the SQL, the
access rule and the converters of every column:

1. `build(**slots)` is called once with a placeholder for each named slot (a negative id, a
   date in 1900: values no row has) and compiled; the positions where the placeholders land
   in the parameters are remembered. A slot that does not land is an error at first use.
2. Each call substitutes the caller's values at those positions and runs the SQL through
   Django's cursor (so it is counted, logged and replayed as any query). On PostgreSQL the
   statement is `EXECUTE name(...)` of a statement `PREPARE`d on that connection the first
   time it is used there (PostgreSQL manual, "PREPARE": it lasts for the session and survives
   a rolled-back transaction). On SQLite the compiled SQL itself is run again: sqlite3 keeps
   its own statement cache.

Only for a shape that depends on nothing but its slots: no user, no setting, no date baked
in. Whatever varies is a slot. A server-side pooler in transaction mode (PgBouncer) would
hand out sessions without the statements: the portal connects to PostgreSQL directly.
"""

from __future__ import annotations

import datetime
import re
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Model, QuerySet

# Placeholder values: ids no row has (ids are positive) within a 32-bit integer's range, so
# Django does not treat them as out of range; dates no request has.
_FIRST_ID_PLACEHOLDER = -2_000_000_000
_FIRST_DATE_PLACEHOLDER = datetime.date(1900, 1, 1)
_LARGEST_ID = 2**63 - 1
_PLACEHOLDER_OR_PERCENT = re.compile(r"%(%|s)")


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # Per parameter: (slot name, adapt) where the caller's value goes, or (None, value).
    params: tuple[tuple[str | None, Any], ...]
    converters: dict
    compiler: Any
    model: type[Model]
    own: list[str]
    related: list[tuple[str, Any, list[str]]]


class PreparedQuery:
    """`build(**slots)`'s query, compiled once, run with new slot values.

    `fields` are the model's own fields read (attnames); `related` names, for each foreign
    key, the fields of the related row read with it, or None for all of them (the row is
    attached to the instance, as `select_related` would: `request.agency.name` costs no
    query). `slots` maps each slot to `int` (an id: one outside 1 to 2**63 - 1 matches no
    row) or `datetime.date`. A `sliced` query takes `limit` and `offset` too, as slots: every
    page of a list is the same statement (Django writes a slice's numbers into the SQL).

    `plan_once=False` compiles once but lets PostgreSQL plan each call with its values (no
    PREPARE): for a query whose best plan depends on them. A generic plan of "due before $2,
    by due date, LIMIT $3" expected a few dozen overdue requests, not 5,000, and sorted them
    all: 8 ms against 0.1 ms for the index read in order (EXPLAIN ANALYZE, issue 10).
    """

    _names: set[str] = set()

    def __init__(
        self,
        name: str,
        build: Callable[..., QuerySet],
        *,
        fields: Sequence[str] | None = None,
        related: dict[str, Sequence[str] | None] | None = None,
        sliced: bool = False,
        plan_once: bool = True,
        **slots: type,
    ) -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ImproperlyConfigured(f"PreparedQuery name {name!r}: lower case and _ only.")
        # One statement per name on a connection: a second query of the same name would run
        # the first one's statement.
        if name in PreparedQuery._names:
            raise ImproperlyConfigured(f"PreparedQuery name {name!r} is taken.")
        PreparedQuery._names.add(name)
        self.name = name
        self._build = build
        self._fields = fields
        self._related = related or {}
        if sliced:
            if {"limit", "offset"} & set(slots):
                raise ImproperlyConfigured(f"{self.name}: limit and offset are the slice's.")
            slots = {**slots, "limit": _Count, "offset": _Count}
        self._sliced = sliced
        self._plan_once = plan_once
        self._slots = slots
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()
        # The connections (DB-API objects) this statement was prepared on.
        self._prepared_on: weakref.WeakSet = weakref.WeakSet()

    # --- compiling, once per process and database vendor ---------------------------------

    def _placeholders(self) -> dict[str, Any]:
        placeholders = {}
        for number, (slot, kind) in enumerate(self._slots.items()):
            if kind is int:
                placeholders[slot] = _FIRST_ID_PLACEHOLDER - number
            elif kind is datetime.date:
                placeholders[slot] = _FIRST_DATE_PLACEHOLDER + datetime.timedelta(days=number)
            elif kind is _Count:
                continue  # added to the SQL after compiling
            else:
                raise ImproperlyConfigured(f"{self.name}: slot {slot} must be int or date.")
        return placeholders

    def _columns(self, queryset: QuerySet) -> tuple[list[str], list[tuple[str, Any, list]]]:
        model = queryset.model
        own = list(self._fields or [f.attname for f in model._meta.concrete_fields])
        related = []
        for relation, names in self._related.items():
            field = model._meta.get_field(relation)
            if names is None:  # the whole row
                other = field.related_model._meta
                names = [f.attname for f in other.concrete_fields if f is not other.pk]
            related.append((relation, field, list(names)))
        return own, related

    def _compile(self) -> _Compiled:
        vendor = connection.vendor
        compiled = self._compiled.get(vendor)
        if compiled is not None:
            return compiled
        with self._lock:
            placeholders = self._placeholders()
            queryset = self._build(**placeholders)
            own, related = self._columns(queryset)
            lookups = own + [f"{rel}__{name}" for rel, _, names in related for name in names]
            compiler = queryset.values_list(*lookups).query.get_compiler(connection=connection)
            sql, raw_params = compiler.as_sql()
            if self._sliced:
                if queryset.query.is_sliced:
                    raise ImproperlyConfigured(f"{self.name}: sliced by its limit and offset.")
                # The same clause in PostgreSQL and SQLite, after the ORDER BY.
                sql += " LIMIT %s OFFSET %s"
            params: list[tuple[str | None, Any]] = []
            landed = set()
            for value in raw_params:
                slot = next(
                    (
                        (name, adapt)
                        for name, placeholder in placeholders.items()
                        for adapt in (_same, str)
                        if value == adapt(placeholder) and type(value) is type(adapt(placeholder))
                    ),
                    None,
                )
                if slot is None:
                    params.append((None, value))
                else:
                    params.append(slot)
                    landed.add(slot[0])
            if self._sliced:
                params += [("limit", _same), ("offset", _same)]
                landed |= {"limit", "offset"}
            missing = set(self._slots) - landed
            if missing:
                raise ImproperlyConfigured(f"{self.name}: slots {sorted(missing)} not in the SQL.")
            converters = compiler.get_converters([col for col, _, _ in compiler.select])
            compiled = _Compiled(
                sql, tuple(params), converters, compiler, queryset.model, own, related
            )
            self._compiled[vendor] = compiled
            return compiled

    # --- running ---------------------------------------------------------------------------

    def _arguments(self, compiled: _Compiled, values: dict[str, Any]) -> list:
        return [value if name is None else value(values[name]) for name, value in compiled.params]

    def _prepare(self, compiled: _Compiled) -> None:
        raw = connection.connection
        if raw in self._prepared_on:
            return
        # On the DB-API cursor: preparing is bookkeeping of this connection, not a query of
        # the page (the page's query counts do not depend on which connection served it).
        with raw.cursor() as cursor:
            cursor.execute(f"PREPARE {self.name} AS {self._prepared_body(compiled, cursor)}")
        self._prepared_on.add(raw)

    def _prepared_body(self, compiled: _Compiled, cursor) -> str:
        """The SQL with $1, $2, ... for the slots and the other values written in, quoted by
        psycopg2 as it quotes every query's values. Written in, not parameters: PostgreSQL
        reuses one generic plan after five executions (manual, "PREPARE"), and a generic plan
        can use a partial index (the open requests') only when the predicate's values, such
        as the statuses, are in the SQL itself."""
        numbers = {name: n for n, name in enumerate(self._slots, start=1)}
        params = iter(compiled.params)

        def replace(match: re.Match) -> str:
            if match.group(1) == "%":  # Django writes a literal % as %%
                return "%"
            name, value = next(params)
            if name is not None:
                return f"${numbers[name]}"
            return cursor.mogrify("%s", [value]).decode()

        return _PLACEHOLDER_OR_PERCENT.sub(replace, compiled.sql)

    def rows(self, **values: Any) -> list[tuple]:
        """The rows for these slot values, each column converted as the ORM would."""
        if set(values) != set(self._slots):
            raise TypeError(f"{self.name} takes {sorted(self._slots)}, got {sorted(values)}.")
        compiled = self._compile()
        for slot, kind in self._slots.items():
            if kind is _Count and not 0 <= values[slot] <= _LARGEST_ID:
                raise ValueError(f"{self.name}: {slot} must be 0 or more.")
            if kind is int and not 0 < values[slot] <= _LARGEST_ID:
                # As the ORM answers an id out of the column's range (PostgreSQL would refuse
                # the parameter): no row.
                return []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and self._plan_once:
                self._prepare(compiled)
                # One value per slot, $1, $2, ... in the order the slots were declared.
                arguments = [values[name] for name in self._slots]
                marks = ", ".join(["%s"] * len(arguments))
                cursor.execute(
                    f"EXECUTE {self.name}({marks})" if marks else f"EXECUTE {self.name}", arguments
                )
            else:
                cursor.execute(compiled.sql, self._arguments(compiled, values))
            rows = cursor.fetchall()
        if compiled.converters:
            rows = [
                tuple(row) for row in compiled.compiler.apply_converters(rows, compiled.converters)
            ]
        return rows

    def dicts(self, **values: Any) -> list[dict]:
        """The rows as dicts keyed by `fields`."""
        names = self._compile().own
        return [dict(zip(names, row, strict=True)) for row in self.rows(**values)]

    def objects(self, **values: Any) -> list[Model]:
        """The rows as model instances with only the fields read (the others deferred), and
        each related row's fields on an instance of its own."""
        compiled = self._compile()
        alias = connection.alias
        size = len(compiled.own)
        found = []
        for row in self.rows(**values):
            instance = compiled.model.from_db(alias, compiled.own, row[:size])
            start = size
            for relation, field, names in compiled.related:
                key = getattr(instance, field.attname)
                if key is not None:
                    other = field.related_model
                    setattr(
                        instance,
                        relation,
                        other.from_db(
                            alias,
                            [other._meta.pk.attname, *names],
                            [key, *row[start : start + len(names)]],
                        ),
                    )
                start += len(names)
            found.append(instance)
        return found


def _same(value: Any) -> Any:
    return value


class _Count(int):
    """The kind of the `limit` and `offset` slots of a sliced query."""
