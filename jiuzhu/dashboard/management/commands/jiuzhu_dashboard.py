"""`jiuzhu dashboard refresh [--month YYYY-MM] [--county CODE]`: precompute the dashboard's
series (R21) as the scheduler's system actor — every county, or the one named; the last 24
months (closed months already stored are skipped) or one month. Run it from cron daily (or
monthly after the payroll), so this month's figures follow the roster."""

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.accounts.system import system_actor
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.dashboard.refresh import dashboard_refresh
from jiuzhu.regions.models import Region


class Command(BaseCommand):
    help = "仪表盘：refresh（生成近24个月或指定月份的仪表盘数据，已结月只生成一次）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh"])
        parser.add_argument("--month", default="", help="只生成该月（YYYY-MM）")
        parser.add_argument("--county", default="", help="县（区）的12位区划代码；默认全部")

    def handle(self, *args, action, month, county, **options):
        counties = Region.objects.filter(level=Region.Level.COUNTY).order_by("code")
        if county:
            counties = counties.filter(code=county)
            if not counties.exists():
                raise CommandError(f"没有找到区划代码为{county}的县（区）")
        actor = system_actor("scheduler")
        for c in counties:
            try:
                job = dashboard_refresh(actor=actor, county_id=c.pk, month=month, inline=True)
            except JiuzhuError as exc:
                raise CommandError(exc.message) from exc
            if job.status != "succeeded":
                raise CommandError(f"{c.name}：{job.message}")
            self.stdout.write(self.style.SUCCESS(f"{c.name}：{job.message}"))
