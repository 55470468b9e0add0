from django.contrib.auth.models import AbstractUser
from django.db import models

from .roles import COUNTY_ROLES, ROLE_LABELS, Perm, Role, role_can


class User(AbstractUser):
    """A staff account with one role, scoped to one region (county, township or village)."""

    role = models.CharField(
        "角色", max_length=30, choices=[(r.value, ROLE_LABELS[r]) for r in Role]
    )
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="管辖区域",
    )
    full_name = models.CharField("姓名", max_length=40, blank=True)
    unit = models.CharField("工作单位", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(Role(self.role), self.role) if self.role else ""

    @property
    def is_county_role(self) -> bool:
        return self.role in COUNTY_ROLES

    def can(self, perm: Perm) -> bool:
        return self.is_active and role_can(self.role, perm)

    @property
    def is_system(self) -> bool:
        """A system actor (accounts.system): command-line, scheduled or demo work."""
        return self.role == Role.SYSTEM

    @property
    def display_name(self) -> str:
        return self.full_name or self.username
