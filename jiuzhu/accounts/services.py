"""Account administration: create users, reset passwords, unlock, reset the second factor.
Each is audited. The county administrator manages the accounts of the county; the operator at
the server's command line acts as the system actor (accounts.system). Nobody manages a system
actor's account, and an account outside the actor's county is "not found"."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiuzhu.core import audit
from jiuzhu.core.errors import ValidationFailed
from jiuzhu.regions.models import Region

from .guards import require
from .jurisdiction import covers
from .models import User
from .roles import ROLE_LEVEL, STAFF_ROLES, Perm, Role
from .system import PREFIX as SYSTEM_PREFIX


def _require_admin(actor) -> None:
    require(actor, Perm.MANAGE_USERS, message="只有县级管理员可以管理账号")


def _managed(actor, username: str, *, lock: bool = False) -> User:
    """The account `username` if the actor may manage it: within the actor's county, not a
    system actor. Otherwise it does not exist, as far as the actor can tell."""
    users = User.objects.select_for_update(of=("self",)) if lock else User.objects
    user = users.select_related("region").filter(username=username).first()
    if user is None or user.is_system or not covers(actor, user.region):
        raise ValidationFailed(f"用户不存在：{username}")
    return user


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
        role_enum = None
    if role_enum not in STAFF_ROLES:
        raise ValidationFailed(
            f"角色无效：{role}（可选：{'、'.join(r.value for r in STAFF_ROLES)}）"
        )
    if username.startswith(SYSTEM_PREFIX):
        raise ValidationFailed(f"用户名不能以“{SYSTEM_PREFIX}”开头（系统保留）")
    region = Region.objects.filter(code=region_code).first()
    if region is None or not covers(actor, region):
        raise ValidationFailed(f"区划代码不存在或不在您的管辖范围内：{region_code}")
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
    user = _managed(actor, username, lock=True)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(action="user.set_password", actor=actor, obj=user)


@transaction.atomic
def user_unlock(*, actor, username: str) -> int:
    """Clear django-axes lockouts for the account; returns how many records were cleared."""
    from axes.utils import reset

    _require_admin(actor)
    _managed(actor, username)
    cleared = reset(username=username)
    audit.record(action="user.unlock", actor=actor, new={"username": username, "cleared": cleared})
    return cleared


@transaction.atomic
def user_reset_otp(*, actor, username: str) -> int:
    """Remove the user's authenticator devices (lost phone); they enrol again at next login."""
    _require_admin(actor)
    user = _managed(actor, username)
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    audit.record(action="user.reset_otp", actor=actor, obj=user, new={"removed": removed})
    return removed
