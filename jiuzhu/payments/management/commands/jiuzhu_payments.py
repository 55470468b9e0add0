"""`jiuzhu payments reviews`: the daily job that puts the periodic reviews coming due (S2 art. 31)
into the townships' queues. Run it from cron once a day; it acts as the scheduler's system
actor, so every county's enrolments are covered and the audit trail names it."""

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.accounts.system import system_actor
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.payments.reviews import reviews_schedule


class Command(BaseCommand):
    help = "按月发放：reviews（把30天内到期的定期复核放入乡镇待办，供每日定时任务使用）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["reviews"])
        parser.add_argument(
            "--within-days", type=int, default=30, help="提前多少天列入待办（默认30天）"
        )

    def handle(self, *args, action, within_days, **options):
        if not 0 <= within_days <= 366:
            raise CommandError("提前天数应在0到366之间")
        try:
            made = reviews_schedule(actor=system_actor("scheduler"), within_days=within_days)
        except JiuzhuError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"已列入定期复核待办{made}户。"))
