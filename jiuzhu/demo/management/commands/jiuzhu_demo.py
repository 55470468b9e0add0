import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jiuzhu.accounts.system import system_actor
from jiuzhu.core.workdays_db import seed_holidays
from jiuzhu.demo.holidays_demo import enter_demo_holidays
from jiuzhu.programmes.seed import seed_county_defaults
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Household

MIN_HOUSEHOLDS = 200


class Command(BaseCommand):
    help = "生成演示县（凤凰县）并启动网页界面"

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=20000, help="演示家庭户数")
        parser.add_argument("--seed", type=int, default=20261122)
        parser.add_argument("--no-serve", action="store_true", help="只生成数据，不启动网页")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, households, seed, no_serve, port, **options):
        from jiuzhu.demo.generator import generate_demo
        from jiuzhu.demo.users import DEMO_PASSWORD, create_demo_users

        if households < MIN_HOUSEHOLDS:  # the demo cases need 40 poor households in 沱江镇
            raise CommandError(f"演示县至少生成{MIN_HOUSEHOLDS}户（--households {households}太少）")
        call_command("migrate", verbosity=0)
        seed_holidays(range(2024, 2028), actor=system_actor("demo"))
        enter_demo_holidays(actor=system_actor("demo"))  # 2027: not in chinese-calendar
        if Household.objects.exists():
            self.stdout.write(f"数据库已有{Household.objects.count()}户，跳过生成。")
        else:
            started = time.monotonic()
            with tqdm(total=households, unit="户", desc="生成演示县") as bar:

                def progress(done, total):
                    bar.update(done - bar.n)

                summary = generate_demo(households=households, seed=seed, progress=progress)
            self.stdout.write(
                f"已生成{summary.households}户、{summary.persons}人，"
                f"用时{time.monotonic() - started:.0f}秒。"
            )
        county = Region.objects.get(code="433123000000")
        if seed_county_defaults(county=county):
            self.stdout.write("已载入演示县的保障标准与参数。")
        users = create_demo_users()
        from jiuzhu.demo.cases_demo import create_demo_cases

        if n := create_demo_cases():
            self.stdout.write(f"已生成{n}件处于各办理环节的演示申请（沱江镇）。")
        from django.utils import timezone

        from jiuzhu.demo.crosscheck import create_demo_crosscheck, demo_accounts

        if cc := create_demo_crosscheck(
            users=demo_accounts(), today=timezone.localdate(), seed=seed
        ):
            self.stdout.write(cc.line())
        from jiuzhu.demo.payments_demo import create_demo_payments

        if paid := create_demo_payments(today=timezone.localdate(), seed=seed):
            self.stdout.write(paid.line())
        from jiuzhu.demo.payroll_demo import run_demo_month

        if month := run_demo_month(today=timezone.localdate(), seed=seed):
            self.stdout.write(month.line())
        from jiuzhu.demo.reports_demo import create_demo_purchases

        if n := create_demo_purchases(today=timezone.localdate()):
            self.stdout.write(f"已登记{n}份政府购买社会救助服务合同。")
        from jiuzhu.demo.dashboard_demo import refresh_demo_dashboard

        self.stdout.write(refresh_demo_dashboard())
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, role, region in users:
            self.stdout.write(f"  {username:<20} {role:<14} {region}")
        if not no_serve:
            call_command("jiuzhu_serve", port=port)
