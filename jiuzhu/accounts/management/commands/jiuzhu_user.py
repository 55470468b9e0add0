import getpass

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.accounts import services
from jiuzhu.accounts.models import User
from jiuzhu.accounts.system import system_actor
from jiuzhu.core.errors import JiuzhuError


class Command(BaseCommand):
    help = (
        "账号管理：add 新建；password 重设密码；unlock 解除锁定；reset-otp 重置手机令牌；"
        "deactivate 停用；reactivate 恢复启用；list 列出"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=["add", "password", "unlock", "reset-otp", "deactivate", "reactivate", "list"],
        )
        parser.add_argument("username", nargs="?")
        parser.add_argument("--role", help="角色，如 township_officer")
        parser.add_argument("--region", help="12位区划代码")
        parser.add_argument("--name", default="", help="姓名")
        parser.add_argument("--unit", default="", help="工作单位")
        parser.add_argument("--password", help="不填则交互输入")
        parser.add_argument("--reason", default="", help="停用或恢复的理由")

    def handle(
        self, *args, action, username, role, region, name, unit, password, reason, **options
    ):
        try:
            if action == "list":
                for u in User.objects.select_related("region").order_by("username"):
                    self.stdout.write(
                        f"{u.username:<22}{u.role_label:<14}{u.region.name if u.region else '-'}"
                    )
                return
            if not username:
                raise CommandError("请指定用户名")
            if action in ("add", "password") and not password:
                password = getpass.getpass("新密码：")
            if action == "add":
                services.user_create(
                    actor=system_actor("cli"),
                    username=username,
                    role=role or "",
                    region_code=region or "",
                    password=password,
                    full_name=name,
                    unit=unit,
                )
                self.stdout.write(self.style.SUCCESS(f"已创建账号 {username}"))
            elif action == "password":
                services.user_set_password(
                    actor=system_actor("cli"), username=username, password=password
                )
                self.stdout.write(self.style.SUCCESS(f"已重设 {username} 的密码"))
            elif action in ("deactivate", "reactivate"):
                service = getattr(services, f"user_{action}")
                service(actor=system_actor("cli"), username=username, reason=reason)
                done = "停用" if action == "deactivate" else "恢复启用"
                self.stdout.write(self.style.SUCCESS(f"已{done}账号 {username}"))
            elif action == "unlock":
                services.user_unlock(actor=system_actor("cli"), username=username)
                self.stdout.write(self.style.SUCCESS(f"已解除 {username} 的锁定"))
            else:
                n = services.user_reset_otp(actor=system_actor("cli"), username=username)
                self.stdout.write(self.style.SUCCESS(f"已重置 {username} 的手机令牌（{n}个）"))
        except JiuzhuError as exc:
            raise CommandError(exc.message) from exc
