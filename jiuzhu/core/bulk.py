"""Writing many rows at once with PostgreSQL's ``COPY … FROM STDIN``, in the caller's transaction.

At tens of thousands of rows ``bulk_create`` spends most of its time in Python: a model instance
per row, each value prepared field by field, multi-row INSERT statements built and parsed. Here
the rows are plain values (dicts or tuples) streamed with COPY; the primary keys are drawn from
the table's sequence in one query and returned, so the caller can refer to the new rows (audit
them, for example). The rows get what ``bulk_create`` would give them: the field's default where
no value is given, and the time for ``auto_now``/``auto_now_add`` fields. PostgreSQL only: callers
keep ``bulk_create`` on SQLite (``copy_supported()``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from itertools import chain
from operator import itemgetter
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

# Python types psycopg writes exactly as the ORM would store them on PostgreSQL (the ORM passes
# them through unchanged there), and aware datetimes; any other value (a naive datetime, which
# the ORM makes aware, an enum member) goes through the field's get_db_prep_save.
_PLAIN = frozenset({int, str, float, bool, Decimal, dt.date})


class Json(str):
    """A JSON field's value already encoded: written as it is."""


def copy_supported() -> bool:
    return connection.vendor == "postgresql"


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys from the table's sequence, ascending, in one query."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return sorted(pk for (pk,) in cursor.fetchall())


def _json_dumper(field: models.JSONField):
    def dump(value):
        if value is None:
            return None
        if type(value) is Json:
            return str(value)  # a plain str, as psycopg adapts it
        if type(value) is dict and not value:  # the common empty value, without the encoder
            return "{}"
        return json.dumps(value, cls=field.encoder, ensure_ascii=False)

    return dump


def _stamp(field: models.Field, now: dt.datetime):
    return now if isinstance(field, models.DateTimeField) else dt.date.today()


def copy_insert(
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any] | Sequence[Any]],
    fields: Sequence[str],
) -> list[int]:
    """Insert `rows` into `model`'s table with COPY; return their primary keys in row order.

    `fields` names the fields given (attnames: ``county_id``, not ``county``); each row is a
    mapping with those keys or a sequence in that order. Every other concrete field gets its
    default (a database default where the field declares one), ``auto_now``/``auto_now_add``
    fields the current time, and the primary key a new value from the sequence unless `fields`
    includes it.
    """
    if not rows:
        return []
    meta = model._meta
    pk_index = {meta.get_field(name).attname: i for i, name in enumerate(fields)}.get(
        meta.pk.attname
    )
    ids = reserve_ids(model, len(rows)) if pk_index is None else None
    _copy(model, iter(rows), fields, ids)
    if pk_index is not None:
        return [row[meta.pk.attname] if isinstance(row, Mapping) else row[pk_index] for row in rows]
    return ids


def copy_append(
    model: type[models.Model],
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    fields: Sequence[str],
) -> int:
    """As copy_insert, but the database numbers the rows (the primary key's default) and `rows`
    may be a generator: each row is sent as it comes, so the database inserts while the caller
    is still producing the next ones. Returns how many rows were written."""
    return _copy(model, iter(rows), fields, None)


def _copy(model, rows: Iterator, fields: Sequence[str], ids: list[int] | None) -> int:
    """Write `rows` with COPY; the primary key from `ids` when given (else from `fields`, or
    the database's default)."""
    first = next(rows, None)
    if first is None:
        return 0
    meta = model._meta
    given = {meta.get_field(name).attname: i for i, name in enumerate(fields)}
    now = timezone.now()

    columns: list[str] = []
    template: list[Any] = []  # constant values: defaults and time stamps
    plain: list[tuple[int, int, Any]] = []  # (row index, column, field) for given values
    dumped: list[tuple[int, int, Any]] = []  # (row index, column, dumper) for JSON values
    pk_column = None
    for field in meta.concrete_fields:
        stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        if field.attname not in given and not stamped and field is not meta.pk:
            if field.db_default is not NOT_PROVIDED:
                continue  # the database fills it, as bulk_create leaves it
        if field is meta.pk and field.attname not in given and ids is None:
            continue  # the database numbers the rows
        column = len(columns)
        columns.append(connection.ops.quote_name(field.column))
        template.append(None)
        if stamped:
            template[column] = field.get_db_prep_save(_stamp(field, now), connection)
        elif field is meta.pk and field.attname not in given:
            pk_column = column
        elif field.attname in given:
            index = given[field.attname]
            if isinstance(field, models.JSONField):
                dumped.append((index, column, _json_dumper(field)))
            else:
                plain.append((index, column, field))
        else:
            default = field.get_default()
            template[column] = (
                _json_dumper(field)(default)
                if isinstance(field, models.JSONField)
                else field.get_db_prep_save(default, connection)
            )

    rows = chain([first], rows)
    if isinstance(first, Mapping):
        getter = itemgetter(*fields)
        one = len(fields) == 1  # itemgetter of one key gives the value, not a tuple
        values = ((getter(row),) if one else getter(row) for row in rows)
    else:
        values = rows
    table = connection.ops.quote_name(meta.db_table)
    n = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for n, row in enumerate(values, start=1):
            out = template.copy()
            if pk_column is not None:
                out[pk_column] = ids[n - 1]
            for index, column, field in plain:
                value = row[index]
                out[column] = (
                    value
                    if value is None
                    or type(value) in _PLAIN
                    or (type(value) is dt.datetime and value.tzinfo is not None)
                    else field.get_db_prep_save(value, connection)
                )
            for index, column, dump in dumped:
                out[column] = dump(row[index])
            copy.write_row(out)
    return n
