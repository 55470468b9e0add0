"""The kill test: a real worker process (`python -m jiuzhu.cli worker`) killed with SIGKILL in the
middle of a household import and of a cross-check run. Within the heartbeat timeout the job is
failed and what it worked on released, nothing partial is left, and the job started again from
the same service succeeds in a new worker. Also: `jiuzhu serve` starts a worker beside the web
server and stops it with itself."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from jiuzhu.core import jobs
from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.core.models import AuditEntry, JobRun
from jiuzhu.crosscheck.models import CheckRun, Finding
from jiuzhu.crosscheck.run import crosscheck_run
from jiuzhu.registry import import_services
from jiuzhu.registry.import_format import COLUMNS
from jiuzhu.registry.models import Household, ImportBatch, Person

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
HEARTBEAT, TIMEOUT = 0.5, 4.0
VILLAGE = "433123109201"  # 沱江镇大坪村, in the officer's township


@pytest.fixture(autouse=True)
def _short_heartbeat(settings):
    """The test process looks at the jobs with the workers' timeout."""
    settings.JIUZHU_JOB_HEARTBEAT_SECONDS = HEARTBEAT
    settings.JIUZHU_JOB_HEARTBEAT_TIMEOUT_SECONDS = TIMEOUT


def _env() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "JIUZHU_DB_NAME": connection.settings_dict["NAME"],  # the test database
        "JIUZHU_TEST_VAR_DIR": str(settings.VAR_DIR),  # the same cache, uploads and snapshots
        "JIUZHU_CROSSCHECK_MIRROR_DIR": str(settings.JIUZHU_CROSSCHECK_MIRROR_DIR),
        "JIUZHU_JOB_HEARTBEAT_SECONDS": str(HEARTBEAT),
        "JIUZHU_JOB_HEARTBEAT_TIMEOUT_SECONDS": str(TIMEOUT),
        "JIUZHU_WORKER_POLL_SECONDS": "0.2",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def workers(tmp_path):
    """Start real worker processes; every one still alive is killed at the end."""
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        log = (tmp_path / f"worker-{len(started)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "jiuzhu.cli", "worker"],
            cwd=ROOT,
            env=_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def wait_for(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {what}")


def job_of(obj) -> JobRun | None:
    obj.refresh_from_db()
    return JobRun.objects.filter(pk=obj.job_id).first()


def running_with_progress(obj, at_least: int):
    """The object's job is running in a worker, its heartbeat seen, and it got that far."""
    job = job_of(obj)
    if job is None or job.status != JobRun.Status.RUNNING or job.heartbeat_at is None:
        return None
    live = cache.get(f"jiuzhu:job:{job.pk}") or {}
    return job if live.get("done", 0) >= at_least else None


def last_id(table: str) -> int:
    """The last id a table's sequence gave out, committed or not."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        [sequence] = cursor.fetchone()
        cursor.execute(f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {sequence}")
        return cursor.fetchone()[0]


def kill(process: subprocess.Popen) -> float:
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    return time.monotonic()


def ended(obj):
    job = job_of(obj)
    return job if job is not None and job.status in ("succeeded", "failed") else None


# --- a household import ---------------------------------------------------------------------


def households_file(n: int) -> bytes:
    """n two-person households, every ID number distinct (one birth day per household)."""
    headers = [c.header for c in COLUMNS]
    lines = [",".join(headers)]
    for i in range(n):
        born = date(1950, 1, 1) + timedelta(days=i)
        for relation, name, sex in (("户主", "龙大山", "M"), ("配偶", "吴秀英", "F")):
            values = {
                "家庭编号": str(i + 1),
                "村（社区）代码": VILLAGE,
                "家庭住址": f"沱江镇大坪村{i % 9 + 1}组",
                "与户主关系": relation,
                "姓名": name,
                "身份证号码": make_resident_id(
                    region_code="433123", birth_date=born, sequence=7, sex=sex
                ),
                "户籍性质": "农业",
                "劳动能力": "有劳动能力",
                "健康状况": "健康",
            }
            lines.append(",".join(values.get(h, "") for h in headers))
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def test_a_killed_import_is_failed_rolled_back_and_starts_again(users, workers):
    officer = users["officer_a"]
    households = 1500
    batch = import_services.import_preview(
        actor=officer, file_name="大坪村.csv", data=households_file(households)
    )
    assert batch.households_good == households
    imports = Path(settings.VAR_DIR) / "imports"
    uploads = set(imports.iterdir())  # the encrypted upload, kept for the import
    assert Path(batch.stored_path) in uploads
    batch = import_services.import_commit(actor=officer, batch_id=batch.pk, inline=False)
    assert batch.status == ImportBatch.Status.IMPORTING
    assert job_of(batch).status == JobRun.Status.QUEUED and job_of(batch).kwargs == {
        "actor_id": officer.pk,
        "batch_id": batch.pk,
    }

    before = last_id("registry_household")
    first = workers()
    job = wait_for(lambda: running_with_progress(batch, 200), seconds=60, what="the import writing")
    assert last_id("registry_household") >= before + 200  # written, in the open transaction
    assert job.worker.endswith(f":{first.pid}")
    killed_at = kill(first)

    workers()  # the next worker reaps at start and on every loop
    failed = wait_for(lambda: ended(batch), seconds=TIMEOUT + 10, what="the job failed")
    assert time.monotonic() - killed_at < TIMEOUT + 10
    assert failed.status == JobRun.Status.FAILED and failed.message == jobs.INTERRUPTED
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    # nothing partial: the households were written in one transaction, which died
    assert not Household.objects.filter(import_batch=batch).exists()
    assert not Person.objects.exists() and not Household.objects.exists()
    assert AuditEntry.objects.filter(action="import.fail", object_id=str(batch.pk)).count() == 1
    assert not AuditEntry.objects.filter(action="household.import").exists()
    assert set(imports.iterdir()) == uploads  # no file left by the job; the upload kept

    # started again, from the same service as the page's button
    batch = import_services.import_commit(actor=officer, batch_id=batch.pk, inline=False)
    again = wait_for(lambda: ended(batch), seconds=120, what="the second import")
    assert again.pk != failed.pk and again.status == JobRun.Status.SUCCEEDED, again.log
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert Household.objects.filter(import_batch=batch).count() == households
    assert not Path(batch.stored_path).exists()


# --- a cross-check run ------------------------------------------------------------------------


@pytest.fixture
def demo_county(regions):
    """The demo county with a few thousand households, recipients and ten registry snapshots
    (imported inline, as the demo does), and no run yet."""
    from jiuzhu.demo.crosscheck import demo_accounts, prepare_demo_crosscheck
    from jiuzhu.demo.generator import generate_demo
    from jiuzhu.demo.users import create_demo_users
    from jiuzhu.programmes.seed import seed_county_defaults

    generate_demo(households=2000, seed=11)
    county = regions["433123000000"]
    seed_county_defaults(county=county)
    create_demo_users()
    accounts = demo_accounts()
    plant, _ = prepare_demo_crosscheck(
        county=county, users=accounts, today=timezone.localdate(), seed=11
    )
    return accounts["county-admin"], plant.month


def test_a_killed_run_is_failed_writes_no_finding_and_runs_again(demo_county, workers):
    admin, month = demo_county
    run = crosscheck_run(actor=admin, month=month, inline=False)
    assert run.status == CheckRun.Status.RUNNING and job_of(run).status == JobRun.Status.QUEUED

    before = last_id("crosscheck_finding")
    first = workers()
    # past the export, in the checks, and the findings writer has inserted some findings in
    # its transaction (their ids were taken: a sequence is not transactional)
    wait_for(
        lambda: running_with_progress(run, 2) and last_id("crosscheck_finding") > before,
        seconds=120,
        what="the run writing findings",
    )
    killed_at = kill(first)

    workers()
    failed = wait_for(lambda: ended(run), seconds=TIMEOUT + 10, what="the job failed")
    assert time.monotonic() - killed_at < TIMEOUT + 10
    assert failed.status == JobRun.Status.FAILED and failed.message == jobs.INTERRUPTED
    run.refresh_from_db()
    assert run.status == CheckRun.Status.FAILED and run.message == jobs.INTERRUPTED
    assert not Finding.objects.filter(run=run).exists()  # one transaction: none written
    assert not AuditEntry.objects.filter(action="crosscheck.finding_raise").exists()
    assert AuditEntry.objects.filter(action="crosscheck.run_fail", object_id=str(run.pk)).exists()
    snapshots = Path(settings.JIUZHU_SNAPSHOT_DIR)
    assert not [p for p in snapshots.rglob("*") if p.name.endswith(".tmp")]

    # the county is free again: the month starts again and finishes
    again = crosscheck_run(actor=admin, month=month, inline=False)
    assert again.pk != run.pk
    job = wait_for(lambda: ended(again), seconds=180, what="the second run")
    again.refresh_from_db()
    assert job.status == JobRun.Status.SUCCEEDED, job.log
    assert again.status == CheckRun.Status.DONE
    assert (
        Finding.objects.filter(run=again).count() == again.summary["new"] + again.summary["review"]
    )
    assert again.summary["new"] > 0


# --- jiuzhu serve -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_runs_a_worker_beside_the_web_server_and_stops_it(users, tmp_path):
    officer = users["officer_a"]
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(
        [sys.executable, "-m", "jiuzhu.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: _answers(port), seconds=30, what="the web server answering")
        batch = import_services.import_preview(
            actor=officer, file_name="小.csv", data=households_file(3)
        )
        batch = import_services.import_commit(actor=officer, batch_id=batch.pk, inline=False)
        job = wait_for(lambda: ended(batch), seconds=60, what="the worker running the job")
        assert job.status == JobRun.Status.SUCCEEDED, job.log
        worker_pid = int(job.worker.rsplit(":", 1)[1])
        assert worker_pid != serve.pid and _alive(worker_pid)

        # a worker that dies is started again
        os.kill(worker_pid, signal.SIGKILL)
        wait_for(lambda: _worker_pids(serve.pid) - {worker_pid}, seconds=30, what="a new worker")

        serve.send_signal(signal.SIGTERM)
        assert serve.wait(30) == 0
        wait_for(lambda: not _worker_pids(serve.pid), seconds=10, what="the worker stopped")
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait(10)
    text = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "后台任务进程" in text and "Traceback" not in text


def test_serve_on_a_busy_port_says_so_in_chinese(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "jiuzhu.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            env=_env(),
            capture_output=True,
            timeout=60,
        )
    err = done.stderr.decode("utf-8")
    assert done.returncode == 1
    assert f"端口 {port} 已被占用" in err and "Traceback" not in err


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET /accounts/login/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            return s.recv(12).startswith(b"HTTP/1.")
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _worker_pids(parent: int) -> set[int]:
    """The worker processes whose parent is `parent` (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and b"worker" in cmdline:
            found.add(int(entry.name))
    return found
