"""The audit trail: chained, append-only, and `jiuzhu audit verify` names the first broken row
after rows are edited, deleted or truncated directly in SQL."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jiuzhu.core import audit
from jiuzhu.core.models import AuditEntry


@pytest.fixture
def chain(db):
    for i in range(1, 11):
        audit.record(action="test.event", new={"n": i, "amount": "12.50"}, reason=f"第{i}次")
    return list(AuditEntry.objects.order_by("seq"))


def raw_sql(sql, params=()):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a superuser bypassing the append-only trigger
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def verify_fails_at(seq):
    with pytest.raises(CommandError) as info:
        call_command("jiuzhu_audit", "verify")
    assert f"第{seq}条" in str(info.value)
    return str(info.value)


def test_intact_chain_verifies(chain, capsys):
    call_command("jiuzhu_audit", "verify")
    assert "共10条记录" in capsys.readouterr().out
    assert [e.prev_hash for e in chain[1:]] == [e.hash for e in chain[:-1]]


def test_edited_row_is_named(chain):
    raw_sql("UPDATE core_auditentry SET reason = %s WHERE seq = 4", ["改过了"])
    assert "被修改" in verify_fails_at(4)


def test_edited_json_value_is_named(chain):
    raw_sql("UPDATE core_auditentry SET new = %s WHERE seq = 7", ['{"n": 7, "amount": "99.00"}'])
    verify_fails_at(7)


def test_deleted_row_is_named(chain):
    raw_sql("DELETE FROM core_auditentry WHERE seq = 5")
    assert "删除" in verify_fails_at(5)


def test_truncated_tail_is_named(chain):
    raw_sql("DELETE FROM core_auditentry WHERE seq > 8")
    assert "截断" in verify_fails_at(9)


def test_truncated_table_is_detected(chain):
    raw_sql("DELETE FROM core_auditentry")
    verify_fails_at(1)


def test_rehashed_forgery_of_one_row_still_breaks_the_next(chain):
    """Someone who edits a row and recomputes its own hash (even with the key) still breaks
    the link to the next."""
    from jiuzhu.core import hashchain
    from jiuzhu.core.audit import _content, chain_key

    entry = AuditEntry.objects.get(seq=3)
    entry.reason = "伪造"
    forged = hashchain.entry_hash(
        seq=3, prev_hash=entry.prev_hash, content=_content(entry), key=chain_key()
    )
    raw_sql("UPDATE core_auditentry SET reason = %s, hash = %s WHERE seq = 3", ["伪造", forged])
    verify_fails_at(4)


def test_no_update_or_delete_path_in_code(chain):
    entry = chain[0]
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(seq=1).update(reason="x")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()


@pytest.mark.postgres
def test_database_refuses_update_on_postgres(chain):
    from django.db import DatabaseError, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET reason = 'x' WHERE seq = 1")


@pytest.mark.postgres
def test_a_large_batch_is_copied_with_the_same_rows_as_bulk_create(users, regions, monkeypatch):
    """record_many writes 500+ events with COPY on PostgreSQL: the rows (content, seq, prev_hash,
    hash) are exactly those the bulk_create path writes for the same events, the chain verifies,
    and an edit afterwards is still named."""
    import datetime as dt
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from jiuzhu.core import bulk

    if connection.vendor != "postgresql":
        pytest.skip("COPY is used on PostgreSQL only")
    audit.record(action="test.before", new={"n": 0})  # the batch continues an existing chain
    base = AuditEntry.objects.count()
    county, village = regions["433123000000"], first_region(regions, "village")
    events = [
        audit.AuditEvent(
            action=f"test.bulk{i % 3}",
            actor=users["county"] if i % 2 else None,
            obj=(village, county, None)[i % 3],
            household_id=i if i % 4 else None,
            old={"amount": Decimal("12.50"), "on": dt.date(2026, 11, i % 28 + 1)} if i % 5 else {},
            new={"n": i, "name": "龙大山·田", "ids": [i, None, True]},
            reason=("核" * 600) if i == 7 else f"第{i}次",
        )
        for i in range(1200)
    ]
    assert len(events) >= audit.COPY_FROM
    fixed = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    copied, copy_append = [], bulk.copy_append

    def counting(model, rows, fields):  # the rows arrive as a stream, chained one by one
        assert not isinstance(rows, list | tuple)
        copied.append(copy_append(model, rows, fields))
        return copied[-1]

    monkeypatch.setattr(bulk, "copy_append", counting)
    columns = [f.attname for f in AuditEntry._meta.concrete_fields if f.attname != "id"]

    def written():
        return list(AuditEntry.objects.filter(seq__gt=base).order_by("seq").values_list(*columns))

    sid = transaction.savepoint()
    with monkeypatch.context() as m:
        m.setattr(audit, "COPY_FROM", 10**9)  # the bulk_create path, for comparison
        assert audit.record_many(events) == 1200
    slow = written()
    transaction.savepoint_rollback(sid)
    assert not copied and AuditEntry.objects.count() == base

    assert audit.record_many(iter(events)) == 1200
    assert copied == [1200]
    fast = written()
    assert fast == slow and len(fast) == 1200
    assert fast[0][columns.index("prev_hash")] == AuditEntry.objects.get(seq=base).hash
    assert AuditEntry.objects.get(seq=base + 8).reason == "核" * 500
    assert audit.verify() == (base + 1200, None)
    call_command("jiuzhu_audit", "verify")

    raw_sql("UPDATE core_auditentry SET new = %s WHERE seq = %s", ['{"n": 698}', base + 700])
    verify_fails_at(base + 700)


def first_region(regions, level):
    return sorted((r for r in regions.values() if r.level == level), key=lambda r: r.code)[0]
