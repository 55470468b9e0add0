"""`jiuzhu supervision due`: the daily job that recounts the overdue and near-due flags of every
open clue (问题线索) and the overdue flag of every open rectification entry (整改台账), so a clue
or an entry nobody touches still turns red on the day it falls due. Run it from cron once a
day; it acts as the scheduler's system actor and writes one audit entry for each."""

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.accounts.system import system_actor
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.supervision.clues import clues_due_refresh
from jiuzhu.supervision.rectification import items_due_refresh


class Command(BaseCommand):
    help = "监督：due（每日重算问题线索和整改事项的逾期标记，供每日定时任务使用）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["due"])

    def handle(self, *args, action, **options):
        actor = system_actor("scheduler")
        try:
            counts = clues_due_refresh(actor=actor)
            items = items_due_refresh(actor=actor)
        except JiuzhuError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"问题线索到期标记已重算：逾期{counts['overdue']}件，"
                f"临近到期{counts['near_due']}件，标记变化{counts['changed']}件。"
                f"整改事项逾期标记已重算：逾期{items['overdue']}件，标记变化{items['changed']}件。"
            )
        )
