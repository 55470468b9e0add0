"""The monthly run, top to bottom: prepare, link, check, write.

``crosscheck_run`` starts it as a background job (button, command line or schedule); the job runs
``run_checks``:

1. **prepare** — the engine (engines.py: DuckDB by default, or Spark on a cluster) gets the
   county's operational columns (export.py, once) and the latest snapshot of each registry;
2. **link** — each snapshot is linked to the county's people on first use (linkage/: exact ID,
   one character off, Splink), or all at once by exact ID with ``exact_only``;
3. **check** — every check of checks/ in turn, its SQL run by the engine, its hits collected;
4. **write** — the engine closed, the hits are written in one transaction (finding_writes).

A failed run writes nothing. Re-running a month with the same snapshots raises nothing new and
changes no existing finding: a hit whose fingerprint (check + subject + evidence) is already
known, in any status, is skipped — so a finding verified false is not raised again for the same
evidence. The engine changes where the SQL runs, never the hits: a Spark run writes the findings
a DuckDB run writes (tests/integration/test_crosscheck_spark.py).

One writer (finding_writes.FindingWriter): each check's hits are handed to it as the check
ends; on PostgreSQL it inserts them on a thread of its own while the next checks run, which on
the province benchmark keeps about 3.6 s of writing out of the monthly run (measured: see its
docstring); a failed run aborts it and nothing is written.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from jiuzhu.accounts.models import User
from jiuzhu.accounts.system import system_actor
from jiuzhu.cases.kinship import DEFAULT_CLOSE_RELATIVES
from jiuzhu.core import audit, audit_anchor, crypto, jobs
from jiuzhu.core.errors import ValidationFailed
from jiuzhu.core.idguard import mask_ids
from jiuzhu.core.jobs import Progress
from jiuzhu.core.month import Month
from jiuzhu.payments.recovery_selectors import paid_months_for
from jiuzhu.programmes import selectors as params
from jiuzhu.programmes.catalogue import SettingKey
from jiuzhu.registry.selectors import person_ids_reveal

from .checks import CHECKS, LINKED_PEOPLE_KINDS, rescreen
from .checks.base import CheckContext, Limits, linked_people
from .engines import ENGINES, open_engine
from .estimate import estimate_households, household_means
from .finding_writes import FindingWriter, require_runs_county
from .linkage import LinkSettings, link, link_exact_all
from .models import CheckRun, RegistrySnapshot
from .snapshot_selectors import latest_snapshots, snapshots_described

logger = logging.getLogger(__name__)


def limits_for(county, on: date) -> Limits:
    def value(key):
        return params.setting_value(county=county, key=key, on=on)

    return Limits(
        max_vehicles=int(value(SettingKey.MAX_VEHICLES)),
        farm_machine_value=Decimal(value(SettingKey.FARM_MACHINE_VALUE)),
        business_capital=Decimal(value(SettingKey.BUSINESS_CAPITAL)),
        max_dwellings=int(value(SettingKey.MAX_DWELLINGS)),
        close_relatives=frozenset(k.value for k in DEFAULT_CLOSE_RELATIVES),
    )


RUN_JOB = "crosscheck"
ONE_RUN_AT_A_TIME = "已有一次比对正在运行，请等它完成"


def crosscheck_run(
    *,
    actor,
    month: str,
    inline: bool | None = None,
    exact_only: bool = False,
    engine: str = "duckdb",
    master: str | None = None,
    on_progress=None,
) -> CheckRun:
    """Start the month's run for the actor's county (R9: once a month, or on demand): queued
    for the worker, or run now (`inline`). One run per county at a time: the database holds
    it (a partial unique constraint on the running runs), not a check before the insert.
    `engine` 'spark' runs the checks on the Spark cluster `master` (default
    JIUZHU_SPARK_MASTER)."""
    require_runs_county(actor, getattr(actor, "region_id", None))
    Month.parse(month)
    if engine not in ENGINES:
        raise ValidationFailed(f"未知的比对引擎：{engine}")
    county = actor.region
    jobs.reap_stale()  # a run whose worker died is failed first: the county may run again
    run_now = jobs.runs_inline(inline)
    with transaction.atomic():
        try:
            with transaction.atomic():
                run = CheckRun.objects.create(county=county, month=month, started_by=actor)
        except IntegrityError:
            raise ValidationFailed(ONE_RUN_AT_A_TIME) from None
        audit.record(action="crosscheck.run_start", actor=actor, obj=run, new={"month": month})
        job = jobs.job_create(
            kind=RUN_JOB,
            title=f"{month}比对",
            actor=actor,
            kwargs={
                "actor_id": actor.pk,
                "run_id": run.pk,
                "exact_only": bool(exact_only),
                "engine": engine,
                "master": master,
            },
            inline=run_now,
        )
        CheckRun.objects.filter(pk=run.pk).update(job=job)
    if run_now:
        jobs.job_run_inline(job, on_progress=on_progress)
    run.refresh_from_db()
    return run


def _release_run(job, message: str) -> None:
    """The job failed or its worker died: the run, still running, becomes failed and frees
    the county (its findings are written in one transaction, which did not commit)."""
    run_id = job.kwargs.get("run_id")
    runs = CheckRun.objects.filter(**({"pk": run_id} if run_id else {"job_id": job.pk}))
    for run in runs.filter(status=CheckRun.Status.RUNNING):
        if CheckRun.objects.filter(pk=run.pk, status=CheckRun.Status.RUNNING).update(
            status=CheckRun.Status.FAILED, finished_at=timezone.now(), message=message
        ):
            audit.record(
                action="crosscheck.run_fail",
                actor=system_actor("worker"),
                obj=run,
                old={"status": CheckRun.Status.RUNNING},
                new={"status": CheckRun.Status.FAILED, "job": job.pk},
                reason=message,
            )


@jobs.job(RUN_JOB, release=_release_run)
def crosscheck_job(
    *,
    progress: Progress,
    actor_id: int,
    run_id: int,
    exact_only: bool = False,
    engine: str = "duckdb",
    master: str | None = None,
):
    """The worker's side of crosscheck_run: the actor read again; run_checks checks it."""
    actor = User.objects.get(pk=actor_id)
    return run_checks(
        run_id=run_id,
        actor=actor,
        progress=progress,
        exact_only=exact_only,
        engine=engine,
        master=master,
    )


def household_sizes(con, household_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Members and area type of households in the run's people: counted where the persons
    already are, not in the registry (a random read per member on a cold database)."""
    return {
        hid: (n, area)
        for hid, n, area in con.execute(
            "SELECT household_id, count(*), any_value(area_type) FROM people "
            "WHERE household_id IN (SELECT unnest($ids)) GROUP BY household_id",
            {"ids": [int(h) for h in household_ids]},
        ).fetchall()
    }


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
    which is then split by registry; the people the links of LINKED_PEOPLE_KINDS reach are then
    kept in one small table that those checks join instead of every person (``people``,
    checks.base.linked_people). A run with all tiers links registry by registry, and its checks
    join ``people`` itself."""

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
                self.con.execute(
                    f"CREATE OR REPLACE TABLE {out} AS SELECT row_no, person_id, "
                    f"tier, score, detail FROM links_exact WHERE kind = '{kind}'"
                )
                n = self.con.execute(f"SELECT count(*) FROM {out}").fetchall()[0][0]
                self.stats[kind] = {"exact": n}
            else:
                stats = link(
                    self.con,
                    people="people",
                    refs=f"snap_{kind}",
                    out=out,
                    reveal_people=person_ids_reveal,
                    reveal_refs=_reveal_refs,
                    settings=LinkSettings(),
                )
                self.stats[kind] = stats.as_dict()
            self.tables[kind] = out
        return self.tables[kind]

    def people(self, kind: str) -> str:
        """The table of the people the `kind` links reach (CheckContext.people)."""
        if not self.exact_only or kind not in LINKED_PEOPLE_KINDS:
            return "people"
        self._link_all_exact()
        return "people_linked"

    def _link_all_exact(self) -> None:
        if self._all_exact:
            return
        link_exact_all(
            self.con,
            people="people",
            refs={k: f"snap_{k}" for k in self.snapshots},
            out="links_exact",
        )
        linked_people(self.con, links="links_exact", out="people_linked", kinds=LINKED_PEOPLE_KINDS)
        self._all_exact = True


def run_checks(
    *,
    run_id: int,
    actor,
    progress: Progress,
    exact_only: bool = False,
    engine: str = "duckdb",
    master: str | None = None,
) -> dict:
    run = CheckRun.objects.select_related("county").get(pk=run_id)
    require_runs_county(actor, run.county_id)
    try:
        result = _run_checks(run, actor, progress, exact_only, engine, master)
    except Exception as exc:
        logger.exception("crosscheck run %s failed", run.pk)
        CheckRun.objects.filter(pk=run.pk).update(
            status=CheckRun.Status.FAILED,
            finished_at=timezone.now(),
            message=mask_ids(str(exc))[:2000],
        )
        raise
    return result


def _context(run: CheckRun, con, limits: Limits, snapshots, linker: _Linker) -> CheckContext:
    month_end = Month.parse(run.month).last_day
    return CheckContext(
        con=con,
        month=run.month,
        limits=limits,
        snapshots={k: s.pk for k, s in snapshots.items()},
        link=linker,
        people=linker.people,
        reveal_people=person_ids_reveal,
        estimate=lambda ids: estimate_households(
            county=run.county, household_ids=ids, on=month_end, sizes=household_sizes(con, ids)
        ),
        means=lambda ids: household_means(
            county=run.county, household_ids=ids, on=month_end, sizes=household_sizes(con, ids)
        ),
        paid_months=paid_months_for,
    )


def _run_checks(
    run: CheckRun, actor, progress: Progress, exact_only: bool, engine: str, master: str | None
) -> dict:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    snapshots = latest_snapshots(run.county, on=Month.parse(run.month).last_day)
    limits = limits_for(run.county, Month.parse(run.month).last_day)
    progress.start(len(CHECKS) + 3, "导出保障对象")
    checks = open_engine(engine, master)
    writer = None
    try:
        # 1. prepare: the operational columns and the snapshots, where the engine reads them
        exported = checks.prepare(
            run=run, snapshots=snapshots, refused_since=rescreen.since_date(limits, run.month)
        )
        timings["export"] = time.perf_counter() - started
        progress.update(1, "比对中")
        # made after the export: its transaction must not be open while the kept copy reads
        # which rows were written since the previous run (mirror.py)
        writer = FindingWriter(run=run, actor=actor, snapshots=snapshots)
        # 2. link (each snapshot on a check's first use) and 3. check
        linker = _Linker(checks.con, snapshots, exact_only)
        ctx = _context(run, checks.con, limits, snapshots, linker)
        for n, check in enumerate(CHECKS, start=2):
            t0 = time.perf_counter()
            writer.add(check.run(ctx))  # written while the next checks run (finding_writes)
            timings[check.__name__.rsplit(".", 1)[-1]] = time.perf_counter() - t0
            progress.update(n, f"已完成{n - 1}项核查")
    except BaseException:
        if writer is not None:
            writer.abort()  # a failed run writes nothing
        raise
    finally:
        t0 = time.perf_counter()
        checks.close()  # DuckDB: writes the kept copy out; Spark: drops the run's views
        timings["close"] = time.perf_counter() - t0
    # 4. write: the last findings, their audit entries and the run's, in one transaction
    t0 = time.perf_counter()
    summary = writer.finish()
    timings["write"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - started
    summary.update(
        engine=checks.describe(),
        exported=exported,
        links=linker.stats,
        notes=ctx.notes,
        unused_rows=ctx.unused,  # per check: snapshot rows not used (or used on an assumption)
        snapshots_used=snapshots_described(snapshots),
        timings={k: round(v, 3) for k, v in timings.items()},
    )
    CheckRun.objects.filter(pk=run.pk).update(
        status=CheckRun.Status.DONE,
        summary=summary,
        finished_at=timezone.now(),
        snapshots={k: s.pk for k, s in snapshots.items()},
    )
    progress.update(len(CHECKS) + 3, "完成")
    audit_anchor.anchor_after_commit(made_by=f"月度比对#{run.pk}（{run.month}）", actor=actor)
    return {"new": summary["new"], "known": summary["known"]}
