from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jiuzhu.accounts.models import User
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.models import JobRun
from jiuzhu.crosscheck import snapshot_services, snapshot_size
from jiuzhu.crosscheck.registries import REGISTRIES


class Command(BaseCommand):
    help = (
        "比对数据：import KIND FILE --as-of YYYY-MM-DD --user NAME（先检查，--good-rows 导入无误的行；"
        "新数据明显少于现有数据时须加 --confirm-smaller）"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import"])
        parser.add_argument(
            "kind",
            choices=[k.value for k in REGISTRIES],
            help="数据类别：" + "；".join(f"{k.value} {r.label}" for k, r in REGISTRIES.items()),
        )
        parser.add_argument("file")
        parser.add_argument("--as-of", required=True, help="数据截止日期 YYYY-MM-DD")
        parser.add_argument("--user", required=True, help="以哪个县级账号导入（用于权限和审计）")
        parser.add_argument("--source", default="", help="提供单位")
        parser.add_argument(
            "--good-rows", action="store_true", help="检查后导入所有无误的行（有错误的行跳过）"
        )
        parser.add_argument(
            "--confirm-smaller",
            action="store_true",
            help="新数据不足现有同类数据的一半行数、或覆盖的乡镇更少时，确认仍用它替换",
        )

    def handle(
        self, *args, action, kind, file, as_of, user, source, good_rows, confirm_smaller, **options
    ):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在：{file}")
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            raise CommandError(f"数据截止日期格式应为YYYY-MM-DD：{as_of}") from None
        actor = User.objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"账号不存在：{user}")
        try:
            self._import(actor, kind, path, day, source, good_rows, confirm_smaller)
        except JiuzhuError as exc:
            raise CommandError(exc.message) from exc

    def _import(self, actor, kind, path, day, source, good_rows, confirm_smaller):
        snap = snapshot_services.snapshot_preview(
            actor=actor,
            kind=kind,
            as_of=day,
            source=source,
            file_name=path.name,
            data=path.read_bytes(),
        )
        report = snap.report
        for p in report["problems"]:
            level = "错误" if p["severity"] == "error" else "提示"
            self.stdout.write(f"第{p['row']}行 [{p['column']}] {level}：{p['message']}")
        ids = report["id_status"]
        self.stdout.write(
            f"共{snap.rows_total}行；可导入{snap.rows_good}行；有错误的行{len(report['bad_rows'])}行。"
            f"身份证号码：有效{ids['valid']}，15位已转换{ids['converted15']}，"
            f"有误{ids['invalid']}，未填写{ids['missing']}。"
        )
        if report["errors"] and not good_rows:
            self.stdout.write(
                f"未写入任何数据（批次#{snap.pk}）。修改文件后重新导入，或加 --good-rows 导入无误的行。"
            )
            return
        replacement = snapshot_size.replacement_for(snap)
        if replacement is not None:
            self.stdout.write(f"{replacement.text()}。")
            if replacement.needs_confirmation and not confirm_smaller:
                raise CommandError(
                    f"新数据明显少于现有数据，可能不完整，未写入任何数据（批次#{snap.pk}）。"
                    "核对无误后，加 --confirm-smaller 重新导入。"
                )
        with tqdm(total=snap.rows_good, unit="行", desc="导入") as bar:
            snap = snapshot_services.snapshot_commit(
                actor=actor,
                snapshot_id=snap.pk,
                good_rows=good_rows,
                inline=True,
                on_progress=lambda done, total: bar.update(done - bar.n),
                confirm_smaller=confirm_smaller,
            )
        job = JobRun.objects.get(pk=snap.job_id)
        if job.status != JobRun.Status.SUCCEEDED:
            raise CommandError(f"导入失败，未写入任何比对数据：{job.message}")
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入{snap.rows_stored}行：{snap.get_kind_display()}，截至{snap.as_of:%Y-%m-%d}（快照#{snap.pk}）。"
            )
        )
