"""API keys (对外接口密钥): one per agency and purpose, in one county, for some of its regions,
with scopes. Each key acts through its own account (ApiActor), so the services it calls check
an actor as for any person and the audit trail names the agency."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from jiuzhu.accounts.models import User

from . import scopes as scope_table


class ApiActor(User):
    """The account a key acts as: the API role (accounts.roles), its key's county as its region
    — so the jurisdiction filters confine it as any county account — an unusable password (it
    cannot log in), and not among the county's staff accounts. Read through this proxy (as the
    key's `actor`), it holds only the permissions of its key's scopes (scopes.SCOPE_PERMS), and
    none once the key is revoked or expired; read as a plain User (a background job reloads its
    actor by id), it holds the API role's, the most any scope grants, still in its county."""

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "接口账号"

    def can(self, perm) -> bool:
        key = getattr(self, "api_key", None)
        if not self.is_active or key is None or not key.usable():
            return False
        return perm in scope_table.perms_of(key.scopes)


class ApiKey(models.Model):
    agency = models.CharField("使用单位", max_length=100)
    purpose = models.CharField("用途", max_length=200, blank=True)
    county = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属县（区）"
    )
    regions = models.ManyToManyField(
        "regions.Region", related_name="+", verbose_name="可读取的区域"
    )
    scopes = models.JSONField("权限范围", default=list)
    prefix = models.CharField("密钥前缀", max_length=12, unique=True)
    digest = models.CharField(max_length=64)  # SHA-256 of the whole key (keys.digest_of)
    rate_per_minute = models.PositiveIntegerField("每分钟调用上限", default=60)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    actor = models.OneToOneField(
        ApiActor, on_delete=models.PROTECT, related_name="api_key", verbose_name="接口账号"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="签发人"
    )
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="吊销人",
    )
    revoke_reason = models.CharField("吊销原因", max_length=200, blank=True)
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "对外接口密钥"

    def __str__(self) -> str:
        return f"{self.agency}（{self.prefix}）"

    def expired(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is not None and self.expires_on < today

    def usable(self) -> bool:
        return self.revoked_at is None and not self.expired()

    @property
    def status_label(self) -> str:
        if self.revoked_at is not None:
            return "已吊销"
        return "已过期" if self.expired() else "有效"

    @property
    def scope_labels(self) -> list[str]:
        return scope_table.scope_labels(self.scopes)
