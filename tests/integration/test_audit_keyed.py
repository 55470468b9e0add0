"""The keyed, anchored audit chain against the attacks it is for: the plain SHA-256 rewrite, a key
holder's rewrite before the last anchor, rows cut off with the head fixed by hand; the database's
append-only triggers; a legacy SHA-256 chain continued by keyed rows; and no full ID number in
the trail."""

import json
import sqlite3
from datetime import date
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from jiuzhu.accounts.system import system_actor
from jiuzhu.core import audit, audit_anchor, audit_check, hashchain
from jiuzhu.core.audit import _content, chain_key
from jiuzhu.core.errors import Conflict
from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.core.masking import mask_id_number
from jiuzhu.core.models import AuditAnchor, AuditCheck, AuditEntry, AuditHead

TRIGGERS = import_module("jiuzhu.core.migrations.0007_audit_append_only_everywhere")
KEYING = import_module("jiuzhu.core.migrations.0006_audit_keyed_chain")
ID = make_resident_id(region_code="433123", birth_date=date(1971, 5, 9), sequence=3, sex="M")


def events(n, start=1):
    for i in range(start, start + n):
        audit.record(action="test.event", new={"n": i, "amount": "12.50"}, reason=f"第{i}次")


@pytest.fixture
def chain(db):
    events(10)
    return list(AuditEntry.objects.order_by("seq"))


def raw_sql(sql, params=()):
    """As a superuser could: past the append-only trigger."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET session_replication_role = origin")


def rechain_from(seq, *, key):
    """Recompute every hash from row `seq` on (after the row was edited) and the head's hash:
    with `key` None the plain SHA-256 of the old chain, else the keyed hash; the head's MAC is
    recomputed only with the key."""
    prev = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else hashchain.GENESIS
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        digest = hashchain.entry_hash(
            seq=entry.seq, prev_hash=prev, content=_content(entry), key=key
        )
        raw_sql(
            "UPDATE core_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s",
            [prev, digest, entry.seq],
        )
        prev, last = digest, entry.seq
    head = AuditHead.objects.get(pk=1)
    head.last_seq, head.last_hash = last, prev
    if key is not None:
        head.mac = key.head(seq=last, hash=prev, keyed_from=head.keyed_from)
    head.save()


def verify_fails(*phrases):
    with pytest.raises(CommandError) as info:
        call_command("jiuzhu_audit", "verify")
    message = str(info.value)
    for phrase in phrases:
        assert phrase in message, message
    return message


def test_a_new_chain_is_keyed_from_its_first_entry(chain):
    head = AuditHead.objects.get(pk=1)
    assert head.keyed_from == 1
    first = chain[0]
    assert first.hash == hashchain.entry_hash(
        seq=1, prev_hash=hashchain.GENESIS, content=_content(first), key=chain_key()
    )
    assert first.hash != hashchain.entry_hash(
        seq=1, prev_hash=hashchain.GENESIS, content=_content(first)
    )
    assert hashchain.head_is_authentic(audit.read_head(), chain_key())


def test_the_plain_sha256_rewrite_is_detected(chain):
    """The old attack: edit a row, recompute plain SHA-256 for it, every later row and the
    head. Without the key the hashes cannot be made to match."""
    raw_sql("UPDATE core_auditentry SET reason = %s WHERE seq = 4", ["改过了"])
    rechain_from(4, key=None)
    verify_fails("第4条", "被修改")


def test_a_key_holders_rewrite_before_the_last_anchor_is_detected(chain):
    anchor = audit_anchor.anchor_create(made_by="测试", actor=system_actor("cli"))
    assert anchor.seq == 10 and (audit_anchor.anchor_dir() / anchor.file_name).is_file()
    events(3, start=11)
    call_command("jiuzhu_audit", "verify")  # whole before the rewrite
    raw_sql("UPDATE core_auditentry SET reason = %s WHERE seq = 3", ["改过了"])
    rechain_from(3, key=chain_key())  # every HMAC and the head's MAC recomputed
    assert audit.verify()[1] is None  # the keys alone cannot tell
    message = verify_fails("第1条至第10条", anchor.file_name)
    assert "改写" in message
    check = AuditCheck.objects.latest("at")
    assert not check.passed and check.broken_seq == 1 and check.anchors_checked == 1


def test_rows_deleted_after_the_last_anchor_and_the_head_fixed_by_hand_are_detected(chain):
    audit_anchor.anchor_create(
        made_by="测试", actor=system_actor("cli")
    )  # anchors 10; its own entry is 11
    events(4, start=12)  # rows 12-15
    raw_sql("DELETE FROM core_auditentry WHERE seq > 12")
    last = AuditEntry.objects.get(seq=12)
    AuditHead.objects.filter(pk=1).update(last_seq=12, last_hash=last.hash)  # no key: MAC stays
    verify_fails("校验码不符", "第12条")
    # and nothing more is chained onto a head changed by hand (it would get a valid MAC)
    with pytest.raises(Conflict, match="链头校验失败"):
        audit.record(action="test.after", new={})


def test_a_key_holder_cutting_rows_before_the_last_anchor_is_detected(chain):
    anchor = audit_anchor.anchor_create(made_by="测试", actor=system_actor("cli"))
    raw_sql("DELETE FROM core_auditentry WHERE seq > 7")
    rechain_from(7, key=chain_key())
    verify_fails("截断", anchor.file_name)


def test_an_edited_or_removed_anchor_file_is_detected(chain):
    anchor = audit_anchor.anchor_create(made_by="测试", actor=system_actor("cli"))
    path = audit_anchor.anchor_dir() / anchor.file_name
    fields = json.loads(path.read_bytes())
    fields["hash"] = "0" * 64
    path.write_text(json.dumps(fields))
    verify_fails("签名无效")
    path.unlink()
    verify_fails("已不在存证目录中", anchor.file_name)


def test_anchoring_refuses_a_broken_chain(chain):
    raw_sql("UPDATE core_auditentry SET reason = %s WHERE seq = 9", ["改过了"])
    with pytest.raises(Conflict, match="不能存证"):
        audit_anchor.anchor_create(made_by="测试", actor=system_actor("cli"))
    assert not audit_anchor.anchor_files()
    assert not AuditAnchor.objects.exists()


def test_verify_anchors_once_a_day_and_the_command_anchors_on_demand(
    chain, capsys, django_capture_on_commit_callbacks
):
    def verify():  # the command runs in autocommit: its anchor is written when it ends
        with django_capture_on_commit_callbacks(execute=True):
            call_command("jiuzhu_audit", "verify")

    verify()
    assert AuditAnchor.objects.count() == 1  # none yet: the passing check anchored
    verify()
    assert AuditAnchor.objects.count() == 1  # the last is not a day old
    AuditAnchor.objects.update(at=timezone.now() - audit_anchor.ANCHOR_EVERY)
    verify()
    assert AuditAnchor.objects.count() == 2  # the next night's check anchors again
    call_command("jiuzhu_audit", "anchor")
    assert AuditAnchor.objects.count() == 3
    out = capsys.readouterr().out
    assert "审计链完整" in out and "已存证" in out
    assert len(list(audit_anchor.anchor_dir().glob("audit-anchor-*.json"))) == 3
    assert AuditEntry.objects.filter(action="audit.verify").count() == 3
    assert AuditEntry.objects.filter(action="audit.anchor").count() == 3
    # each file's count (the previous anchor's and the rows verified since) is the rows up to it
    for anchor in audit_anchor.anchor_files():
        assert anchor.head.count == AuditEntry.objects.filter(seq__lte=anchor.head.seq).count()
    assert len({a.head.count for a in audit_anchor.anchor_files()}) == 3


def test_an_anchor_after_commit_is_written_once_the_work_commits(
    chain, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        events(2, start=11)
        audit_anchor.anchor_after_commit(made_by="月度比对", actor=system_actor("cli"))
        assert not AuditAnchor.objects.exists()  # not before the commit
    anchor = AuditAnchor.objects.get()
    assert anchor.seq == 12 and anchor.made_by == "月度比对"


def test_a_legacy_sha256_chain_is_sealed_by_the_first_keyed_entry(db):
    """A database written before the key: its rows keep their SHA-256 hashes, the migration
    marks the head keyed from the next entry and gives it its MAC; the chain verifies, and an
    edit of a legacy row (SHA-256 recomputed) is still detected."""
    prev = hashchain.GENESIS
    at = timezone.now()
    legacy = []
    for seq in range(1, 6):
        row = audit._values(audit.AuditEvent(action="legacy.event", new={"n": seq}), at, "")
        digest = hashchain.entry_hash(seq=seq, prev_hash=prev, content=audit._content(row))
        legacy.append(AuditEntry(seq=seq, prev_hash=prev, hash=digest, **row))
        prev = digest
    AuditEntry.objects.bulk_create(legacy)
    AuditHead.objects.create(pk=1, last_seq=5, last_hash=prev)
    KEYING.key_the_head(apps, None)
    head = AuditHead.objects.get(pk=1)
    assert head.keyed_from == 6 and head.mac
    assert [e.hash for e in AuditEntry.objects.order_by("seq")] == [e.hash for e in legacy]
    events(3, start=6)
    sixth = AuditEntry.objects.get(seq=6)
    assert sixth.prev_hash == legacy[-1].hash  # the first keyed entry seals the legacy rows
    assert audit.verify() == (8, None)
    call_command("jiuzhu_audit", "verify")

    raw_sql("UPDATE core_auditentry SET reason = %s WHERE seq = 2", ["改过了"])
    for seq in range(2, 6):  # a forger recomputes the legacy hashes up to the keyed rows
        entry = AuditEntry.objects.get(seq=seq)
        before = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else hashchain.GENESIS
        digest = hashchain.entry_hash(seq=seq, prev_hash=before, content=_content(entry))
        raw_sql(
            "UPDATE core_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s",
            [before, digest, seq],
        )
    verify_fails("第6条")


def test_postgres_refuses_truncate(chain):
    with pytest.raises(DatabaseError, match="审计记录只能追加"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the inserts' pending checks run
            cursor.execute("TRUNCATE core_auditentry")
    assert AuditEntry.objects.count() == 10


def test_the_sqlite_triggers_refuse_update_and_delete(tmp_path):
    """The migration's SQLite statements, on a SQLite database of the audit table's shape."""
    con = sqlite3.connect(tmp_path / "audit.sqlite3")
    con.execute("CREATE TABLE core_auditentry (id INTEGER PRIMARY KEY, seq INTEGER, reason TEXT)")
    for statement in TRIGGERS.SQLITE_FORWARD:
        con.execute(statement)
    con.execute("INSERT INTO core_auditentry (seq, reason) VALUES (1, '原因'), (2, '原因')")
    con.commit()
    for statement in (
        "UPDATE core_auditentry SET reason = '改过了' WHERE seq = 1",
        "DELETE FROM core_auditentry WHERE seq = 2",
        "DELETE FROM core_auditentry",
    ):
        with pytest.raises(sqlite3.DatabaseError, match="审计记录只能追加"):
            con.execute(statement)
    assert con.execute("SELECT seq, reason FROM core_auditentry").fetchall() == [
        (1, "原因"),
        (2, "原因"),
    ]
    for statement in TRIGGERS.SQLITE_BACKWARD:  # the migration reverses cleanly
        con.execute(statement)
    con.execute("DELETE FROM core_auditentry")
    assert con.execute("SELECT count(*) FROM core_auditentry").fetchone() == (0,)


def test_a_full_id_number_is_stored_masked(db, users, make_household):
    household = make_household(size=1)
    audit.record(
        action="test.id",
        actor=users["county"],
        obj=household,
        household_id=household.pk,
        old={"query": {"q": ID}},
        new={"note": f"核对{ID}", ID: [ID]},
        reason=f"身份证号{ID}有误",
    )
    entry = AuditEntry.objects.get(action="test.id")
    stored = json.dumps([entry.old, entry.new, entry.reason, entry.object_repr], ensure_ascii=False)
    assert ID not in stored and mask_id_number(ID) in stored
    assert entry.reason == f"身份证号{mask_id_number(ID)}有误"
    assert entry.new == {
        "note": f"核对{mask_id_number(ID)}",
        mask_id_number(ID): [mask_id_number(ID)],
    }
    assert audit.verify()[1] is None  # the masked values are what the hash covers


def test_ids_are_masked_on_the_bulk_copy_path_too(db):
    many = [
        audit.AuditEvent(action="test.bulk", new={"n": i, "who": ID if i % 100 == 0 else "龙"})
        for i in range(audit.COPY_FROM + 10)
    ]
    audit.record_many(many)
    assert not AuditEntry.objects.filter(new__who=ID).exists()
    assert AuditEntry.objects.filter(new__who=mask_id_number(ID)).count() == 6
    assert audit.verify()[1] is None


def test_the_check_is_recorded_even_when_the_head_refuses_writes(chain):
    AuditHead.objects.filter(pk=1).update(last_seq=9, last_hash=chain[8].hash)
    check = audit_check.check_and_record(actor=system_actor("cli"), via=AuditCheck.Via.COMMAND)
    assert not check.passed and "链头" in check.reason
    assert not AuditEntry.objects.filter(action="audit.verify").exists()  # the trail refused


def test_a_check_in_a_transaction_rolled_back_leaves_no_anchor(
    chain, django_capture_on_commit_callbacks
):
    """An anchor names a head that exists: written only once the check's work has committed,
    never for a head a rollback takes away (its file would fail every later verification)."""
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            audit_check.check_and_record(actor=system_actor("cli"), via=AuditCheck.Via.COMMAND)
            raise RuntimeError("rolled back")
    assert not AuditAnchor.objects.exists() and not audit_anchor.anchor_files()
    call_command("jiuzhu_audit", "verify")
