"""Households, people, and the income and asset facts recorded about them."""

from django.conf import settings
from django.db import models

from jiuzhu.core import rowxid

from .choices import (
    AssetKind,
    DisabilityType,
    HealthStatus,
    HukouType,
    IncomeCategory,
    LabourCapacity,
    Relation,
    Sex,
)


class Source(models.TextChoices):
    MANUAL = "manual", "手工录入"
    IMPORT = "import", "批量导入"
    DEMO = "demo", "演示数据"


class Household(models.Model):
    number = models.CharField("家庭编号", max_length=20, unique=True)
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="村（社区）"
    )
    address = models.CharField("家庭住址", max_length=200, blank=True)
    area_type = models.CharField("城乡类别", max_length=10, choices=HukouType.choices)
    # Kept equal to the head's name by services, so lists need no join.
    head_name = models.CharField("户主姓名", max_length=40, blank=True)
    phone_cipher = models.TextField(blank=True)
    phone_masked = models.CharField("联系电话", max_length=20, blank=True)
    bank_name = models.CharField("开户银行", max_length=60, blank=True)
    bank_account_cipher = models.TextField(blank=True)
    bank_account_hash = models.CharField(max_length=64, blank=True, db_index=True)
    bank_account_masked = models.CharField("银行账号", max_length=40, blank=True)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.MANUAL)
    import_batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="households"
    )
    # R18: the county withholds the household from the public portal (a member's protected
    # condition, e.g. HIV/AIDS); it is counted there, never listed. Set by
    # publication.household_publication_set only.
    publication_withheld = models.BooleanField("不予公开", default=False)
    publication_withheld_reason = models.CharField("不予公开原因", max_length=200, blank=True)
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    row_xid = rowxid.field()

    class Meta:
        verbose_name = verbose_name_plural = "家庭"
        indexes = [
            models.Index(fields=["township", "number"]),
            models.Index(fields=["village", "number"]),
            models.Index(fields=["county", "number"]),
            models.Index(fields=["head_name"]),
        ]

    def __str__(self) -> str:
        return f"{self.head_name}户（{self.number}）"


class Person(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name="家庭"
    )
    relation = models.CharField("与户主关系", max_length=20, choices=Relation.choices)
    name = models.CharField("姓名", max_length=40, db_index=True)
    name_initials = models.CharField("拼音首字母", max_length=40, db_index=True)
    name_pinyin = models.CharField("拼音", max_length=120, blank=True, db_index=True)
    id_cipher = models.TextField()
    id_hash = models.CharField(max_length=64, unique=True)
    id_masked = models.CharField("身份证号码", max_length=18)
    birth_date = models.DateField("出生日期")
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    ethnicity = models.CharField("民族", max_length=20, blank=True)
    hukou_type = models.CharField("户籍性质", max_length=10, choices=HukouType.choices)
    labour_capacity = models.CharField(
        "劳动能力", max_length=10, choices=LabourCapacity.choices, default=LabourCapacity.FULL
    )
    disability_type = models.CharField(
        "残疾类别", max_length=15, choices=DisabilityType.choices, blank=True, default=""
    )
    disability_grade = models.PositiveSmallIntegerField("残疾等级", null=True, blank=True)
    health_status = models.CharField(
        "健康状况", max_length=10, choices=HealthStatus.choices, default=HealthStatus.HEALTHY
    )
    health_note_cipher = models.TextField(blank=True)  # sensitive: diagnosis text, encrypted
    # Recorded by payments.deaths.death_record (stops payment, opens the recovery, S6 review)
    died_on = models.DateField("死亡日期", null=True, blank=True)
    row_xid = rowxid.field()

    class Meta:
        verbose_name = verbose_name_plural = "家庭成员"
        ordering = ["household_id", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    def age_on(self, day) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def disability_label(self) -> str:
        if not self.disability_type:
            return "无"
        return f"{self.get_disability_type_display()}{self.disability_grade or ''}级"


class IncomeFact(models.Model):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="incomes")
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incomes",
        verbose_name="成员",
    )
    category = models.CharField("收入类别", max_length=20, choices=IncomeCategory.choices)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    period_start = models.DateField("期间起")
    period_end = models.DateField("期间止")
    source = models.CharField("来源", max_length=40, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "收入情况"
        ordering = ["household_id", "category", "id"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount}元"


class AssetFact(models.Model):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="assets")
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assets",
        verbose_name="成员",
    )
    kind = models.CharField("财产类别", max_length=20, choices=AssetKind.choices)
    description = models.CharField("说明", max_length=200, blank=True)
    identifier = models.CharField("号牌/登记号", max_length=60, blank=True)
    quantity = models.PositiveIntegerField("数量", default=1)
    value = models.DecimalField(
        "价值（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    is_disability_vehicle = models.BooleanField("残疾人功能性补偿代步车", default=False)
    recorded_on = models.DateField("登记日期")
    source = models.CharField("来源", max_length=40, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "财产情况"
        ordering = ["household_id", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ×{self.quantity}"


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        PREVIEWED = "previewed", "待确认"
        IMPORTING = "importing", "导入中"
        IMPORTED = "imported", "已导入"
        FAILED = "failed", "导入失败"
        DISCARDED = "discarded", "已放弃"

    file_name = models.CharField("文件名", max_length=200)
    file_sha256 = models.CharField(max_length=64)
    stored_path = models.CharField(max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.PREVIEWED
    )
    rows_total = models.IntegerField("总行数", default=0)
    rows_good = models.IntegerField("可导入行数", default=0)
    households_good = models.IntegerField("可导入户数", default=0)
    households_imported = models.IntegerField("已导入户数", default=0)
    report = models.JSONField("检查结果", default=dict, blank=True)
    job = models.ForeignKey(
        "core.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "导入批次"
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"导入批次#{self.pk}（{self.file_name}）"


class KinDeclaration(models.Model):
    """近亲属备案 (R5, S2 art. 11): a staff member or cadre declares a close relative. The relative
    is identified by ID number (keyed hash), so a declaration also covers a relative who has not
    applied yet."""

    class Role(models.TextChoices):
        CIVIL_AFFAIRS = "civil_affairs", "民政（社会救助）经办人员"
        FISCAL_STAFF = "fiscal_staff", "财政供养人员"
        VILLAGE_CADRE = "village_cadre", "村（社区）干部"

    declarant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="kin_declarations",
        verbose_name="申报人账号",
    )
    declarant_name = models.CharField("申报人姓名", max_length=40)
    declarant_role = models.CharField("申报人身份", max_length=20, choices=Role.choices)
    declarant_unit = models.CharField("工作单位及职务", max_length=100)
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    relative_name = models.CharField("亲属姓名", max_length=40)
    relative_id_hash = models.CharField(max_length=64, db_index=True)
    relative_id_masked = models.CharField("亲属身份证号码", max_length=18)
    kin = models.CharField("关系", max_length=20)  # jiuzhu.cases.kinship.Kin
    declared_on = models.DateField("申报日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "近亲属备案"
        ordering = ["-declared_on", "id"]

    def __str__(self) -> str:
        return f"{self.declarant_name}的近亲属{self.relative_name}"
