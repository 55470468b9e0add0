"""`jiuzhu worker`: run the queued long jobs (imports, cross-check runs) — jiuzhu.core.worker."""

import signal

from django.core.management.base import BaseCommand

from jiuzhu.core.worker import Worker, WorkerStopped, watch_parent


class Command(BaseCommand):
    help = "运行后台任务进程：执行排队的导入和比对任务（jiuzhu serve 会在网页服务旁自动启动一个）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="执行完当前排队的任务后退出（不等待新任务）"
        )
        parser.add_argument("--poll", type=float, default=None, help="空闲时查看队列的间隔（秒）")
        parser.add_argument(
            "--parent-pid", type=int, default=None, help="（内部）父进程退出时随之停止"
        )

    def handle(self, *args, once, poll, parent_pid, **options):
        def say(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        worker = Worker(poll=poll, stop_when_idle=once, say=say)
        signal.signal(signal.SIGTERM, worker.request_stop)
        signal.signal(signal.SIGINT, worker.request_stop)
        if parent_pid:
            watch_parent(parent_pid)
        say(f"后台任务进程已启动（{worker.name}），等待任务……")
        try:
            ran = worker.run()
        except WorkerStopped:
            say("后台任务进程已停止：正在执行的任务已中断，数据未作修改，可在页面上重新开始。")
            return
        say(f"后台任务进程已停止（本次执行任务{ran}个）。")
