"""Enrolments: households or persons currently receiving a programme (在保)."""

from django.conf import settings
from django.db import models

from jiuzhu.core import rowxid


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "在保"
        SUSPENDED = "suspended", "暂停"
        STOPPED = "stopped", "停保"

    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name="家庭",
    )
    person = models.ForeignKey(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name="保障对象（单人）",
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+", verbose_name="救助项目"
    )
    application = models.OneToOneField(
        "cases.Application", on_delete=models.PROTECT, related_name="enrolment", verbose_name="申请"
    )
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    members = models.PositiveSmallIntegerField("保障人数")
    monthly_amount = models.DecimalField("月保障金额", max_digits=12, decimal_places=2)
    start_month = models.CharField("起始月份", max_length=7)  # YYYY-MM
    end_month = models.CharField("终止月份", max_length=7, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    row_xid = rowxid.field()

    class Meta:
        verbose_name = verbose_name_plural = "保障对象"
        indexes = [
            models.Index(fields=["township", "status"]),
            models.Index(fields=["county", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.household.head_name}户 {self.programme} {self.monthly_amount}元/月"


class EnrolmentChange(models.Model):
    """A stop or a reduction of an enrolment from a given month (异动, R17), with its reason."""

    class Kind(models.TextChoices):
        STOP = "stop", "停发"
        REDUCE = "reduce", "减发"

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="changes", verbose_name="保障对象"
    )
    kind = models.CharField("变更类型", max_length=10, choices=Kind.choices)
    effective_month = models.CharField("生效月份", max_length=7)  # YYYY-MM
    old_amount = models.DecimalField("原月保障金额", max_digits=12, decimal_places=2)
    new_amount = models.DecimalField("新月保障金额", max_digits=12, decimal_places=2)
    reason = models.TextField("理由")
    source = models.CharField("来源", max_length=60, blank=True)  # e.g. 核查发现#12
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "保障变更"
        ordering = ["effective_month", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.effective_month}起）"
