from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.wsgi import get_wsgi_application


class Command(BaseCommand):
    help = "在 127.0.0.1 上启动网页界面（waitress 多线程 WSGI 服务器）"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--host", default="127.0.0.1", help="监听地址；生产环境请放在反向代理之后"
        )
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, port, host, threads, **options):
        from waitress import serve

        self.stdout.write(f"救助系统已启动：http://{host}:{port}/   （按 Ctrl+C 停止）")
        if settings.JIUZHU_DEMO:
            self.stdout.write("演示环境：数据均为虚构，未启用双因素认证。")
        serve(get_wsgi_application(), host=host, port=port, threads=threads, ident="jiuzhu")
