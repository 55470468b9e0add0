"""`jiuzhu supervision due`: the daily job that recounts the overdue and near-due flags of every
open clue (问题线索), so a clue nobody touches still turns red on the day it falls due. Run it
from cron once a day; it acts as the scheduler's system actor and writes one audit entry."""

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.accounts.system import system_actor
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.supervision.clues import clues_due_refresh


class Command(BaseCommand):
    help = "监督：due（每日重算问题线索的逾期和临近到期标记，供每日定时任务使用）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["due"])

    def handle(self, *args, action, **options):
        try:
            counts = clues_due_refresh(actor=system_actor("scheduler"))
        except JiuzhuError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"问题线索到期标记已重算：逾期{counts['overdue']}件，"
                f"临近到期{counts['near_due']}件，标记变化{counts['changed']}件。"
            )
        )
