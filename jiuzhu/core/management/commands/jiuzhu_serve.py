from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "在 127.0.0.1 上启动网页界面"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, port, **options):
        self.stdout.write(f"救助系统已启动：http://127.0.0.1:{port}/   （按 Ctrl+C 停止）")
        # runserver with the static handler off: WhiteNoise serves assets exactly as in production.
        call_command("runserver", f"127.0.0.1:{port}", "--noreload", "--nostatic")
