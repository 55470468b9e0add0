"""Reads for the account administration pages: the accounts an administrator manages (the
county's staff; never a system actor), their lockout and second-factor state."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiuzhu.regions.models import Region

from .guards import require
from .jurisdiction import region_ids_q
from .models import User
from .roles import Perm, Role

STATUS_ACTIVE, STATUS_INACTIVE, STATUS_LOCKED = "active", "inactive", "locked"
STATUS_LABELS = {STATUS_ACTIVE: "在用", STATUS_INACTIVE: "已停用", STATUS_LOCKED: "已锁定"}


def managed_users(actor) -> QuerySet[User]:
    """The accounts the actor administers, with `has_otp` (a confirmed authenticator)."""
    require(actor, Perm.MANAGE_USERS, message="只有县级管理员可以管理账号")
    regions = Region.objects.filter(region_ids_q(actor)).values("pk")
    return (
        User.objects.filter(region_id__in=regions)
        .exclude(role__in=[Role.SYSTEM, Role.API])  # API keys' accounts: 对外接口密钥
        .select_related("region", "region__parent")
        .annotate(has_otp=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .order_by("region__code", "role", "username")
    )


def managed_user_get(actor, pk: int) -> User:
    """One managed account; anything else — another county, a system actor — is a 404."""
    user = managed_users(actor).filter(pk=pk).first()
    if user is None:
        raise Http404("没有找到该账号")
    return user


def locked_usernames(usernames=None) -> set[str]:
    """Of `usernames` (or of all), those django-axes currently locks out: the failures it
    counts within the cool-off time reach the limit, added up as axes' database handler does."""
    from axes.models import AccessAttempt

    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    attempts = AccessAttempt.objects.filter(attempt_time__gte=since)
    if usernames is not None:
        attempts = attempts.filter(username__in=list(usernames))
    rows = (
        attempts.values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["username"] for row in rows}


def with_status(users) -> list[User]:
    """The page of accounts, each with `status` and `status_label`."""
    users = list(users)
    locked = locked_usernames(u.username for u in users)
    for u in users:
        if not u.is_active:
            u.status = STATUS_INACTIVE
        elif u.username in locked:
            u.status = STATUS_LOCKED
        else:
            u.status = STATUS_ACTIVE
        u.status_label = STATUS_LABELS[u.status]
    return users


def filter_users(
    users: QuerySet[User], *, role: str = "", region: Region | None = None, status: str = ""
) -> QuerySet[User]:
    if role:
        users = users.filter(role=role)
    if region is not None:
        users = users.filter(
            Q(region=region) | Q(region__parent=region) | Q(region__parent__parent=region)
        )
    if status == STATUS_INACTIVE:
        users = users.filter(is_active=False)
    elif status == STATUS_LOCKED:
        users = users.filter(is_active=True, username__in=locked_usernames())
    elif status == STATUS_ACTIVE:
        users = users.filter(is_active=True).exclude(username__in=locked_usernames())
    return users


def region_choices(actor) -> list[tuple[str, list[tuple[str, str]]]]:
    """The regions an account may be given, grouped for a <select>: the county, its
    townships, then each township's villages."""
    regions = list(
        Region.objects.filter(region_ids_q(actor)).select_related("parent").order_by("code")
    )
    county = [(r.code, r.name) for r in regions if r.level == "county"]
    townships = [(r.code, r.name) for r in regions if r.level == "township"]
    groups = [("县级", county), ("乡镇（街道）", townships)]
    for code, name in townships:
        villages = [
            (r.code, f"{name} {r.name}")
            for r in regions
            if r.level == "village" and r.parent.code == code
        ]
        if villages:
            groups.append((f"{name}的村（社区）", villages))
    return groups
