"""FindingWriter: a run's findings written check by check on a thread of its own, with the same
rows as write_findings, and nothing at all when the run fails. PostgreSQL, committed rows (the
thread has its own connection): transactional tests."""

from __future__ import annotations

import pytest

from jiuzhu.cases.models import Application
from jiuzhu.core import audit
from jiuzhu.core.models import AuditEntry
from jiuzhu.crosscheck.finding_writes import FindingWriter, write_findings
from jiuzhu.crosscheck.models import Finding

from . import test_crosscheck_bulk as bulk_tests
from .test_crosscheck_bulk import findings_and_audit, make_hits, start_run

county_data = bulk_tests.county_data  # the fixture: three households, each enrolled

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_writer_thread_writes_what_write_findings_writes(users, county_data):
    homes, enrolments = county_data
    hits = make_hits(homes, enrolments, n_extra=40)
    run, snapshots = start_run(users, homes)
    assert FindingWriter.usable()
    writer = FindingWriter(run=run, actor=users["county"], snapshots=snapshots)
    # in three checks' batches, the repeated death hit in a later batch than the first
    writer.add(hits[:1])
    writer.add(hits[2:20])
    writer.add(hits[1:2] + hits[20:])
    summary = writer.finish()
    threaded = findings_and_audit(run)
    assert summary["new"] == 42 and summary["review"] == 1 and summary["known"] == 2
    assert Application.objects.get(pk=hits[2].application_id).kin_registered
    assert audit.verify()[1] is None

    # the same hits in one go, in the caller's thread, on a fresh run
    Finding.objects.filter(run=run).exclude(subject_name="已知").delete()
    Application.objects.filter(kin_registered=True).update(kin_registered=False)
    assert write_findings(run=run, actor=users["county"], hits=hits, snapshots=snapshots) == summary
    assert findings_and_audit(run) == threaded


def test_an_aborted_writer_writes_nothing(users, county_data):
    homes, enrolments = county_data
    run, snapshots = start_run(users, homes)
    entries = AuditEntry.objects.count()
    writer = FindingWriter(run=run, actor=users["county"], snapshots=snapshots)
    writer.add(make_hits(homes, enrolments, n_extra=5))  # inserted in the thread's transaction
    writer.abort()  # as when a later check fails
    assert Finding.objects.filter(run=run).count() == 1  # the known one only
    assert AuditEntry.objects.count() == entries
    assert not Application.objects.filter(kin_registered=True).exists()


def test_a_failure_in_the_thread_is_raised_by_finish_and_writes_nothing(users, county_data):
    homes, enrolments = county_data
    run, snapshots = start_run(users, homes)
    bad = make_hits(homes, enrolments)[:1]
    bad[0].rule = None  # a finding needs its rule: the insert fails
    writer = FindingWriter(run=run, actor=users["county"], snapshots=snapshots)
    writer.add(make_hits(homes, enrolments)[2:3])
    writer.add(bad)
    writer.add(make_hits(homes, enrolments, n_extra=3)[5:])  # after the failure: still returns
    with pytest.raises(Exception, match='"rule"'):
        writer.finish()
    assert Finding.objects.filter(run=run).count() == 1
    assert not Application.objects.filter(kin_registered=True).exists()
