import errno
import signal
import socket

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.wsgi import get_wsgi_application

from jiuzhu.core.worker import WorkerSupervisor


class Command(BaseCommand):
    help = "在 127.0.0.1 上启动网页界面（waitress 多线程 WSGI 服务器），并在旁边启动后台任务进程"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--host", default="127.0.0.1", help="监听地址；生产环境请放在反向代理之后"
        )
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="不启动后台任务进程（另行以 jiuzhu worker 运行时使用）",
        )

    def handle(self, *args, port, host, threads, no_worker, **options):
        from waitress import create_server

        # bind first: a busy port is a message, and no worker is started for nothing
        try:
            server = create_server(
                get_wsgi_application(), host=host, port=port, threads=threads, ident="jiuzhu"
            )
        except OSError as exc:
            raise CommandError(_bind_error(host, port, exc)) from None
        supervisor = None if no_worker else WorkerSupervisor(say=self._say)

        def stop(signum, frame):
            raise SystemExit(0)  # waitress ends its loop on SystemExit, as on Ctrl+C

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            if supervisor is not None:
                supervisor.start()
            self._say(f"救助系统已启动：http://{host}:{port}/   （按 Ctrl+C 停止）")
            if supervisor is not None:
                self._say("后台任务进程已随网页服务启动（导入、比对在其中运行）。")
            if settings.JIUZHU_DEMO:
                self._say("演示环境：数据均为虚构，未启用双因素认证。")
            server.run()
        finally:
            if supervisor is not None:
                self._say("正在停止后台任务进程……")
                supervisor.stop()
            server.close()
            signal.signal(signal.SIGTERM, previous)
        self._say("救助系统已停止。")

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()


def _bind_error(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (
            f"端口 {port} 已被占用（可能已有一个救助系统或其他程序在运行）。"
            f"请先停止占用该端口的程序，或换一个端口，例如：jiuzhu serve --port {port + 1}"
        )
    if exc.errno == errno.EACCES:
        return f"没有权限监听端口 {port}（1024 以下的端口需要管理员权限），请换一个端口，例如 8000"
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return f"无法监听地址 {host}：本机没有这个地址，请检查 --host"
    return f"无法在 {host}:{port} 上启动网页服务：{exc.strerror or exc}"
