from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.core import backup
from jiuzhu.core.errors import JiuzhuError


class Command(BaseCommand):
    help = (
        "备份与恢复：create 备份数据库、附件、比对数据和审计存证（密钥另存 --keys-dir）；"
        "check 核对备份文件的校验值；restore 恢复到新建的空数据库"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "check", "restore"])
        parser.add_argument("directory", type=Path, help="备份目录（create 时须为新目录或空目录）")
        parser.add_argument(
            "--keys-dir",
            type=Path,
            help="密钥目录：create 时把密钥写入此处（须与备份目录分开保管）；"
            "restore 时从此处核对或恢复密钥（演示环境）",
        )
        parser.add_argument(
            "--no-keys",
            action="store_true",
            help="create 时不写出密钥（生产环境的密钥已由保管人另行保存）",
        )

    def handle(self, *args, action, directory, keys_dir, no_keys, **options):
        try:
            getattr(self, f"_{action}")(directory, keys_dir, no_keys)
        except JiuzhuError as exc:
            raise CommandError(exc.message) from None

    def _say(self, text: str) -> None:
        self.stdout.write(text)

    def _create(self, directory: Path, keys_dir: Path | None, no_keys: bool) -> None:
        if keys_dir is None and not no_keys:
            raise CommandError(
                "请用 --keys-dir 指定与备份分开保管的密钥目录，"
                "或用 --no-keys 说明密钥已由保管人另行保存"
            )
        manifest = backup.backup_create(
            target=directory, keys_dir=None if no_keys else keys_dir, say=self._say
        )
        rows = sum(manifest.tables.values())
        self.stdout.write(
            self.style.SUCCESS(f"备份完成：{directory}（{len(manifest.tables)}张表，共{rows}行）")
        )
        self.stdout.write(
            "恢复时须使用这些密钥："
            + "、".join(sorted(manifest.keys))
            + "（清单中只记指纹，不记密钥）"
        )

    def _check(self, directory: Path, keys_dir: Path | None, no_keys: bool) -> None:
        manifest, problems = backup.backup_check(directory)
        if problems:
            raise CommandError("备份校验失败：" + "；".join(problems))
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完整：{len(manifest.files)}个文件校验值一致（备份于{manifest.created_at}）"
            )
        )

    def _restore(self, directory: Path, keys_dir: Path | None, no_keys: bool) -> None:
        report = backup.backup_restore(source=directory, keys_dir=keys_dir, say=self._say)
        if report.keys_installed:
            self.stdout.write(f"已恢复演示环境密钥：{report.keys_installed}")
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复完成：{report.tables}张表共{report.rows}行，与备份清单一致。"
                "下一步：运行 jiuzhu audit verify 校验审计链，通过后再投入使用。"
            )
        )
