from django.core.management.base import BaseCommand, CommandError

from jiuzhu.accounts.system import system_actor
from jiuzhu.core import audit_anchor, audit_check
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.models import AuditCheck


class Command(BaseCommand):
    help = (
        "审计记录：verify 校验整条哈希链、链头和每个存证文件（通过且距上次存证超过20小时时自动存证，即每天一次）；"
        "anchor 把链头签名写入存证目录"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "anchor"])

    def handle(self, *args, action, **options):
        if action == "anchor":
            self._anchor()
            return
        check = audit_check.check_and_record(actor=system_actor("cli"), via=AuditCheck.Via.COMMAND)
        if not check.passed:
            where = f"第{check.broken_seq}条记录起不可信。" if check.broken_seq else ""
            raise CommandError(f"审计链校验失败：{where}{check.reason}")
        self.stdout.write(
            self.style.SUCCESS(
                f"审计链完整：共{check.rows_checked}条记录，逐条校验通过；"
                f"核对存证文件{check.anchors_checked}个。"
            )
        )

    def _anchor(self):
        try:
            anchor = audit_anchor.anchor_create(
                made_by="命令行 jiuzhu audit anchor", actor=system_actor("cli")
            )
        except JiuzhuError as exc:
            raise CommandError(exc.message) from None
        directory = audit_anchor.anchor_dir()
        self.stdout.write(
            self.style.SUCCESS(
                f"已存证：第{anchor.seq}条，哈希 {anchor.hash}，文件 {directory / anchor.file_name}"
            )
        )
