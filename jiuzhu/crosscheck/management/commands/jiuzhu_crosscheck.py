from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from jiuzhu.accounts.models import User
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.models import JobRun
from jiuzhu.core.month import Month
from jiuzhu.crosscheck.checks import LABELS
from jiuzhu.crosscheck.engines import ENGINES
from jiuzhu.crosscheck.models import CheckRun
from jiuzhu.crosscheck.run import crosscheck_run


class Command(BaseCommand):
    help = (
        "比对核查：run --month YYYY-MM --user 县级账号（--month current 表示本月，"
        "供每月定时任务使用）"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["run"])
        parser.add_argument("--month", required=True, help="比对月份 YYYY-MM，或 current")
        parser.add_argument("--user", required=True, help="以哪个县级账号运行（权限和审计）")
        parser.add_argument(
            "--exact-only",
            action="store_true",
            help="只做身份证号精确匹配（不做一位之差和概率匹配）",
        )
        parser.add_argument(
            "--engine",
            choices=ENGINES,
            default="duckdb",
            help="比对引擎：duckdb（默认，本机）或 spark（集群，需安装 jiuzhu[spark] 和 Java 17）",
        )
        parser.add_argument(
            "--master",
            help="Spark 集群地址，如 spark://host:7077 或 local[*]（默认 JIUZHU_SPARK_MASTER）",
        )

    def handle(self, *args, action, month, user, exact_only, engine, master, **options):
        actor = User.objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"账号不存在：{user}")
        if month == "current":
            month = str(Month.of(timezone.localdate()))
        try:
            Month.parse(month)
        except ValueError as exc:
            raise CommandError(f"月份格式应为YYYY-MM：{month}") from exc
        bar = tqdm(total=1, unit="步", desc=f"{month}比对")

        def update(done, total):
            bar.total = total
            bar.update(done - bar.n)

        try:
            run = crosscheck_run(
                actor=actor,
                month=month,
                inline=True,
                exact_only=exact_only,
                engine=engine,
                master=master,
                on_progress=update,
            )
        except JiuzhuError as exc:
            raise CommandError(exc.message) from exc
        finally:
            bar.close()
        run.refresh_from_db()
        job = JobRun.objects.get(pk=run.job_id)
        if run.status != CheckRun.Status.DONE or job.status != JobRun.Status.SUCCEEDED:
            raise CommandError(f"比对失败，未写入任何核查发现：{run.message or job.message}")
        s = run.summary
        self.stdout.write(
            f"新发现{s['new']}条，待人工比对{s['review']}条，已知{s['known']}条；"
            f"用时{s['timings']['total']:.1f}秒（{_engine_label(s.get('engine'))}）。"
        )
        order = list(LABELS)
        for _code, c in sorted(
            s["by_check"].items(),
            key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order),
        ):
            self.stdout.write(
                f"  {c['label']}：新{c.get('new', 0)}，待人工比对{c.get('review', 0)}，"
                f"已知{c.get('known', 0)}"
            )
        self.stdout.write(self.style.SUCCESS(f"比对完成（#{run.pk}）。"))


def _engine_label(engine: dict | None) -> str:
    if not engine or engine.get("name") != "spark":
        return "DuckDB"
    return f"Spark {engine.get('master', '')}".strip()
