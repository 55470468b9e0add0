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
from collections.abc import Mapping, Sequence
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

# Python types psycopg writes exactly as the ORM would store them on PostgreSQL (the ORM passes
# them through unchanged there); any other value goes through the field's get_db_prep_save.
_PLAIN = frozenset({int, str, float, bool, Decimal, dt.date})


def copy_supported() -> bool:
    return connection.vendor == "postgresql"


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys from the table's sequence, ascending, in one query."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)",
                       [model._meta.db_table, model._meta.pk.column, count])
        return sorted(pk for (pk,) in cursor.fetchall())


def _json_dumper(field: models.JSONField):
    def dump(value):
        if value is None:
            return None
        if type(value) is dict and not value:   # the common empty value, without the encoder
            return "{}"
        return json.dumps(value, cls=field.encoder, ensure_ascii=False)
    return dump


def _stamp(field: models.Field, now: dt.datetime):
    return now if isinstance(field, models.DateTimeField) else dt.date.today()


def copy_insert(model: type[models.Model], rows: Sequence[Mapping[str, Any] | Sequence[Any]],
                fields: Sequence[str]) -> list[int]:
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
    given = {meta.get_field(name).attname: i for i, name in enumerate(fields)}
    pk_given = meta.pk.attname in given
    ids = None if pk_given else reserve_ids(model, len(rows))
    now = timezone.now()

    columns: list[str] = []
    template: list[Any] = []           # constant values: defaults and time stamps
    plain: list[tuple[int, int, Any]] = []   # (row index, column, field) for given values
    dumped: list[tuple[int, int, Any]] = []  # (row index, column, dumper) for JSON values
    pk_column = None
    for field in meta.concrete_fields:
        stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        if field.attname not in given and not stamped and field is not meta.pk:
            if field.db_default is not NOT_PROVIDED:
                continue                  # the database fills it, as bulk_create leaves it
        column = len(columns)
        columns.append(connection.ops.quote_name(field.column))
        template.append(None)
        if stamped:
            template[column] = field.get_db_prep_save(_stamp(field, now), connection)
        elif field is meta.pk and not pk_given:
            pk_column = column
        elif field.attname in given:
            index = given[field.attname]
            if isinstance(field, models.JSONField):
                dumped.append((index, column, _json_dumper(field)))
            else:
                plain.append((index, column, field))
        else:
            default = field.get_default()
            template[column] = (_json_dumper(field)(default) if isinstance(field, models.JSONField)
                                else field.get_db_prep_save(default, connection))

    if isinstance(rows[0], Mapping):
        getter = itemgetter(*fields)
        one = len(fields) == 1   # itemgetter of one key gives the value, not a tuple
        values = ((getter(row),) if one else getter(row) for row in rows)
    else:
        values = iter(rows)
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for n, row in enumerate(values):
            out = template.copy()
            if pk_column is not None:
                out[pk_column] = ids[n]
            for index, column, field in plain:
                value = row[index]
                out[column] = (value if value is None or type(value) in _PLAIN
                               else field.get_db_prep_save(value, connection))
            for index, column, dump in dumped:
                out[column] = dump(row[index])
            copy.write_row(out)
    if pk_given:
        pk_index = given[meta.pk.attname]
        return [row[meta.pk.attname] if isinstance(row, Mapping) else row[pk_index]
                for row in rows]
    return ids
