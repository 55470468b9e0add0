"""Account administration: create users, reset passwords, unlock, reset the second factor.
Each is audited; `actor=None` means the operator at the server's command line."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiuzhu.core import audit
from jiuzhu.core.errors import PermissionDenied, ValidationFailed
from jiuzhu.regions.models import Region

from .models import User
from .roles import ROLE_LEVEL, Perm, Role


def _require_admin(actor) -> None:
    if actor is not None and not actor.can(Perm.MANAGE_USERS):
        raise PermissionDenied("只有县级管理员可以管理账号")


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed("密码不符合要求：" + "；".join(exc.messages)) from exc


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    role: str,
    region_code: str,
    password: str,
    full_name: str = "",
    unit: str = "",
) -> User:
    _require_admin(actor)
    try:
        role_enum = Role(role)
    except ValueError:
        raise ValidationFailed(
            f"角色无效：{role}（可选：{'、'.join(r.value for r in Role)}）"
        ) from None
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationFailed(f"区划代码不存在：{region_code}")
    if region.level != ROLE_LEVEL[role_enum]:
        raise ValidationFailed(
            f"该角色应设在{ROLE_LEVEL[role_enum]}级区划，{region.name}是{region.get_level_display()}"
        )
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(f"用户名已存在：{username}")
    user = User(username=username, role=role, region=region, full_name=full_name, unit=unit)
    _check_password(password, user)
    user.set_password(password)
    user.save()
    audit.record(
        action="user.create",
        actor=actor,
        obj=user,
        new={"username": username, "role": role, "region": region.code},
    )
    return user


@transaction.atomic
def user_set_password(*, actor, username: str, password: str) -> None:
    _require_admin(actor)
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        raise ValidationFailed(f"用户不存在：{username}")
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(action="user.set_password", actor=actor, obj=user)


@transaction.atomic
def user_unlock(*, actor, username: str) -> int:
    """Clear django-axes lockouts for the account; returns how many records were cleared."""
    from axes.utils import reset

    _require_admin(actor)
    if not User.objects.filter(username=username).exists():
        raise ValidationFailed(f"用户不存在：{username}")
    cleared = reset(username=username)
    audit.record(action="user.unlock", actor=actor, new={"username": username, "cleared": cleared})
    return cleared


@transaction.atomic
def user_reset_otp(*, actor, username: str) -> int:
    """Remove the user's authenticator devices (lost phone); they enrol again at next login."""
    _require_admin(actor)
    user = User.objects.filter(username=username).first()
    if user is None:
        raise ValidationFailed(f"用户不存在：{username}")
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    audit.record(action="user.reset_otp", actor=actor, obj=user, new={"removed": removed})
    return removed
