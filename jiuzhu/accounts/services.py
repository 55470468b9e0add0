"""Account administration: create users, change their role and region, reset passwords, unlock,
reset the second factor, deactivate and reactivate. Each is audited. The county administrator manages the accounts of the county; the operator at
the server's command line acts as the system actor (accounts.system). Nobody manages a system
actor's account, and an account outside the actor's county is "not found". The county always keeps one active
administrator: nobody deactivates or demotes the last one, nor themselves."""

import secrets

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
from .roles import ROLE_LABELS, ROLE_LEVEL, STAFF_ROLES, Perm, Role
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


def _staff_role(role: str) -> Role:
    try:
        role_enum = Role(role)
    except ValueError:
        role_enum = None
    if role_enum not in STAFF_ROLES:
        raise ValidationFailed(
            f"角色无效：{role}（可选：{'、'.join(r.value for r in STAFF_ROLES)}）"
        )
    return role_enum


def _region_for(actor, role: Role, region_code: str) -> Region:
    """The region `region_code`, within the actor's county and at the level the role needs."""
    region = Region.objects.filter(code=region_code).first()
    if region is None or not covers(actor, region):
        raise ValidationFailed(f"区划代码不存在或不在您的管辖范围内：{region_code}")
    if region.level != ROLE_LEVEL[role]:
        raise ValidationFailed(
            f"{ROLE_LABELS[role]}应设在{Region.Level(ROLE_LEVEL[role]).label}一级，"
            f"{region.name}是{region.get_level_display()}"
        )
    return region


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
    role_enum = _staff_role(role)
    if username.startswith(SYSTEM_PREFIX):
        raise ValidationFailed(f"用户名不能以“{SYSTEM_PREFIX}”开头（系统保留）")
    region = _region_for(actor, role_enum, region_code)
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
    user = _managed(actor, username)
    cleared = reset(username=username)
    audit.record(
        action="user.unlock", actor=actor, obj=user, new={"username": username, "cleared": cleared}
    )
    return cleared


@transaction.atomic
def user_reset_otp(*, actor, username: str) -> int:
    """Remove the user's authenticator devices (lost phone); they enrol again at next login."""
    _require_admin(actor)
    user = _managed(actor, username)
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    audit.record(action="user.reset_otp", actor=actor, obj=user, new={"removed": removed})
    return removed


# No 0/O, 1/l/I: the initial password is read off the screen and typed on another machine.
_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"


def initial_password() -> str:
    """A random password for a new account or a reset, shown once to the administrator:
    three groups of four, which Django's validators accept."""
    groups = ["".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3)]
    return "-".join(groups)


def _require_another_admin(user: User) -> None:
    """Refuse when `user` is the county's last active administrator (locks the county's
    administrators, so two concurrent refusals cannot both pass)."""
    if user.role != Role.COUNTY_ADMIN or not user.is_active:
        return
    admins = User.objects.select_for_update().filter(
        role=Role.COUNTY_ADMIN, region_id=user.region_id, is_active=True
    )
    if not [pk for pk in admins.values_list("pk", flat=True) if pk != user.pk]:
        raise ValidationFailed("这是本县唯一在用的县级管理员账号，不能停用或改为其他角色")


@transaction.atomic
def user_update(
    *, actor, username: str, role: str, region_code: str, full_name: str, unit: str = ""
) -> User:
    """Change an account's role, region, name or unit."""
    _require_admin(actor)
    user = _managed(actor, username, lock=True)
    role_enum = _staff_role(role)
    region = _region_for(actor, role_enum, region_code)
    moved = role_enum != user.role or region.pk != user.region_id
    if moved and user.pk == actor.pk:
        raise ValidationFailed("不能修改自己的角色或管辖区域，请由本县另一位县级管理员办理")
    if role_enum != user.role:
        _require_another_admin(user)
    old = {
        "role": user.role,
        "region": user.region.code if user.region else "",
        "full_name": user.full_name,
        "unit": user.unit,
    }
    new = {"role": role_enum.value, "region": region.code, "full_name": full_name, "unit": unit}
    if old == new:
        return user
    user.role, user.region, user.full_name, user.unit = role_enum.value, region, full_name, unit
    user.save(update_fields=["role", "region", "full_name", "unit"])
    changed = [k for k in new if old[k] != new[k]]
    audit.record(
        action="user.update",
        actor=actor,
        obj=user,
        old={k: old[k] for k in changed},
        new={k: new[k] for k in changed},
    )
    return user


@transaction.atomic
def user_deactivate(*, actor, username: str, reason: str = "") -> User:
    """Stop an account (a person who left): it can no longer log in; its history stays."""
    _require_admin(actor)
    user = _managed(actor, username, lock=True)
    if user.pk == actor.pk:
        raise ValidationFailed("不能停用自己的账号")
    if not user.is_active:
        raise ValidationFailed("该账号已经停用")
    _require_another_admin(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record(
        action="user.deactivate",
        actor=actor,
        obj=user,
        old={"is_active": True},
        new={"is_active": False},
        reason=reason,
    )
    return user


@transaction.atomic
def user_reactivate(*, actor, username: str, reason: str = "") -> User:
    _require_admin(actor)
    user = _managed(actor, username, lock=True)
    if user.is_active:
        raise ValidationFailed("该账号正在使用，无需恢复")
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(
        action="user.reactivate",
        actor=actor,
        obj=user,
        old={"is_active": False},
        new={"is_active": True},
        reason=reason,
    )
    return user
