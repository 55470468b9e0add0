from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jiuzhu.accounts.models import User
from jiuzhu.accounts.system import system_actor
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.models import JobRun
from jiuzhu.regions.services import regions_import_csv
from jiuzhu.registry import import_services


class Command(BaseCommand):
    help = "导入：households 家庭人员文件（先检查，--good-rows 导入无误的户）；regions 区划CSV"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["households", "regions"])
        parser.add_argument("file")
        parser.add_argument("--user", help="以哪个账号导入（用于权限、管辖范围和审计）")
        parser.add_argument("--good-rows", action="store_true", help="检查后导入所有无误的户")

    def handle(self, *args, kind, file, user, good_rows, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在：{file}")
        actor = User.objects.filter(username=user).first() if user else None
        try:
            if kind == "regions":  # the operator's work: the command line's system actor
                n = regions_import_csv(path=path, actor=system_actor("cli"))
                self.stdout.write(self.style.SUCCESS(f"已导入{n}个行政区划。"))
                return
            if actor is None:
                raise CommandError("导入家庭须用 --user 指定账号")
            self._households(actor, path, good_rows)
        except JiuzhuError as exc:
            raise CommandError(exc.message) from exc

    def _households(self, actor, path, good_rows):
        batch = import_services.import_preview(
            actor=actor, file_name=path.name, data=path.read_bytes()
        )
        for p in batch.report["problems"]:
            level = "错误" if p["severity"] == "error" else "提示"
            self.stdout.write(f"第{p['row']}行 [{p['column']}] {level}：{p['message']}")
        self.stdout.write(
            f"共{batch.rows_total}行；可导入{batch.households_good}户{batch.rows_good}行；"
            f"有错误的行{len(batch.report['bad_rows'])}行。"
        )
        if not good_rows:
            self.stdout.write("未写入任何数据。确认后加 --good-rows 导入无误的户。")
            return
        with tqdm(total=batch.households_good, unit="户", desc="导入") as bar:
            batch = import_services.import_commit(
                actor=actor,
                batch_id=batch.pk,
                inline=True,
                on_progress=lambda done, total: bar.update(done - bar.n),
            )
        job = JobRun.objects.get(pk=batch.job_id)
        if job.status != JobRun.Status.SUCCEEDED:
            raise CommandError(f"导入失败，数据未作任何修改：{job.message}")
        self.stdout.write(self.style.SUCCESS(f"已导入{batch.households_imported}户。"))
