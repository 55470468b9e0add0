"""The job queue (jiuzhu.core.jobs): enqueue with plain arguments, claim (two workers never take
one job), the heartbeat from a connection of its own, reaping of a stale job and the release of
what it worked on, starting again from the pages (a GET only shows), the in-process worker loop,
and one running cross-check run per county held by the database."""

from __future__ import annotations

import importlib
import pkgutil
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

import jiuzhu
from jiuzhu.core import jobs
from jiuzhu.core.errors import ValidationFailed
from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.core.models import AuditEntry, JobRun
from jiuzhu.core.worker import Worker, WorkerStopped
from jiuzhu.crosscheck import engine, snapshot_services
from jiuzhu.crosscheck import run as run_module
from jiuzhu.crosscheck.models import CheckRun, RegistrySnapshot
from jiuzhu.crosscheck.run import ONE_RUN_AT_A_TIME, crosscheck_run
from jiuzhu.registry import import_services
from jiuzhu.registry.models import Household, ImportBatch

from .test_import import EXAMPLE

Status = JobRun.Status
MONTH = "2026-11"


@pytest.fixture
def a_job(monkeypatch):
    """Register `func` as a job for one test (the registry is process-wide)."""

    def register(name, func, release=None):
        monkeypatch.setitem(jobs._REGISTRY, name, jobs.JobSpec(name, func, release))
        return name

    return register


def make_stale(job: JobRun, worker: str = "gone-host:4242") -> JobRun:
    """As if `worker` had claimed the job and died long ago."""
    long_ago = timezone.now() - timedelta(
        seconds=django_settings.JIUZHU_JOB_HEARTBEAT_TIMEOUT_SECONDS * 3
    )
    JobRun.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, worker=worker, started_at=long_ago, heartbeat_at=long_ago
    )
    cache.delete(jobs._beat_key(job.pk))
    job.refresh_from_db()
    return job


# --- enqueue ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_job_is_queued_with_plain_arguments_or_run_inline(users, a_job):
    seen = []

    def echo(*, progress, n, ids):
        progress.start(2, "开始")
        seen.append((n, ids, progress.job_id))
        progress.update(2)
        return {"message": f"收到{n}", "sum": sum(ids)}

    kind = a_job("test.echo", echo)
    officer = users["officer_a"]
    queued = jobs.job_start(
        kind=kind, title="回声", actor=officer, kwargs={"n": 1, "ids": [2, 3]}, inline=False
    )
    queued.refresh_from_db()
    assert queued.status == Status.QUEUED and queued.kwargs == {"n": 1, "ids": [2, 3]}
    assert queued.heartbeat_at is None and queued.worker == "" and not seen

    done = jobs.job_start(
        kind=kind, title="回声", actor=officer, kwargs={"n": 4, "ids": [5]}, inline=True
    )
    assert done.status == Status.SUCCEEDED and done.message == "收到4"
    assert done.result == {"sum": 5} and done.done == done.total == 2
    assert seen == [(4, [5], done.pk)] and done.worker == jobs.worker_name()

    for bad in ({"when": date(2026, 11, 1)}, {"ids": (1, 2)}, {"who": officer}):
        with pytest.raises(TypeError):
            jobs.job_start(kind=kind, title="x", actor=officer, kwargs=bad, inline=False)
    with pytest.raises(LookupError):
        jobs.job_start(kind="no.such.job", title="x", actor=officer, kwargs={}, inline=False)


def test_every_job_is_registered_by_a_module_the_worker_loads():
    for info in pkgutil.walk_packages(jiuzhu.__path__, "jiuzhu."):
        if ".migrations" not in info.name and ".management" not in info.name:
            importlib.import_module(info.name)
    found = {name: spec for name, spec in jobs._REGISTRY.items() if not name.startswith("test.")}
    assert {"registry.import", "crosscheck.snapshot_import", "crosscheck"} <= found.keys()
    for spec in found.values():
        assert spec.func.__module__ in django_settings.JIUZHU_JOB_MODULES, spec.name
        assert spec.release is not None, spec.name


# --- claiming ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("skip_locked", [True, False], ids=["skip-locked", "compare-and-set"])
def test_two_workers_never_take_the_same_job(users, a_job, monkeypatch, skip_locked):
    features = type(connection.features)
    monkeypatch.setattr(
        features,
        "has_select_for_update_skip_locked",
        skip_locked and features.has_select_for_update_skip_locked,
    )
    kind = a_job("test.noop", lambda *, progress: {})
    queued = {
        jobs.job_start(
            kind=kind, title=f"#{i}", actor=users["officer_a"], kwargs={}, inline=False
        ).pk
        for i in range(40)
    }
    taken: dict[str, list[int]] = {f"worker-{i}": [] for i in range(4)}
    start = threading.Barrier(len(taken))

    def claim_all(name: str) -> None:
        try:
            start.wait()
            while (job := jobs.claim_next(name)) is not None:
                taken[name].append(job.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim_all, args=(name,)) for name in taken]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    claims = [pk for pks in taken.values() for pk in pks]
    assert sorted(claims) == sorted(queued)  # every job once, none twice
    for name, pks in taken.items():
        assert set(JobRun.objects.filter(pk__in=pks).values_list("worker", flat=True)) <= {name}
    assert not JobRun.objects.filter(pk__in=queued).exclude(status=Status.RUNNING).exists()


# --- heartbeat -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_is_written_beside_the_jobs_open_transaction(users, a_job, settings):
    settings.JIUZHU_JOB_HEARTBEAT_SECONDS = 0.1

    def hold(*, progress):
        with transaction.atomic():  # the job's own transaction, open throughout
            progress.start(10, "写入中")
            progress.update(7, "已写入7条")
            first = JobRun.objects.get(pk=progress.job_id)
            time.sleep(0.8)
            # read committed: the heartbeat's commits are seen from inside this transaction
            later = JobRun.objects.get(pk=progress.job_id)
        return {
            "first": first.heartbeat_at.isoformat(),
            "later": later.heartbeat_at.isoformat(),
            "done": later.done,
        }

    job = jobs.job_start(
        kind=a_job("test.hold", hold),
        title="持有事务",
        actor=users["officer_a"],
        kwargs={},
        inline=True,
    )
    assert job.status == Status.SUCCEEDED, job.log
    assert job.result["later"] > job.result["first"]
    assert job.result["done"] == 7  # progress copied to the row with the beat
    assert cache.get(jobs._beat_key(job.pk)) is not None


# --- reaping and release -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_import_is_failed_its_batch_released_and_the_page_restarts_it(users, client):
    officer = users["officer_a"]
    batch = import_services.import_preview(
        actor=officer, file_name="ok.csv", data=EXAMPLE.read_bytes()
    )
    batch = import_services.import_commit(actor=officer, batch_id=batch.pk, inline=False)
    job = jobs.claim_next("gone-host:4242")
    assert job.pk == batch.job_id and job.kwargs == {"actor_id": officer.pk, "batch_id": batch.pk}
    assert jobs.reap_stale() == []  # just claimed: alive
    make_stale(job)
    cache.set(jobs._beat_key(job.pk), timezone.now().timestamp())
    assert jobs.reap_stale() == []  # the row is old but the cache has a fresh beat
    make_stale(job)

    # the page shows the interruption and offers to start again; the GET writes nothing
    client.force_login(officer)
    page = client.get(reverse("registry:import_preview", args=[batch.pk]))
    text = page.content.decode()
    assert jobs.INTERRUPTED in text and 'id="restart-import"' in text and "hx-get" not in text
    batch.refresh_from_db()
    job.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTING and job.status == Status.RUNNING

    assert jobs.reap_stale() == [job.pk] and jobs.reap_stale() == []
    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.status == Status.FAILED and job.message == jobs.INTERRUPTED
    assert "gone-host:4242" in job.log and batch.status == ImportBatch.Status.FAILED
    entry = AuditEntry.objects.get(action="import.fail", object_id=str(batch.pk))
    assert entry.actor.username == "system-worker" and entry.reason == jobs.INTERRUPTED
    assert not Household.objects.exists()

    # started again from the page (the same permission as the first start)
    client.force_login(users["officer_b"])  # not the uploader: no such batch for him
    assert client.post(reverse("registry:import_commit", args=[batch.pk])).status_code == 404
    client.force_login(officer)
    client.post(reverse("registry:import_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED and batch.job_id != job.pk
    assert Household.objects.filter(import_batch=batch).count() == batch.households_imported > 0


@pytest.mark.django_db
def test_a_stale_snapshot_import_leaves_no_file_and_starts_again(users, client, settings, tmp_path):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snapshots"
    county = users["county"]
    id18 = make_resident_id(region_code="433123", birth_date=date(1950, 1, 2), sequence=3, sex="M")
    rows = f"姓名,公民身份号码,死亡日期\n龙大山,{id18},2025-03-14\n"
    snap = snapshot_services.snapshot_preview(
        actor=county,
        kind="death",
        as_of=date(2025, 5, 31),
        source="县公安局",
        file_name="death.csv",
        data=rows.encode("utf-8-sig"),
    )
    snap = snapshot_services.snapshot_commit(
        actor=county, snapshot_id=snap.pk, good_rows=True, inline=False
    )
    job = make_stale(jobs.claim_next("gone-host:4242"))
    # what a killed writer leaves: its temporary file, or the final one not yet activated
    final = engine.snapshot_dir() / snapshot_services._relative_path(snap)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_bytes(b"PAR1 half")
    final.write_bytes(b"PAR1 whole")
    other = final.with_name(".other.parquet.0123.tmp")  # another snapshot's: not touched
    other.write_bytes(b"x")

    assert jobs.reap_stale() == [job.pk]
    snap.refresh_from_db()
    assert snap.status == RegistrySnapshot.Status.FAILED and snap.upload_path
    assert not tmp.exists() and not final.exists() and other.exists()
    assert AuditEntry.objects.filter(
        action="crosscheck.snapshot_fail", object_id=str(snap.pk)
    ).exists()

    client.force_login(county)
    page = client.get(reverse("snapshots:detail", args=[snap.pk])).content.decode()
    assert 'id="restart-import"' in page and jobs.INTERRUPTED in page
    client.post(reverse("snapshots:commit", args=[snap.pk]), {"good_rows": "0"})
    snap.refresh_from_db()
    assert snap.status == RegistrySnapshot.Status.ACTIVE and snap.rows_stored == 1


@pytest.mark.django_db
def test_a_stale_run_frees_the_county_and_the_month_runs_again(users, client):
    county = users["county"]
    run = crosscheck_run(actor=county, month=MONTH, inline=False)
    with pytest.raises(ValidationFailed, match=ONE_RUN_AT_A_TIME):
        crosscheck_run(actor=county, month=MONTH, inline=True)
    job = make_stale(jobs.claim_next("gone-host:4242"))

    client.force_login(county)
    page = client.get(reverse("crosscheck:run_detail", args=[run.pk])).content.decode()
    assert jobs.INTERRUPTED in page and 'id="restart-run"' in page
    run.refresh_from_db()
    assert run.status == CheckRun.Status.RUNNING  # the GET only showed it

    # the button: a POST of the month, which reaps the dead run first
    response = client.post(reverse("crosscheck:run_list"), {"month": MONTH})
    again = CheckRun.objects.exclude(pk=run.pk).get()
    assert response.status_code == 302 and response.url == reverse(
        "crosscheck:run_detail", args=[again.pk]
    )
    run.refresh_from_db()
    job.refresh_from_db()
    assert run.status == CheckRun.Status.FAILED and run.message == jobs.INTERRUPTED
    assert job.status == Status.FAILED and again.status == CheckRun.Status.DONE
    assert AuditEntry.objects.filter(action="crosscheck.run_fail", object_id=str(run.pk)).exists()
    client.force_login(users["inspector"])  # may look, may not run: no button
    page = client.get(reverse("crosscheck:run_detail", args=[run.pk])).content.decode()
    assert jobs.INTERRUPTED in page and 'id="restart-run"' not in page


# --- one run per county ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_running_run_per_county_is_a_database_constraint(users, regions):
    county = regions["433123000000"]
    CheckRun.objects.create(county=county, month=MONTH, status=CheckRun.Status.DONE)
    CheckRun.objects.create(county=county, month=MONTH, status=CheckRun.Status.FAILED)
    CheckRun.objects.create(county=county, month=MONTH)  # running
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckRun.objects.create(county=county, month="2026-12")
    other = regions["433123109000"]  # any other region row: the constraint is per county
    CheckRun.objects.create(county=other, month=MONTH)


@pytest.mark.django_db(transaction=True)
def test_two_starts_at_once_give_one_run_and_the_message(users, monkeypatch):
    """Both start while neither has committed (the audit write is slowed inside the start's
    transaction): a check before the insert would let both through; the constraint does not."""
    from jiuzhu.core import audit

    record = audit.record

    def slow_record(**kwargs):
        result = record(**kwargs)
        if kwargs.get("action") == "crosscheck.run_start":
            time.sleep(0.5)
        return result

    monkeypatch.setattr(run_module.audit, "record", slow_record)
    start = threading.Barrier(2)
    outcomes: list = []

    def start_run() -> None:
        try:
            start.wait()
            outcomes.append(crosscheck_run(actor=users["county"], month=MONTH, inline=False).pk)
        except ValidationFailed as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=start_run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    [run] = CheckRun.objects.all()
    assert sorted(outcomes, key=str) == sorted([run.pk, ONE_RUN_AT_A_TIME], key=str)
    assert JobRun.objects.filter(kind="crosscheck").count() == 1


# --- the worker loop ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_queue_and_a_stop_interrupts_its_job(users, a_job):
    officer = users["officer_a"]
    batch = import_services.import_preview(
        actor=officer, file_name="ok.csv", data=EXAMPLE.read_bytes()
    )
    batch = import_services.import_commit(actor=officer, batch_id=batch.pk, inline=False)
    said: list[str] = []
    assert Worker(poll=0, stop_when_idle=True, say=said.append).run() == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED and Household.objects.exists()
    assert any(f"任务#{batch.job_id}" in line for line in said)

    released = []
    worker = Worker(poll=0, stop_when_idle=True, say=said.append)

    def stopped_midway(*, progress):
        progress.start(3)
        worker.request_stop()  # what SIGTERM does while a job runs
        raise AssertionError("not reached")

    kind = a_job(
        "test.stopped", stopped_midway, release=lambda job, message: released.append(message)
    )
    job = jobs.job_start(kind=kind, title="被中止", actor=officer, kwargs={}, inline=False)
    with pytest.raises(WorkerStopped):
        worker.run()
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.message == jobs.INTERRUPTED
    assert released == [jobs.INTERRUPTED]


@pytest.mark.django_db(transaction=True)
def test_the_worker_waits_out_a_database_that_is_away(monkeypatch):
    from django.db import OperationalError

    claims = []

    def claim(name):
        claims.append(name)
        if len(claims) == 1:
            raise OperationalError("the database system is starting up")
        return None

    monkeypatch.setattr(jobs, "claim_next", claim)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    said: list[str] = []
    assert Worker(poll=0, stop_when_idle=True, say=said.append).run() == 0
    assert len(claims) == 2 and any("数据库暂时无法访问" in line for line in said)


def test_a_failed_jobs_message_and_log_hold_no_full_id_number(users, a_job):
    """A traceback can quote the row a job failed on; the job's stored text masks ID numbers."""
    number = "433123194111020495"

    def fails(progress):
        raise ValueError(f"duplicate key value: id_number={number}")

    kind = a_job("test.fails_with_id", fails)
    job = jobs.job_start(kind=kind, title="出错", actor=users["officer_a"], kwargs={}, inline=True)
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert number not in job.log and number not in job.message
    assert "4331**********0495" in job.log


def test_a_failed_batch_can_be_dropped_and_its_upload_is_deleted(users):
    officer = users["officer_a"]
    batch = import_services.import_preview(
        actor=officer, file_name="ok.csv", data=EXAMPLE.read_bytes()
    )
    batch = import_services.import_commit(actor=officer, batch_id=batch.pk, inline=False)
    make_stale(jobs.claim_next("gone-host:4242"))
    jobs.reap_stale()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and Path(batch.stored_path).exists()
    import_services.import_discard(actor=officer, batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED and not Path(batch.stored_path).exists()
