"""The worker process and its keeper.

``Worker`` is the loop of ``jiuzhu worker``: reap the jobs whose worker died, claim the oldest
queued job, run it, and again; one job at a time (the machine has few cores, and a cross-check
run uses them all). A stop request (SIGTERM, Ctrl+C) while idle ends the loop; while a job runs
it interrupts the job, whose transaction rolls back and whose row is failed as interrupted, so
that it can be started again.

``WorkerSupervisor`` is what ``jiuzhu serve`` runs beside the web server: one worker process,
started again if it dies (after a pause that grows while it keeps dying at once), stopped when
the web server stops. The worker runs in a session of its own, so Ctrl+C in the terminal reaches
only the web server, which then stops the worker; a worker whose parent has gone (the web server
was killed) stops by itself.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection

from . import jobs


class WorkerStopped(BaseException):
    """Raised in the worker's main thread by a stop request while a job runs (like
    KeyboardInterrupt, it is not an Exception: the job's handlers let it through)."""


class Worker:
    def __init__(
        self,
        *,
        poll: float | None = None,
        stop_when_idle: bool = False,
        say: Callable[[str], None] = print,
    ):
        self.name = jobs.worker_name()
        self.poll = settings.JIUZHU_WORKER_POLL_SECONDS if poll is None else poll
        self.stop_when_idle = stop_when_idle
        self.say = say
        self.stopping = False
        self.busy = False

    def request_stop(self, *_signal_args) -> None:
        """The signal handler: stop when idle, or interrupt the running job."""
        self.stopping = True
        if self.busy:
            self.busy = False  # a second signal while the job unwinds does not raise again
            raise WorkerStopped

    def run(self) -> int:
        """Run jobs until stopped (or, with `stop_when_idle`, until none is queued); returns
        how many ran."""
        jobs.load_jobs()
        ran = 0
        while not self.stopping:
            close_old_connections()
            try:
                self._reap()
                jobs.mark_worker_seen()
                job = jobs.claim_next(self.name)
            except DatabaseError as exc:  # the database restarting: wait, do not die
                self.say(f"数据库暂时无法访问，{max(self.poll, 1):.0f}秒后重试：{exc}")
                if not connection.in_atomic_block:
                    connection.close()  # a fresh connection at the next try
                time.sleep(max(self.poll, 1))
                continue
            if job is None:
                if self.stop_when_idle:
                    break
                time.sleep(self.poll)
                continue
            self.say(f"开始执行任务#{job.pk}：{job.title}")
            self.busy = True
            try:
                jobs.job_execute(job)
            finally:
                self.busy = False
            job.refresh_from_db()
            self.say(f"任务#{job.pk}{job.get_status_display()}：{job.message}")
            ran += 1
        return ran

    def _reap(self) -> None:
        for pk in jobs.reap_stale():
            self.say(f"任务#{pk}的后台进程已停止（无心跳），已标记为失败，可重新开始")


def watch_parent(parent_pid: int, interval: float = 1.0) -> None:
    """Stop this process (as SIGTERM would) once `parent_pid` is no longer its parent."""

    def watch():
        while os.getppid() == parent_pid:
            time.sleep(interval)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="jiuzhu-parent-watch", daemon=True).start()


class WorkerSupervisor:
    """One `jiuzhu worker` process beside the web server: started, restarted, stopped."""

    def __init__(
        self,
        *,
        command: list[str] | None = None,
        say: Callable[[str], None] = print,
        grace: float = 20.0,
        min_delay: float = 1.0,
        max_delay: float = 30.0,
    ):
        self.command = command or [
            sys.executable,
            "-m",
            "jiuzhu.cli",
            "worker",
            "--parent-pid",
            str(os.getpid()),
        ]
        self.say, self.grace = say, grace
        self.min_delay, self.max_delay = min_delay, max_delay
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._keep, name="jiuzhu-worker-keeper", daemon=True)

    def start(self) -> None:
        self._spawn()
        self._thread.start()

    def _spawn(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if getattr(settings, "SETTINGS_MODULE", None):
            env["DJANGO_SETTINGS_MODULE"] = settings.SETTINGS_MODULE  # the web server's own
        self.process = subprocess.Popen(self.command, env=env, start_new_session=True)
        self._started_at = time.monotonic()
        self.starts += 1

    def _keep(self) -> None:
        delay = self.min_delay
        while True:
            code = self.process.wait()
            if self._stopping.is_set():
                return
            lived = time.monotonic() - self._started_at
            delay = self.min_delay if lived > 60 else delay
            self.say(f"后台任务进程意外退出（退出码 {code}），{delay:.0f} 秒后重新启动")
            if self._stopping.wait(delay):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                self._spawn()
            delay = min(delay * 2, self.max_delay)

    def stop(self) -> None:
        """Stop the worker: SIGTERM (a running job is interrupted and recorded as such), then
        SIGKILL after the grace period (the job is then failed by the next worker's reaper)."""
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(self.grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
