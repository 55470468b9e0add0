"""The worker's keeper in `jiuzhu serve` (jiuzhu.core.worker.WorkerSupervisor): a worker that
dies is started again, stop() ends it (SIGTERM, then SIGKILL after the grace period); and the
serve command's message for a port it cannot listen on. No database."""

import errno
import signal
import sys
import time

from jiuzhu.core.management.commands.jiuzhu_serve import _bind_error
from jiuzhu.core.worker import WorkerSupervisor


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def wait_until(condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_a_worker_that_dies_is_started_again_until_stopped():
    said: list[str] = []
    keeper = WorkerSupervisor(
        command=python("import sys; sys.exit(3)"), say=said.append, min_delay=0.05, max_delay=0.1
    )
    keeper.start()
    wait_until(lambda: keeper.starts >= 3)
    keeper.stop()
    time.sleep(0.3)
    starts = keeper.starts
    time.sleep(0.3)
    assert keeper.starts == starts  # stopped means no more restarts
    assert any("退出码 3" in line and "重新启动" in line for line in said)


def test_stop_ends_the_worker_with_sigterm():
    keeper = WorkerSupervisor(command=python("import time; time.sleep(60)"), say=lambda s: None)
    keeper.start()
    started = time.monotonic()
    keeper.stop()
    assert keeper.process.returncode == -signal.SIGTERM
    assert time.monotonic() - started < 10 and keeper.starts == 1


def test_a_worker_deaf_to_sigterm_is_killed_after_the_grace_period():
    deaf = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ok', flush=True); time.sleep(60)"
    keeper = WorkerSupervisor(command=python(deaf), say=lambda s: None, grace=0.5)
    keeper.start()
    time.sleep(0.5)  # the handler is installed
    keeper.stop()
    assert keeper.process.returncode == -signal.SIGKILL


def test_the_serve_command_explains_a_port_it_cannot_use():
    busy = OSError(errno.EADDRINUSE, "Address already in use")
    assert "端口 8000 已被占用" in _bind_error("127.0.0.1", 8000, busy)
    assert "jiuzhu serve --port 8001" in _bind_error("127.0.0.1", 8000, busy)
    denied = OSError(errno.EACCES, "Permission denied")
    assert "没有权限监听端口 80" in _bind_error("0.0.0.0", 80, denied)
    missing = OSError(errno.EADDRNOTAVAIL, "Cannot assign requested address")
    assert "本机没有这个地址" in _bind_error("10.9.9.9", 8000, missing)
