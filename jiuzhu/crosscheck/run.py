"""The monthly run: export, link, check, and write the new findings in one transaction.

``crosscheck_run`` starts it as a background job (button, command line or schedule); a failed run
writes nothing. Re-running a month with the same snapshots raises nothing new and changes no
existing finding: a hit whose fingerprint (check + subject + evidence) is already known, in any
status, is skipped — so a finding verified false is not raised again for the same evidence.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jiuzhu.accounts.roles import Perm
from jiuzhu.cases.kinship import DEFAULT_CLOSE_RELATIVES
from jiuzhu.cases.services import applications_kin_register
from jiuzhu.core import audit, crypto
from jiuzhu.core.errors import PermissionDenied, ValidationFailed
from jiuzhu.core.jobs import Progress, job_start
from jiuzhu.core.month import Month
from jiuzhu.core.workdays_db import calendar
from jiuzhu.programmes import selectors as params
from jiuzhu.programmes.catalogue import SettingKey
from jiuzhu.registry.selectors import person_ids_reveal

from . import engine, export
from .checks import CHECKS, LABELS, rescreen
from .checks.base import CheckContext, Hit, Limits
from .estimate import estimate_households, household_means
from .finding_selectors import known_fingerprints
from .linkage import LinkSettings, link, link_exact_all
from .models import CheckRun, Finding, RegistrySnapshot
from .snapshot_selectors import latest_snapshots, snapshot_file

FINDING_DUE_WORKING_DAYS = 15
logger = logging.getLogger(__name__)


def _require(actor, perm: Perm) -> None:
    if actor is None or not actor.can(perm):
        raise PermissionDenied("没有执行比对的权限")


def limits_for(county, on: date) -> Limits:
    def value(key):
        return params.setting_value(county=county, key=key, on=on)
    return Limits(max_vehicles=int(value(SettingKey.MAX_VEHICLES)),
                  farm_machine_value=Decimal(value(SettingKey.FARM_MACHINE_VALUE)),
                  business_capital=Decimal(value(SettingKey.BUSINESS_CAPITAL)),
                  max_dwellings=int(value(SettingKey.MAX_DWELLINGS)),
                  close_relatives=frozenset(k.value for k in DEFAULT_CLOSE_RELATIVES))


def crosscheck_run(*, actor, month: str, inline: bool | None = None, exact_only: bool = False,
                   on_progress=None) -> CheckRun:
    """Start the month's run for the actor's county (R9: once a month, or on demand)."""
    _require(actor, Perm.RUN_CHECKS)
    if actor.region.level != "county":
        raise PermissionDenied("比对由县级民政部门统一执行")
    Month.parse(month)
    county = actor.region
    if CheckRun.objects.filter(county=county, status=CheckRun.Status.RUNNING).exists():
        raise ValidationFailed("已有一次比对正在运行，请等它完成")
    run = CheckRun.objects.create(county=county, month=month, started_by=actor)
    audit.record(action="crosscheck.run_start", actor=actor, obj=run, new={"month": month})

    def work(progress: Progress) -> dict:
        return run_checks(run_id=run.pk, actor=actor, progress=progress, exact_only=exact_only)

    job = job_start(kind="crosscheck", title=f"{month}比对", actor=actor, func=work, inline=inline,
                    on_progress=on_progress)
    CheckRun.objects.filter(pk=run.pk).update(job=job)
    run.refresh_from_db()
    return run


def _reveal_refs(ciphers: list[str]) -> dict[str, str]:
    out = {}
    for cipher in ciphers:
        try:
            out[cipher] = crypto.decrypt(cipher)
        except ValueError:
            continue
    return out


class _Linker:
    """Links each snapshot to the county's people once per run, on first use.

    Exact-only runs link every snapshot in one pass: the persons' hash table (unique, as
    ``registry.Person.id_hash`` is) is probed by all snapshots' hashes in one UNION ALL join,
    which is then split by registry."""

    def __init__(self, con, snapshots: dict[str, RegistrySnapshot], exact_only: bool):
        self.con, self.snapshots, self.exact_only = con, snapshots, exact_only
        self.tables: dict[str, str] = {}
        self.stats: dict[str, dict] = {}
        self._all_exact = False

    def __call__(self, kind: str) -> str:
        if kind not in self.tables:
            out = f"link_{kind}"
            if self.exact_only:
                self._link_all_exact()
                self.con.execute(f"CREATE OR REPLACE TABLE {out} AS SELECT row_no, person_id, "
                                 f"tier, score, detail FROM links_exact WHERE kind = '{kind}'")
                n = self.con.execute(f"SELECT count(*) FROM {out}").fetchall()[0][0]
                self.stats[kind] = {"exact": n}
            else:
                stats = link(self.con, people="people", refs=f"snap_{kind}", out=out,
                             reveal_people=person_ids_reveal, reveal_refs=_reveal_refs,
                             settings=LinkSettings())
                self.stats[kind] = stats.as_dict()
            self.tables[kind] = out
        return self.tables[kind]

    def _link_all_exact(self) -> None:
        if self._all_exact:
            return
        link_exact_all(self.con, people="people",
                       refs={k: f"snap_{k}" for k in self.snapshots}, out="links_exact")
        self._all_exact = True


def run_checks(*, run_id: int, actor, progress: Progress, exact_only: bool = False) -> dict:
    run = CheckRun.objects.select_related("county").get(pk=run_id)
    try:
        result = _run_checks(run, actor, progress, exact_only)
    except Exception as exc:
        logger.exception("crosscheck run %s failed", run.pk)
        CheckRun.objects.filter(pk=run.pk).update(status=CheckRun.Status.FAILED,
                                                  finished_at=timezone.now(), message=str(exc))
        raise
    return result


def _run_checks(run: CheckRun, actor, progress: Progress, exact_only: bool) -> dict:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    month_end = Month.parse(run.month).last_day
    snapshots = latest_snapshots(run.county, on=month_end)
    progress.start(len(CHECKS) + 3, "导出保障对象")
    con = engine.connect()
    try:
        limits = limits_for(run.county, month_end)
        exported = export.export_county(con, county=run.county, month=run.month,
                                        refused_since=rescreen.since_date(limits, run.month))
        for kind, snap in snapshots.items():
            path = snapshot_file(snap)
            con.execute(f"CREATE OR REPLACE VIEW snap_{kind} AS "
                        f"SELECT * FROM read_parquet({engine.sql_literal(path)})")
        timings["export"] = time.perf_counter() - started
        progress.update(1, "比对中")
        linker = _Linker(con, snapshots, exact_only)
        ctx = CheckContext(con=con, month=run.month, limits=limits,
                           snapshots={k: s.pk for k, s in snapshots.items()}, link=linker,
                           reveal_people=person_ids_reveal,
                           estimate=lambda ids: estimate_households(county=run.county,
                                                                    household_ids=ids, on=month_end),
                           means=lambda ids: household_means(county=run.county, household_ids=ids,
                                                             on=month_end))
        hits: list[Hit] = []
        for n, check in enumerate(CHECKS, start=2):
            t0 = time.perf_counter()
            hits += check.run(ctx)
            timings[check.__name__.rsplit(".", 1)[-1]] = time.perf_counter() - t0
            progress.update(n, f"已完成{n - 1}项核查")
    finally:
        con.close()
    t0 = time.perf_counter()
    summary = write_findings(run=run, actor=actor, hits=hits, snapshots=snapshots)
    timings["write"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - started
    summary.update(exported=exported, links=linker.stats, notes=ctx.notes,
                   timings={k: round(v, 3) for k, v in timings.items()})
    CheckRun.objects.filter(pk=run.pk).update(status=CheckRun.Status.DONE, summary=summary,
                                              finished_at=timezone.now(),
                                              snapshots={k: s.pk for k, s in snapshots.items()})
    progress.update(len(CHECKS) + 3, "完成")
    return {"new": summary["new"], "known": summary["known"]}


@transaction.atomic
def write_findings(*, run: CheckRun, actor, hits: list[Hit], snapshots) -> dict:
    """Write the hits not seen before as findings, mark kin cases, audit; one transaction.
    On PostgreSQL the findings and their audit rows go in with COPY (tens of thousands in a
    province's first run), elsewhere with bulk_create."""
    from jiuzhu.core import bulk

    known = known_fingerprints(county_id=run.county_id, fingerprints=[h.fingerprint for h in hits])
    due = calendar().add_workdays(timezone.localdate(), FINDING_DUE_WORKING_DAYS).day
    fresh: dict[str, Hit] = {}
    for hit in hits:
        if hit.fingerprint not in known:
            fresh.setdefault(hit.fingerprint, hit)
    snapshot_ids = {kind: snap.pk for kind, snap in snapshots.items()}
    rows = [{
        "county_id": run.county_id, "township_id": h.township_id, "village_id": h.village_id,
        "check_code": h.check, "rule": h.rule, "fingerprint": h.fingerprint,
        "status": (Finding.Status.REVIEW if h.review else Finding.Status.RAISED).value,
        "household_id": h.household_id, "person_id": h.person_id, "enrolment_id": h.enrolment_id,
        "subject_name": h.subject_name[:60], "subject_id_masked": h.subject_id_masked or "",
        "summary": h.summary[:300], "snapshot_id": snapshot_ids.get(h.snapshot_kind),
        "ref_row": h.ref_row, "tier": "probable" if h.tier == "review" else h.tier,
        "score": h.score, "evidence": h.evidence,
        "months_paid": h.months_paid, "amount_to_recover": h.amount, "run_id": run.pk,
        "due_date": due} for h in fresh.values()]
    if rows and bulk.copy_supported():
        ids = bulk.copy_insert(Finding, rows, tuple(rows[0]))
    else:
        findings = Finding.objects.bulk_create([Finding(**row) for row in rows], batch_size=2000)
        ids = [f.pk for f in findings]
    audit.record_many(audit.AuditEvent(
        action="crosscheck.finding_raise", actor=actor,
        obj=audit.ObjectRef(Finding, pk, Finding.text_of(pk, row["subject_name"])),
        household_id=row["household_id"],
        new={"check": row["check_code"], "status": row["status"], "summary": row["summary"],
             "snapshot": row["snapshot_id"], "ref_row": row["ref_row"]})
        for pk, row in zip(ids, rows, strict=True))
    kin_apps = sorted({h.application_id for h in fresh.values()
                       if h.check == "kin" and h.application_id and not h.review})
    if kin_apps:
        applications_kin_register(actor=actor, application_ids=kin_apps,
                                  reason=f"{run.month}比对发现近亲属关系（R5）")
    by_check: dict[str, Counter] = defaultdict(Counter)
    by_township: dict[int, Counter] = defaultdict(Counter)
    for h in hits:
        state = "known" if h.fingerprint in known else ("review" if h.review else "new")
        by_check[h.check][state] += 1
        by_township[h.township_id][state] += 1
    summary = {
        "new": sum(1 for h in fresh.values() if not h.review),
        "review": sum(1 for h in fresh.values() if h.review),
        "known": len(hits) - len(fresh),
        "by_check": {code: {"label": LABELS.get(code, code), **dict(c)}
                     for code, c in sorted(by_check.items())},
        "by_township": {str(t): dict(c) for t, c in by_township.items()},
    }
    audit.record(action="crosscheck.run", actor=actor, obj=run,
                 new={"month": run.month, "new": summary["new"], "review": summary["review"],
                      "known": summary["known"],
                      "snapshots": {k: s.pk for k, s in snapshots.items()}})
    return summary
