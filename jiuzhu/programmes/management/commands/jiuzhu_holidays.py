from datetime import date

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.accounts.system import system_actor
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.models import HolidayDay, HolidayYear
from jiuzhu.core.month import format_date_cn
from jiuzhu.core.workdays_db import calendar, holiday_set, holiday_year_confirm, seed_holidays


class Command(BaseCommand):
    help = (
        "节假日与调休：seed 从内置日历载入；off/work 录入放假日或调休上班日；confirm 标记某年已录入完毕；"
        "list 列出；deadline 计算N个工作日后的期限"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "action", choices=["seed", "off", "work", "confirm", "list", "deadline"]
        )
        parser.add_argument("values", nargs="*", help="日期（YYYY-MM-DD）、年份或工作日数")
        parser.add_argument("--name", default="", help="节日名称，如 春节")
        parser.add_argument("--source", default="国务院办公厅节假日安排通知")

    def handle(self, *args, action, values, name, source, **options):
        try:
            getattr(self, "_" + action.replace("-", "_"))(values, name, source)
        except (JiuzhuError, ValueError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc

    def _seed(self, values, name, source):
        years = [int(v) for v in values] or list(range(2024, 2028))
        loaded = seed_holidays(years, actor=system_actor("cli"))
        missing = sorted(set(years) - set(loaded))
        self.stdout.write(f"已载入：{'、'.join(map(str, loaded)) or '无'}")
        if missing:
            self.stdout.write(
                f"内置日历没有这些年份，请按国务院通知手工录入：{'、'.join(map(str, missing))}"
            )

    def _off(self, values, name, source):
        for v in values:
            holiday_set(
                actor=system_actor("cli"), day=date.fromisoformat(v), is_workday=False, name=name
            )
        self.stdout.write(f"已录入{len(values)}个放假日")

    def _work(self, values, name, source):
        for v in values:
            holiday_set(
                actor=system_actor("cli"),
                day=date.fromisoformat(v),
                is_workday=True,
                name=name or "调休上班",
            )
        self.stdout.write(f"已录入{len(values)}个调休上班日")

    def _confirm(self, values, name, source):
        for v in values:
            holiday_year_confirm(actor=system_actor("cli"), year=int(v), source=source)
        self.stdout.write("已标记为录入完毕")

    def _list(self, values, name, source):
        year = int(values[0]) if values else date.today().year
        known = HolidayYear.objects.filter(year=year).first()
        self.stdout.write(
            f"{year}年：{'已录入（' + known.source + '）' if known else '未录入，按周一至周五计算'}"
        )
        for h in HolidayDay.objects.filter(day__year=year):
            self.stdout.write(
                f"  {format_date_cn(h.day)}  {'上班' if h.is_workday else '放假'}  {h.name}"
            )

    def _deadline(self, values, name, source):
        if len(values) != 2:
            raise CommandError("用法：deadline 起始日期 工作日数，如 deadline 2026-12-20 30")
        result = calendar().add_workdays(date.fromisoformat(values[0]), int(values[1]))
        self.stdout.write(f"期限：{format_date_cn(result.day)}")
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))
