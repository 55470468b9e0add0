"""Registry snapshots, monthly check runs and the findings they raise (R5–R9)."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from jiuzhu.core.month import format_date_cn

from .registries import REGISTRIES

KIND_CHOICES = [(r.kind.value, r.label) for r in REGISTRIES.values()]


class RegistrySnapshot(models.Model):
    """One dated file of another agency's registry, stored as Parquet under the snapshot dir."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "待确认"
        IMPORTING = "importing", "导入中"
        ACTIVE = "active", "已导入"
        FAILED = "failed", "导入失败"
        DISCARDED = "discarded", "已放弃"

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("数据类别", max_length=20, choices=KIND_CHOICES)
    as_of = models.DateField("数据截止日期")
    source = models.CharField("提供单位", max_length=100, blank=True)
    file_name = models.CharField("文件名", max_length=200)
    file_sha256 = models.CharField(max_length=64)
    upload_path = models.CharField(max_length=300, blank=True)  # encrypted upload, until imported
    parquet_path = models.CharField(max_length=300, blank=True)  # relative to the snapshot dir
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.PREVIEWED
    )
    rows_total = models.IntegerField("总行数", default=0)
    rows_good = models.IntegerField("可导入行数", default=0)
    rows_stored = models.IntegerField("已导入行数", default=0)
    report = models.JSONField("检查结果", default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    imported_at = models.DateTimeField("导入时间", null=True, blank=True)
    job = models.ForeignKey(
        "core.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "比对数据快照"
        ordering = ["-as_of", "-id"]
        indexes = [models.Index(fields=["county", "kind", "status", "as_of"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（截至{format_date_cn(self.as_of)}，#{self.pk}）"


class CheckRun(models.Model):
    """One monthly run of every check against the latest snapshots and the current enrolments."""

    class Status(models.TextChoices):
        RUNNING = "running", "运行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    month = models.CharField("比对月份", max_length=7)  # YYYY-MM
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="发起人",
    )
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    snapshots = models.JSONField("使用的数据快照", default=dict, blank=True)  # kind -> snapshot id
    summary = models.JSONField("结果汇总", default=dict, blank=True)
    message = models.TextField("说明", blank=True)
    job = models.ForeignKey(
        "core.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "比对批次"
        ordering = ["-started_at"]
        constraints = [
            # one run per county at a time, held by the database (crosscheck_run turns the
            # violation into the officer's message); a failed or finished run frees the county
            models.UniqueConstraint(
                fields=["county"],
                condition=Q(status="running"),
                name="crosscheck_one_running_run_per_county",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month}比对（#{self.pk}）"


# What each rule the checks cite (GUIDE R5–R9) asks of the officer, for the finding's page.
RULE_BASIS = {
    "R5": "近亲属备案核查：民政、村（社区）干部和财政供养人员的近亲属享受救助须备案并重点核查",
    "R6": "错保排查：收入、财产明显超出规定或财政供养人员本人享受救助的，须核实",
    "R7": "漏保排查：防返贫监测对象、重度残疾人、重病患者等困难群众符合条件的应保尽保",
    "R8": "再排查：近期被拒绝、退出的家庭和低保空白村须重新排查",
    "R9": "每月与殡葬（死亡）数据比对，对象死亡的及时停发",
}


class Finding(models.Model):
    """A hit of a check, handed to the township that holds the household (or the village)."""

    class Status(models.TextChoices):
        REVIEW = "review", "待人工比对"
        RAISED = "raised", "待核实"
        ASSIGNED = "assigned", "核实中"
        CONFIRMED = "confirmed", "核实属实"
        REJECTED = "rejected", "核实不属实"
        ACTED = "acted", "已处置"
        CLOSED = "closed", "已办结"
        DISMISSED = "dismissed", "比对排除"

    class Tier(models.TextChoices):
        EXACT = "exact", "身份证号一致"
        NEAR = "near", "身份证号一位之差"
        PROBABLE = "probable", "姓名、出生日期等概率匹配"
        RULE = "rule", "规则筛查"

    class Action(models.TextChoices):
        NONE = "", "—"
        STOP = "stop", "停发"
        REDUCE = "reduce", "减发"
        REFER = "refer", "转介"
        INCLUDE = "include", "纳入（新申请）"
        KEEP = "keep", "维持（说明理由）"

    # county and township: no single-column index, the composite indexes below lead with them.
    # The places: no foreign-key constraint in the database either (as for the subject below):
    # the administrative tree is reference data that is never deleted (PROTECT refuses ORM
    # deletes), and checking each of tens of thousands of new findings against it at commit
    # took over half a second of a province's run.
    county = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    township = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name="乡镇（街道）",
    )
    village = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        verbose_name="村（社区）",
    )
    check_code = models.CharField("核查项目", max_length=30)
    rule = models.CharField("依据", max_length=10)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.RAISED)
    fingerprint = models.CharField(max_length=64)

    # The subject: no foreign-key constraint in the database. A province's first run writes
    # tens of thousands of findings, and PostgreSQL checks (and row-locks) each reference to the
    # multi-million-row households, persons and enrolments one by one at commit: over a second.
    # The ids come from the same database in the same run; households, persons and enrolments
    # are never deleted (the audit trail keeps them), and PROTECT still refuses ORM deletes.
    # Only the household is indexed (a household's findings); nothing looks findings up by
    # person or enrolment, and each index is written for every finding a run raises.
    household = models.ForeignKey(
        "registry.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        verbose_name="家庭",
    )
    person = models.ForeignKey(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name="人员",
    )
    enrolment = models.ForeignKey(
        "payments.Enrolment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name="保障对象",
    )
    subject_name = models.CharField("对象姓名", max_length=60)
    subject_id_masked = models.CharField("对象身份证号码", max_length=18, blank=True)
    summary = models.CharField("摘要", max_length=300)

    # The snapshot and the run: no constraint or index in the database either. Both are written
    # before the run's findings and never deleted (PROTECT refuses ORM deletes); checking two
    # references for each of tens of thousands of findings cost PostgreSQL hundreds of ms a run.
    snapshot = models.ForeignKey(
        RegistrySnapshot,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
        verbose_name="数据快照",
        db_constraint=False,
        db_index=False,
    )
    ref_row = models.IntegerField("快照行号", null=True, blank=True)
    tier = models.CharField("匹配方式", max_length=10, choices=Tier.choices)
    score = models.FloatField("匹配概率", null=True, blank=True)
    # Decimal and dates in a check's evidence are written as text
    evidence = models.JSONField("比对依据", default=list, blank=True, encoder=DjangoJSONEncoder)
    months_paid = models.PositiveSmallIntegerField("死亡后发放月数", null=True, blank=True)
    amount_to_recover = models.DecimalField(
        "应追回金额", max_digits=12, decimal_places=2, null=True, blank=True
    )

    run = models.ForeignKey(
        CheckRun,
        on_delete=models.PROTECT,
        related_name="findings",
        verbose_name="首次发现批次",
        db_constraint=False,
        db_index=False,
    )
    raised_at = models.DateTimeField("发现时间", auto_now_add=True)
    due_date = models.DateField("核实期限", null=True, blank=True)
    # assignee, verified_by, new_application: empty when a finding is raised, so their indexes
    # hold only the rows that have one (partial indexes in Meta), not tens of thousands of NULLs
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="核实人",
        db_index=False,
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    verdict = models.BooleanField("核实结论（属实）", null=True, blank=True)
    verification_note = models.TextField("核实情况", blank=True)
    attachment_path = models.CharField(max_length=300, blank=True)
    attachment_name = models.CharField("附件", max_length=200, blank=True)
    action = models.CharField("处置方式", max_length=10, choices=Action.choices, blank=True)
    action_note = models.TextField("处置说明", blank=True)
    action_month = models.CharField("生效月份", max_length=7, blank=True)
    acted_at = models.DateTimeField("处置时间", null=True, blank=True)
    new_application = models.ForeignKey(
        "cases.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="纳入申请",
        db_index=False,
    )
    rectification_ref = models.CharField("整改台账编号", max_length=60, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "核查发现"
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "fingerprint"], name="finding_unique_evidence"
            )
        ]
        indexes = [
            models.Index(fields=["township", "status"]),
            models.Index(fields=["county", "check_code", "status"]),
            *[
                models.Index(
                    fields=[name],
                    condition=Q(**{f"{name}__isnull": False}),
                    name=f"finding_{name}_set",
                )
                for name in ("assignee", "verified_by", "new_application")
            ],
        ]

    def __str__(self) -> str:
        return self.text_of(self.pk, self.subject_name)

    @property
    def basis(self) -> str:
        """Why the check looks for this, in the officer's terms (the rule code stays in code)."""
        return RULE_BASIS.get(self.rule, "低保专项治理")

    @staticmethod
    def text_of(pk, subject_name: str) -> str:
        """What str() gives, for audit rows of findings written in bulk without instances."""
        return f"核查发现#{pk} {subject_name}"
