"""Programmes and their parameters, each with an effective period (rules as data)."""

from django.conf import settings
from django.db import models

from .catalogue import SettingKey


class Programme(models.Model):
    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    payment = models.CharField(
        "发放方式",
        max_length=10,
        choices=[("monthly", "按月"), ("yearly", "按年"), ("once", "一次性")],
    )
    needs_notice = models.BooleanField("需要公示", default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "救助项目"

    def __str__(self) -> str:
        return self.name


class Dated(models.Model):
    """A parameter in force from `effective_from` until the day before the next one's."""

    county = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="县（区）"
    )
    effective_from = models.DateField("生效日期")
    note = models.CharField("依据/说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Standard(Dated):
    """保障标准: amount per person for a programme, area type and period (R12)."""

    class Period(models.TextChoices):
        MONTHLY = "monthly", "元/人·月"
        YEARLY = "yearly", "元/人·年"

    class Area(models.TextChoices):
        URBAN = "urban", "城市"
        RURAL = "rural", "农村"
        ALL = "all", "城乡统一"

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="standards", verbose_name="救助项目"
    )
    area = models.CharField("城乡", max_length=10, choices=Area.choices, default=Area.ALL)
    amount = models.DecimalField("标准", max_digits=10, decimal_places=2)
    period = models.CharField("单位", max_length=10, choices=Period.choices)

    class Meta:
        verbose_name = verbose_name_plural = "保障标准"
        ordering = ["programme_id", "area", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "programme", "area", "effective_from"],
                name="standard_unique_start",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.programme}（{self.get_area_display()}）{self.amount}{self.get_period_display()}"
        )


class Delegation(Dated):
    """R1: whether townships confirm this programme in this county."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", verbose_name="救助项目"
    )
    delegated = models.BooleanField("下放乡镇审核确认")

    class Meta:
        verbose_name = verbose_name_plural = "审核确认权限下放"
        ordering = ["programme_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "programme", "effective_from"], name="delegation_unique_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme}：{'下放乡镇' if self.delegated else '县级确认'}"


class CountySetting(Dated):
    """One numeric county setting (see catalogue.SettingKey)."""

    key = models.CharField(
        "设置项", max_length=40, choices=[(k, label) for k, (label, _) in SettingKey.LABELS.items()]
    )
    value = models.DecimalField("取值", max_digits=14, decimal_places=4)

    class Meta:
        verbose_name = verbose_name_plural = "县级参数"
        ordering = ["key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "key", "effective_from"], name="setting_unique_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()}：{self.value.normalize()}"


class AddOnRate(Dated):
    """分类施保 (S2 art. 27): a monthly add-on per qualifying person, as a share of the standard
    or a fixed amount."""

    class Kind(models.TextChoices):
        ELDERLY = "elderly", "老年人（60周岁以上）"
        MINOR = "minor", "未成年人"
        SEVERE_DISABILITY = "severe_disability", "重度残疾人"
        SERIOUS_ILLNESS = "serious_illness", "重病患者"

    kind = models.CharField("对象", max_length=20, choices=Kind.choices)
    rate = models.DecimalField(
        "按标准的比例", max_digits=6, decimal_places=4, null=True, blank=True
    )
    fixed = models.DecimalField(
        "固定金额（元/月）", max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = verbose_name_plural = "分类施保加发"
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "kind", "effective_from"], name="addon_unique_start"
            ),
            models.CheckConstraint(
                condition=models.Q(rate__isnull=False) | models.Q(fixed__isnull=False),
                name="addon_rate_or_fixed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}加发"


class TemporaryTier(Dated):
    """临时救助分档 (R15, S8): an amount as a multiple of the monthly dibao standard."""

    class Category(models.TextChoices):
        EMERGENCY = "emergency", "急难型"
        EXPENDITURE = "expenditure", "支出型"

    code = models.CharField("档次代码", max_length=20)
    label = models.CharField("档次", max_length=60)
    category = models.CharField("类别", max_length=15, choices=Category.choices)
    multiple = models.DecimalField("月低保标准的倍数", max_digits=6, decimal_places=2)
    max_amount = models.DecimalField(
        "上限（元）", max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = verbose_name_plural = "临时救助档次"
        ordering = ["category", "multiple", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "code", "effective_from"], name="temp_tier_unique_start"
            )
        ]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        """ "急难型一档", not "急难型·急难型一档": the category only where the label lacks it."""
        category = self.get_category_display()
        return self.label if self.label.startswith(category) else f"{category}·{self.label}"


class DibaoTier(Dated):
    """低保分档 (S1 art. 12, S2 art. 23): one row of a county's tier table for an area.

    The rows of one area with the same effective date form the table in force from that date;
    a change is a whole new table from a new date (tiers are never mixed across tables)."""

    area = models.CharField(
        "城乡", max_length=10, choices=Standard.Area.choices, default=Standard.Area.ALL
    )
    level = models.PositiveSmallIntegerField("档次")
    max_per_capita_income = models.DecimalField(
        "家庭人均月收入上限（元，含）", max_digits=10, decimal_places=2
    )
    amount_per_person = models.DecimalField("每人每月保障金（元）", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "低保分档"
        ordering = ["area", "-effective_from", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "area", "effective_from", "level"], name="dibao_tier_unique_level"
            ),
            models.UniqueConstraint(
                fields=["county", "area", "effective_from", "max_per_capita_income"],
                name="dibao_tier_unique_bound",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()}低保第{self.level}档"


class CareRate(Dated):
    """特困人员照料护理补贴 by self-care level (S3), per month."""

    class Level(models.TextChoices):
        SELF_CARE = "self_care", "生活自理"
        PARTIAL = "partial", "部分丧失生活自理能力"
        FULL_LOSS = "full_loss", "完全丧失生活自理能力"

    level = models.CharField("生活自理能力", max_length=15, choices=Level.choices)
    amount = models.DecimalField("护理补贴（元/月）", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "照料护理补贴标准"
        ordering = ["level", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "level", "effective_from"], name="care_rate_unique_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}：{self.amount}元/月"
