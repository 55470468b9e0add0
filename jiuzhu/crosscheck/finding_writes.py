"""Writing a run's hits as findings: the new ones inserted, audited and their kin cases marked
check by check, then the run's audit entry — all in one transaction.

``FindingWriter`` is the run's one way of writing (whatever engine found the hits): ``add`` each
check's hits as the check ends, ``finish`` once, ``abort`` when the run fails (nothing is
written). On PostgreSQL outside a transaction it writes on a thread of its own, with its own
connection and transaction, while the run goes on with the next checks: the inserts of one
check's findings overlap the next check's queries. What that buys, measured on the province
benchmark (41,263 findings, 2026-12-06, docs/benchmarks.md): written after the last check in the
run's thread the write stage took 4.4 s of a 30 s run (median of 3); overlapped, 0.8 s of 20.6 s
— about a sixth of the monthly run. Elsewhere (SQLite, inside a transaction, where a second
connection would not see the run) the hits are collected and ``write_findings`` writes them at
``finish``, in the caller's thread.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.roles import Perm
from jiuzhu.cases.services import applications_kin_register
from jiuzhu.core import audit, bulk
from jiuzhu.core.errors import PermissionDenied
from jiuzhu.core.workdays_db import calendar

from .checks import LABELS
from .checks.base import Hit
from .finding_selectors import known_fingerprints
from .models import CheckRun, Finding

FINDING_DUE_WORKING_DAYS = 15
logger = logging.getLogger(__name__)


def require_runs_county(actor, county_id: int) -> None:
    """Only a county user allowed to run the checks writes that county's findings."""
    require(actor, Perm.RUN_CHECKS, message="没有执行比对的权限")
    if actor.region_id != county_id or actor.region.level != "county":
        raise PermissionDenied("比对由县级民政部门统一执行")


class FindingBatches:
    """The hits of one run, added check by check within one transaction: the hits whose
    fingerprint (check + subject + evidence) is not known yet — in any status, or earlier in
    this run — become findings, each batch audited and its kin cases marked; ``finish``
    audits the run and summarises."""

    def __init__(self, *, run: CheckRun, actor, snapshots):
        require_runs_county(actor, run.county_id)
        self.run, self.actor = run, actor
        self.snapshots = {kind: snap.pk for kind, snap in snapshots.items()}
        self.due = calendar().add_workdays(timezone.localdate(), FINDING_DUE_WORKING_DAYS).day
        self.hits: list[Hit] = []
        self.known: set[str] = set()
        self.fresh: dict[str, Hit] = {}

    def add(self, hits: list[Hit]) -> None:
        for hit in hits:  # no township can be told (checks.missed): the county level holds it
            if hit.township_id is None:
                hit.township_id = self.run.county_id
        self.hits += hits
        unseen = list({h.fingerprint for h in hits} - self.known - self.fresh.keys())
        self.known |= known_fingerprints(county_id=self.run.county_id, fingerprints=unseen)
        batch: dict[str, Hit] = {}
        for hit in hits:
            if hit.fingerprint not in self.known and hit.fingerprint not in self.fresh:
                self.fresh[hit.fingerprint] = batch[hit.fingerprint] = hit
        rows = [self._row(h) for h in batch.values()]
        if rows and bulk.copy_supported():
            ids = bulk.copy_insert(Finding, rows, tuple(rows[0]))
        else:
            ids = [
                f.pk
                for f in Finding.objects.bulk_create(
                    [Finding(**row) for row in rows], batch_size=2000
                )
            ]
        written = zip(ids, rows, strict=True)
        audit.record_many(
            audit.AuditEvent(
                action="crosscheck.finding_raise",
                actor=self.actor,
                obj=audit.ObjectRef(Finding, pk, Finding.text_of(pk, row["subject_name"])),
                household_id=row["household_id"],
                new={
                    "check": row["check_code"],
                    "status": row["status"],
                    "summary": row["summary"],
                    "snapshot": row["snapshot_id"],
                    "ref_row": row["ref_row"],
                },
            )
            for pk, row in written
        )
        kin_apps = sorted(
            {
                h.application_id
                for h in batch.values()
                if h.check == "kin" and h.application_id and not h.review
            }
        )
        if kin_apps:
            applications_kin_register(
                actor=self.actor,
                application_ids=kin_apps,
                reason=f"{self.run.month}比对发现近亲属关系，按规定单独登记备案",
            )

    def _row(self, h: Hit) -> dict:
        return {
            "county_id": self.run.county_id,
            "township_id": h.township_id,
            "village_id": h.village_id,
            "check_code": h.check,
            "rule": h.rule,
            "fingerprint": h.fingerprint,
            "status": (Finding.Status.REVIEW if h.review else Finding.Status.RAISED).value,
            "household_id": h.household_id,
            "person_id": h.person_id,
            "enrolment_id": h.enrolment_id,
            "subject_name": h.subject_name[:60],
            "subject_id_masked": h.subject_id_masked or "",
            "summary": h.summary[:300],
            "snapshot_id": self.snapshots.get(h.snapshot_kind),
            "ref_row": h.ref_row,
            "tier": "probable" if h.tier == "review" else h.tier,
            "score": h.score,
            "evidence": h.evidence,
            "months_paid": h.months_paid,
            "amount_to_recover": h.amount,
            "run_id": self.run.pk,
            "due_date": self.due,
        }

    def finish(self) -> dict:
        run = self.run
        summary = self._summary()
        audit.record(
            action="crosscheck.run",
            actor=self.actor,
            obj=run,
            new={
                "month": run.month,
                "new": summary["new"],
                "review": summary["review"],
                "known": summary["known"],
                "snapshots": self.snapshots,
            },
        )
        return summary

    def _summary(self) -> dict:
        by_check: dict[str, Counter] = defaultdict(Counter)
        by_township: dict[int, Counter] = defaultdict(Counter)
        for h in self.hits:
            state = "known" if h.fingerprint in self.known else ("review" if h.review else "new")
            by_check[h.check][state] += 1
            by_township[h.township_id][state] += 1
        return {
            "new": sum(1 for h in self.fresh.values() if not h.review),
            "review": sum(1 for h in self.fresh.values() if h.review),
            "known": len(self.hits) - len(self.fresh),
            "by_check": {
                code: {"label": LABELS.get(code, code), **dict(c)}
                for code, c in sorted(by_check.items())
            },
            "by_township": {str(t): dict(c) for t, c in by_township.items()},
        }


@transaction.atomic
def write_findings(*, run: CheckRun, actor, hits: list[Hit], snapshots) -> dict:
    """Write the hits not seen before as findings, mark kin cases, audit; one transaction.
    On PostgreSQL the findings and their audit rows go in with COPY (tens of thousands in a
    province's first run), elsewhere with bulk_create."""
    batches = FindingBatches(run=run, actor=actor, snapshots=snapshots)
    batches.add(hits)
    return batches.finish()


_DONE, _ABORT = object(), object()


class _Aborted(Exception):
    pass


class FindingWriter:
    """A run's findings, check by check (see the module docstring): ``add`` returns at once,
    ``finish`` returns the summary (or raises what failed), ``abort`` writes nothing."""

    @staticmethod
    def usable() -> bool:
        """Whether the thread can write: PostgreSQL, and the run's rows committed."""
        return connection.vendor == "postgresql" and not connection.in_atomic_block

    def __init__(self, *, run: CheckRun, actor, snapshots):
        self._args = {"run": run, "actor": actor, "snapshots": snapshots}
        self._threaded = self.usable()
        self._hits: list[Hit] = []
        self._summary: dict | None = None
        self._error: BaseException | None = None
        if self._threaded:
            require_runs_county(actor, run.county_id)  # refused here, not later in the thread
            self._queue: queue.Queue = queue.Queue()
            self._thread = threading.Thread(target=self._work, name="jiuzhu-findings", daemon=True)
            self._thread.start()

    def add(self, hits: list[Hit]) -> None:
        if self._threaded:
            self._queue.put(hits)
        else:
            self._hits += hits

    def finish(self) -> dict:
        if not self._threaded:
            return write_findings(hits=self._hits, **self._args)
        self._queue.put(_DONE)
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._summary

    def abort(self) -> None:
        if self._threaded:
            self._queue.put(_ABORT)
            self._thread.join()
        self._hits = []

    def _work(self) -> None:
        ended = False  # finish() or abort() has spoken
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    # each batch's foreign keys checked as it is written, while the next checks
                    # run, not tens of thousands at once in the commit at the end of the run
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                batches = FindingBatches(**self._args)
                while (item := self._queue.get()) is not _DONE:
                    if item is _ABORT:
                        ended = True
                        raise _Aborted
                    batches.add(item)
                ended = True
                self._summary = batches.finish()
        except _Aborted:
            pass
        except BaseException as exc:  # noqa: BLE001 — handed to the run's thread by finish()
            logger.exception("writing the findings of run %s failed", self._args["run"].pk)
            self._error = exc
            while not ended and self._queue.get() not in (_DONE, _ABORT):  # until it speaks
                pass
        finally:
            connection.close()  # this thread's connection
