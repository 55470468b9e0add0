"""Writes of the API (ARCHITECTURE rule 1): issuing and revoking keys, and the audit of every
call. Each checks the actor's permission and county and writes the audit record in the same
transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.roles import Perm, Role
from jiuzhu.core import audit
from jiuzhu.core.errors import Conflict, ValidationFailed
from jiuzhu.regions.models import Region

from . import keys
from .models import ApiActor, ApiKey
from .scopes import SCOPES

MAX_RATE = 6000  # calls per minute: above this a key is a denial of service, not a client
ACTOR_PREFIX = "api-"


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    plaintext: str  # shown once, never stored


def _admin_county(actor) -> Region:
    require(actor, Perm.MANAGE_API_KEYS, message="只有县级管理员可以管理对外接口密钥")
    region = getattr(actor, "region", None)
    if region is None or region.level != Region.Level.COUNTY:
        raise ValidationFailed("对外接口密钥由县级管理员签发")
    return region


def _check_regions(county: Region, regions: list[Region]) -> list[Region]:
    """The county itself or its townships; at least one."""
    if not regions:
        raise ValidationFailed("请至少选择一个可读取的区域")
    for region in regions:
        inside = region.pk == county.pk or (
            region.level == Region.Level.TOWNSHIP and region.parent_id == county.pk
        )
        if not inside:
            raise ValidationFailed("所选区域不在本县范围内")
    return sorted(set(regions), key=lambda r: r.code)


def _check_scopes(scopes: list[str]) -> list[str]:
    chosen = [s for s in SCOPES if s in set(scopes)]
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValidationFailed("权限范围无效：" + "、".join(unknown))
    if not chosen:
        raise ValidationFailed("请至少选择一项权限范围")
    return chosen


@transaction.atomic
def api_key_create(
    *,
    actor,
    agency: str,
    purpose: str = "",
    regions: list[Region],
    scopes: list[str],
    expires_on: date | None = None,
    rate_per_minute: int = 60,
) -> IssuedKey:
    """Issue a key for `agency`: its own actor account in the county, the key shown once."""
    county = _admin_county(actor)
    agency = (agency or "").strip()
    if not agency:
        raise ValidationFailed("请填写使用单位")
    chosen_regions = _check_regions(county, list(regions))
    chosen_scopes = _check_scopes(list(scopes))
    if expires_on is not None and expires_on < timezone.localdate():
        raise ValidationFailed("有效期不能早于今天")
    if not 1 <= rate_per_minute <= MAX_RATE:
        raise ValidationFailed(f"每分钟调用上限应在1到{MAX_RATE}之间")
    new = keys.new_key()
    key_actor = ApiActor(
        username=ACTOR_PREFIX + new.prefix,
        role=Role.API,
        region=county,
        full_name=f"对外接口：{agency[:30]}",
        unit=agency[:100],
    )
    key_actor.set_unusable_password()
    key_actor.save()
    key = ApiKey.objects.create(
        agency=agency[:100],
        purpose=(purpose or "").strip()[:200],
        county=county,
        scopes=chosen_scopes,
        prefix=new.prefix,
        digest=new.digest,
        rate_per_minute=rate_per_minute,
        expires_on=expires_on,
        actor=key_actor,
        created_by=actor,
    )
    key.regions.set(chosen_regions)
    audit.record(
        action="api.key_create",
        actor=actor,
        obj=key,
        new={
            "agency": key.agency,
            "key_prefix": key.prefix,
            "scopes": "、".join(key.scope_labels),
            "regions": "、".join(r.name for r in chosen_regions),
            "expires_on": expires_on,
            "rate_per_minute": rate_per_minute,
        },
    )
    return IssuedKey(key=key, plaintext=new.plaintext)


@transaction.atomic
def api_key_revoke(*, actor, key_id: int, reason: str) -> ApiKey:
    """Revoke a key at once (compare-and-set: revoked once) and deactivate its actor."""
    county = _admin_county(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写吊销原因")
    key = ApiKey.objects.select_for_update().filter(pk=key_id, county=county).first()
    if key is None:
        raise ValidationFailed("密钥不存在")
    if key.revoked_at is not None:
        raise Conflict("该密钥已吊销")
    key.revoked_at, key.revoked_by, key.revoke_reason = timezone.now(), actor, reason[:200]
    key.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    ApiActor.objects.filter(pk=key.actor_id).update(is_active=False)
    audit.record(
        action="api.key_revoke",
        actor=actor,
        obj=key,
        old={"status": "active"},
        new={"status": "revoked", "agency": key.agency, "key_prefix": key.prefix},
        reason=reason,
    )
    return key


@dataclass(frozen=True)
class Call:
    """One call as the audit trail keeps it."""

    method: str
    endpoint: str
    status: int
    region: str = ""
    month: str = ""
    code: str = ""  # a form's code
    key_prefix: str = ""  # a presented key that matched no usable key (401)
    detail: str = ""  # the refusal's message


def api_call_record(*, key: ApiKey | None, call: Call) -> None:
    """Every call, answered or refused, in the hash-chained audit trail (docs/api.md says why):
    as the key's actor, or with no actor for a key that matched none."""
    values = {
        "method": call.method,
        "endpoint": call.endpoint[:200],
        "status_code": call.status,
        "region": call.region[:20],
        "month": call.month[:10],
        "form_code": call.code[:40],
        "key_prefix": (key.prefix if key is not None else call.key_prefix)[:12],
    }
    with transaction.atomic():
        if key is not None:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        audit.record(
            action="api.call",
            actor=key.actor if key is not None else None,
            obj=key,
            new={k: v for k, v in values.items() if v not in ("", None)},
            reason=call.detail[:200],
        )
