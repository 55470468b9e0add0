"""The reports app's own tables: the sealed copy of a form (封存), and the register of social
assistance services bought from social organisations (政府购买社会救助服务, seed 000)."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class SealedMonth(models.Model):
    """封存: the county closed a period's figures. From then on every form of that period, for
    the county and each township, is read from its FrozenForm, never recomputed."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    period = models.CharField("统计期", max_length=7)  # 2026-11, 2026-Q4, 2026-H2
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="封存人"
    )
    sealed_at = models.DateTimeField("封存时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "报表封存"
        constraints = [
            models.UniqueConstraint(fields=["county", "period"], name="sealed_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.period}已封存"


class FrozenForm(models.Model):
    """A form's figures and trace keys for one region and period, as they were when sealed."""

    sealed = models.ForeignKey(SealedMonth, on_delete=models.PROTECT, related_name="forms")
    code = models.CharField("报表", max_length=40)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    period = models.CharField("统计期", max_length=7)
    data = models.JSONField("数据", encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "封存报表"
        constraints = [
            models.UniqueConstraint(fields=["code", "region", "period"], name="frozen_form_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.period}"


class ServicePurchase(models.Model):
    """政府购买社会救助服务 (seed 000): a contract with a social organisation for assistance work
    in the county or a township, the source of the quarterly statistics table."""

    class Content(models.TextChoices):
        CASEWORK = "casework", "事务性工作（入户调查、核对、信息录入等）"
        CARE = "care", "服务性工作（照料护理、心理疏导、能力提升等）"

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="服务乡镇（街道）",
    )
    contract_number = models.CharField("合同编号", max_length=60)
    provider = models.CharField("承接社会组织", max_length=100)
    content_kind = models.CharField("服务类别", max_length=10, choices=Content.choices)
    content = models.CharField("服务内容", max_length=200)
    amount = models.DecimalField("合同金额（元）", max_digits=14, decimal_places=2)
    start_on = models.DateField("服务期起")
    end_on = models.DateField("服务期止")
    persons_served = models.PositiveIntegerField("服务对象人数")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "政府购买社会救助服务"
        ordering = ["-start_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "contract_number"], name="service_purchase_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract_number} {self.provider}"
