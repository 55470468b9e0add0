"""Long jobs with a stored JobRun row. Progress goes to the cache (never to the job's own
transaction, which other connections cannot see), the outcome to the JobRun row.

Jobs run in a background thread of the web process, or inline when JIUZHU_JOBS_INLINE is set
(tests, the command line)."""

import threading
import traceback
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connection
from django.utils import timezone

from .errors import JiuzhuError
from .models import JobRun
from .requestctx import current_ip


class Progress:
    """Handed to a job function: report how far it got."""

    def __init__(self, job_id: int, on_update: Callable[[int, int], None] | None = None):
        self.job_id = job_id
        self.total = 0
        self.on_update = on_update

    def start(self, total: int, message: str = "") -> None:
        self.total = total
        self.update(0, message)

    def update(self, done: int, message: str = "") -> None:
        cache.set(_key(self.job_id), {"done": done, "total": self.total, "message": message}, 3600)
        if self.on_update is not None:
            self.on_update(done, self.total)


def _key(job_id: int) -> str:
    return f"jiuzhu:job:{job_id}"


def job_progress(job: JobRun) -> dict:
    """Live progress if running, else the stored figures."""
    if job.status == JobRun.Status.RUNNING:
        live = cache.get(_key(job.pk))
        if live:
            return live
    return {"done": job.done, "total": job.total, "message": job.message}


def job_start(
    *,
    kind: str,
    title: str,
    actor,
    func: Callable[[Progress], dict],
    inline: bool | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> JobRun:
    """Create the JobRun and run `func(progress)`; its returned dict becomes the result.
    `inline` runs it now in this thread (the command line); default from settings."""
    job = JobRun.objects.create(kind=kind, title=title, started_by=actor)
    if inline or (inline is None and settings.JIUZHU_JOBS_INLINE):
        _run(job.pk, func, on_progress)
        job.refresh_from_db()
    else:
        # the request's IP travels with the job, so its audit rows name the same client
        threading.Thread(
            target=_run_in_thread, args=(job.pk, func, current_ip.get()), daemon=True
        ).start()
    return job


def _run_in_thread(job_id: int, func, ip: str) -> None:
    current_ip.set(ip)
    close_old_connections()
    try:
        _run(job_id, func)
    finally:
        connection.close()


def _run(job_id: int, func, on_progress=None) -> None:
    JobRun.objects.filter(pk=job_id).update(status=JobRun.Status.RUNNING, started_at=timezone.now())
    progress = Progress(job_id, on_progress)
    try:
        result = func(progress) or {}
    except JiuzhuError as exc:
        _finish(job_id, JobRun.Status.FAILED, exc.message, "", progress)
    except Exception:  # a job must always end in a recorded state; the data is rolled back
        _finish(
            job_id,
            JobRun.Status.FAILED,
            "任务出错，数据未作任何修改",
            traceback.format_exc(),
            progress,
        )
    else:
        _finish(
            job_id, JobRun.Status.SUCCEEDED, result.pop("message", "完成"), "", progress, result
        )


def _finish(job_id, status, message, log, progress, result=None) -> None:
    live = cache.get(_key(job_id)) or {}
    JobRun.objects.filter(pk=job_id).update(
        status=status,
        finished_at=timezone.now(),
        message=message[:500],
        log=log,
        total=progress.total,
        done=live.get("done", 0) if status != JobRun.Status.SUCCEEDED else progress.total,
        result=result or {},
    )
