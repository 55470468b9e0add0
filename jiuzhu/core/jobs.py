"""Long jobs: a queue in the database, run by the worker process (``jiuzhu worker``).

A job is a module-level function registered by name (``@job("registry.import", release=…)``)
and called with plain JSON keyword arguments — ids, never model instances; the actor as a user
id, which the job reads again and hands to the guarded service code, so a job trusts nothing
its enqueuer says — plus ``progress``. ``job_start`` stores a ``JobRun`` row, which is both the
queue entry and the record the user sees, and either leaves it queued for the worker or, inline
(the command line, tests), runs it at once in the caller's process.

While a job runs, a thread of its process stamps the row's ``heartbeat_at`` every few seconds
on a connection of its own (never inside the job's transaction). A job whose heartbeat is older
than ``JIUZHU_JOB_HEARTBEAT_TIMEOUT_SECONDS`` — its process was killed, or the machine stopped
— is failed by ``reap_stale`` (called by the worker at start and on every loop, and by the
services before a job is started again), and its ``release`` frees what it worked on: the
import batch or the run goes to "failed" and can be started again. The job's data was written
in one transaction that died with its process, so nothing partial is left.

Progress goes to the cache (file-based, shared by the web and worker processes on one host):
a page polling it sees how far the job's own transaction got, which the row cannot show.

Why not django-tasks' database backend, as ARCHITECTURE.md planned: its current release (0.12)
moved that backend into a separate package (django-tasks-db 0.13), whose worker keeps no
heartbeat and never fails a task whose worker died — a killed worker's task stays "running"
for ever, the very bug this replaces. Both would have to be built around it, with a second
table mirroring JobRun's state. So the queue is the JobRun table itself, claimed with
``SELECT … FOR UPDATE SKIP LOCKED`` where the database has it and a compare-and-set UPDATE
(``WHERE status = 'queued'``) in every case, which is what keeps two workers off one job.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from .errors import JiuzhuError
from .idguard import mask_ids
from .models import JobRun
from .month import format_date_cn
from .requestctx import current_ip

logger = logging.getLogger(__name__)
Status = JobRun.Status

INTERRUPTED = "任务中断（后台进程已停止），数据未作修改，可重新开始"
FAILED = "任务出错，数据未作任何修改"
QUEUED_MESSAGE = "排队中，等待后台任务进程执行"
NO_WORKER_MESSAGE = "排队中，但后台任务进程未在运行：请联系系统管理员启动（jiuzhu worker）"

Release = Callable[[JobRun, str], None]


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable[..., dict]
    release: Release | None


_REGISTRY: dict[str, JobSpec] = {}


def job(name: str, *, release: Release | None = None):
    """Register a module-level function as the job `name`, called as
    ``func(progress=…, **kwargs)``; the dict it returns is the job's result (its "message"
    shown to the user). ``release(job_run, message)`` frees what the job worked on when the job
    fails or its worker dies; it must be a compare-and-set on the object's status (it may run
    after the job has released the object itself). The module goes in JIUZHU_JOB_MODULES."""

    def register(func):
        known = _REGISTRY.get(name)
        if known and (known.func.__module__, known.func.__qualname__) != (
            func.__module__,
            func.__qualname__,
        ):
            raise ValueError(f"job {name!r} is registered twice")
        _REGISTRY[name] = JobSpec(name, func, release)
        return func

    return register


def load_jobs() -> dict[str, JobSpec]:
    """Import the modules that register jobs (a fresh worker has imported none of them)."""
    for module in settings.JIUZHU_JOB_MODULES:
        import_module(module)
    return dict(_REGISTRY)


def _spec(name: str) -> JobSpec:
    if name not in _REGISTRY:
        load_jobs()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(f"unknown job {name!r}: not registered by JIUZHU_JOB_MODULES") from None


class Progress:
    """Handed to a job function: report how far it got."""

    def __init__(self, job_id: int, on_update: Callable[[int, int], None] | None = None):
        self.job_id = job_id
        self.total = 0
        self.done = 0
        self.message = ""
        self.on_update = on_update

    def start(self, total: int, message: str = "") -> None:
        self.total = total
        self.update(0, message)

    def update(self, done: int, message: str = "") -> None:
        self.done, self.message = done, message
        cache.set(_key(self.job_id), {"done": done, "total": self.total, "message": message}, 3600)
        if self.on_update is not None:
            self.on_update(done, self.total)


def _key(job_id: int) -> str:
    return f"jiuzhu:job:{job_id}"


def _beat_key(job_id: int) -> str:
    return f"jiuzhu:job-beat:{job_id}"


WORKER_SEEN_KEY = "jiuzhu:worker-seen"


def worker_name() -> str:
    """This process, as a job's row names the process that runs it."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def runs_inline(inline: bool | None) -> bool:
    """`inline` as a caller gave it; by default inline when JIUZHU_JOBS_INLINE is set."""
    return settings.JIUZHU_JOBS_INLINE if inline is None else bool(inline)


# --- starting ---------------------------------------------------------------------------------


def job_create(*, kind: str, title: str, actor, kwargs: dict, inline: bool = False) -> JobRun:
    """Store the job: queued for the worker, or (inline) already running in this process, so
    that no worker can claim it. In the caller's transaction: the worker sees it at commit."""
    _spec(kind)  # an unknown job is refused here, not later in the worker
    plain = json.loads(json.dumps(kwargs))
    if plain != kwargs:
        raise TypeError(f"job arguments must be plain JSON: {kwargs!r}")
    fields = {
        "kind": kind,
        "title": title[:200],
        "started_by": actor,
        "kwargs": plain,
        "client_ip": current_ip.get()[:45],
    }
    if inline:
        now = timezone.now()
        fields.update(status=Status.RUNNING, started_at=now, heartbeat_at=now, worker=worker_name())
    return JobRun.objects.create(**fields)


def job_run_inline(job: JobRun, *, on_progress=None) -> JobRun:
    """Run a job made by ``job_create(inline=True)`` now, in this process."""
    job_execute(job, on_progress=on_progress)
    job.refresh_from_db()
    return job


def job_start(
    *,
    kind: str,
    title: str,
    actor,
    kwargs: dict,
    inline: bool | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> JobRun:
    """Queue the job `kind` with `kwargs`, or run it now (`inline`, see ``runs_inline``)."""
    now = runs_inline(inline)
    job = job_create(kind=kind, title=title, actor=actor, kwargs=kwargs, inline=now)
    return job_run_inline(job, on_progress=on_progress) if now else job


# --- the worker's side ------------------------------------------------------------------------


def claim_next(worker: str | None = None) -> JobRun | None:
    """Take the oldest queued job for `worker` (this process by default), or None. Two workers
    never take the same job: the UPDATE only moves a row that is still queued."""
    worker = worker or worker_name()
    queued = JobRun.objects.filter(status=Status.QUEUED).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            pk = queued.select_for_update(skip_locked=True).values_list("pk", flat=True).first()
            if pk is None or not _mark_claimed(pk, worker):
                return None
    else:
        for pk in queued.values_list("pk", flat=True)[:20]:
            if _mark_claimed(pk, worker):
                break
        else:
            return None
    return JobRun.objects.get(pk=pk)


def _mark_claimed(pk: int, worker: str) -> bool:
    now = timezone.now()
    return bool(
        JobRun.objects.filter(pk=pk, status=Status.QUEUED).update(
            status=Status.RUNNING, started_at=now, heartbeat_at=now, worker=worker[:100]
        )
    )


def job_execute(job: JobRun, *, on_progress=None) -> None:
    """Run a claimed (running) job to a recorded end. Not inside a transaction of its own: the
    job's service code opens its own, so that the heartbeat and other connections see the
    job's committed steps."""
    progress = Progress(job.pk, on_progress)
    # inside a caller's transaction (the demo, tests) the row is invisible to every other
    # connection, so no heartbeat could be seen and none is needed: it ends with the caller
    beating = _Heartbeat(job.pk, progress) if not connection.in_atomic_block else nullcontext()
    token = current_ip.set(job.client_ip)
    spec = None
    try:
        spec = _spec(job.kind)
        with beating:
            result = spec.func(progress=progress, **job.kwargs) or {}
    except JiuzhuError as exc:
        _fail(job, spec, exc.message, "", progress)
    except Exception:  # a job always ends in a recorded state; its data is rolled back
        _fail(job, spec, FAILED, traceback.format_exc(), progress)
    except BaseException:  # the worker is stopping (SIGTERM, Ctrl+C): record it, then go on
        if not connection.in_atomic_block:
            connection.close()  # the interrupted statement may have left it unusable
            _fail(job, spec, INTERRUPTED, traceback.format_exc(), progress)
        raise
    else:
        message = str(result.pop("message", "完成"))
        _finish(job.pk, Status.SUCCEEDED, message, "", progress, result)
    finally:
        current_ip.reset(token)


def _fail(job: JobRun, spec: JobSpec | None, message: str, log: str, progress: Progress) -> None:
    _finish(job.pk, Status.FAILED, message, log, progress)
    if spec is not None and spec.release is not None:
        try:
            with transaction.atomic():
                spec.release(job, message)
        except Exception:
            logger.exception("releasing the object of job %s failed", job.pk)


def _finish(job_id, status, message, log, progress: Progress, result=None) -> None:
    # only a running job ends: one the reaper failed meanwhile stays as the reaper left it
    JobRun.objects.filter(pk=job_id, status=Status.RUNNING).update(
        status=status,
        finished_at=timezone.now(),
        # a traceback can quote a row it failed on: no full ID number is stored
        message=mask_ids(message)[:500],
        log=mask_ids(log),
        total=progress.total,
        done=progress.total if status == Status.SUCCEEDED else progress.done,
        result=result or {},
    )


class _Heartbeat:
    """While the job runs: stamp its row (and the cache) every JIUZHU_JOB_HEARTBEAT_SECONDS
    from a thread, on that thread's own database connection."""

    def __init__(self, job_id: int, progress: Progress):
        self.job_id, self.progress = job_id, progress
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"jiuzhu-heartbeat-{job_id}", daemon=True
        )

    def __enter__(self):
        beat(self.job_id)  # the cache's beat, before the first interval
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        try:
            while not self._stop.wait(settings.JIUZHU_JOB_HEARTBEAT_SECONDS):
                if connection.vendor == "sqlite":
                    # a job's long write transaction holds SQLite's only write lock: give up
                    # on the row quickly and let the cache carry the beat (see _last_beat)
                    with connection.cursor() as cursor:
                        cursor.execute("PRAGMA busy_timeout = 500")
                beat(self.job_id, self.progress)
        except Exception:
            logger.exception("heartbeat of job %s stopped", self.job_id)
        finally:
            connection.close()


def beat(job_id: int, progress: Progress | None = None) -> None:
    """One heartbeat of a running job: the cache always, the row when the database lets us."""
    now = timezone.now()
    cache.set(_beat_key(job_id), now.timestamp(), _beat_ttl())
    cache.set(WORKER_SEEN_KEY, now.timestamp(), _beat_ttl())
    fields: dict = {"heartbeat_at": now}
    if progress is not None:
        fields.update(done=progress.done, total=progress.total, message=progress.message[:500])
    try:
        JobRun.objects.filter(pk=job_id, status=Status.RUNNING).update(**fields)
    except DatabaseError as exc:
        logger.info("heartbeat of job %s not written to the database: %s", job_id, exc)
        connection.close()


def _beat_ttl() -> int:
    return int(settings.JIUZHU_JOB_HEARTBEAT_TIMEOUT_SECONDS * 10) + 60


def mark_worker_seen() -> None:
    """A worker is alive (pages tell a queued job from one that nobody will run)."""
    cache.set(WORKER_SEEN_KEY, timezone.now().timestamp(), _beat_ttl())


def worker_seen_recently(now: datetime | None = None) -> bool:
    seen = cache.get(WORKER_SEEN_KEY)
    limit = _timeout().total_seconds()
    return seen is not None and (now or timezone.now()).timestamp() - seen < limit


# --- reaping ----------------------------------------------------------------------------------


def _timeout() -> timedelta:
    return timedelta(seconds=settings.JIUZHU_JOB_HEARTBEAT_TIMEOUT_SECONDS)


def _last_beat(job: JobRun) -> datetime:
    stamp = job.heartbeat_at or job.started_at or job.created_at
    cached = cache.get(_beat_key(job.pk))
    if cached is not None:
        stamp = max(stamp, datetime.fromtimestamp(cached, tz=stamp.tzinfo))
    return stamp


def job_is_stale(job: JobRun, now: datetime | None = None) -> bool:
    """A running job whose process has given no sign of life within the timeout."""
    if job.status != Status.RUNNING:
        return False
    return _last_beat(job) < (now or timezone.now()) - _timeout()


def reap_stale(now: datetime | None = None) -> list[int]:
    """Fail every running job whose heartbeat stopped and release what it worked on; returns
    the ids of the jobs failed. Safe to call from any process at any time."""
    now = now or timezone.now()
    cutoff = now - _timeout()
    candidates = JobRun.objects.filter(status=Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True, created_at__lt=cutoff)
    )
    return [job.pk for job in candidates if job_is_stale(job, now) and _reap(job, now)]


def _reap(job: JobRun, now: datetime) -> bool:
    spec = _REGISTRY.get(job.kind) or load_jobs().get(job.kind)
    last = timezone.localtime(_last_beat(job))
    log = f"后台进程 {job.worker or '（未记录）'} 最后一次心跳：{format_date_cn(last.date())} {last:%H:%M:%S}"
    try:
        with transaction.atomic():
            # compare-and-set on the heartbeat too: a beat that came in meanwhile keeps it
            if not JobRun.objects.filter(
                pk=job.pk, status=Status.RUNNING, heartbeat_at=job.heartbeat_at
            ).update(status=Status.FAILED, finished_at=now, message=INTERRUPTED, log=log):
                return False
            if spec is not None and spec.release is not None:
                spec.release(job, INTERRUPTED)
    except Exception:  # tried again at the next look
        logger.exception("reaping job %s failed", job.pk)
        return False
    logger.warning("job %s (%s) failed: no heartbeat since %s", job.pk, job.kind, last)
    return True


# --- pages --------------------------------------------------------------------------------------


def job_progress(job: JobRun) -> dict:
    """Live progress if running, else the stored figures."""
    if job.status == Status.RUNNING:
        live = cache.get(_key(job.pk))
        if live:
            return live
    if job.status == Status.QUEUED:
        message = QUEUED_MESSAGE if worker_seen_recently() else NO_WORKER_MESSAGE
        return {"done": 0, "total": 0, "message": message}
    return {"done": job.done, "total": job.total, "message": job.message}


def job_display(job: JobRun | None) -> dict:
    """What a job-status page shows: the progress, and whether the job was interrupted (its
    worker gave no heartbeat within the timeout: the page offers to start it again; the next
    look of a worker, or that start, records it). Reads only: a GET never writes."""
    if job is None:
        return {"job": None, "progress": None, "interrupted": False, "queued": False}
    interrupted = job_is_stale(job)
    return {
        "job": job,
        "progress": job_progress(job),
        "interrupted": interrupted,
        "queued": job.status == Status.QUEUED,
        "interrupted_message": INTERRUPTED if interrupted else "",
    }
