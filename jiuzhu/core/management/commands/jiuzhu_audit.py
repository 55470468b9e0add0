from django.core.management.base import BaseCommand, CommandError

from jiuzhu.core import audit


class Command(BaseCommand):
    help = "审计记录：verify 检查整条哈希链"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        count, problem = audit.verify()
        if problem is not None:
            raise CommandError(f"审计链校验失败：第{problem.seq}条记录起不可信。{problem.reason}")
        self.stdout.write(self.style.SUCCESS(f"审计链完整：共{count}条记录，逐条校验通过。"))
