"""Applications and the record of every step: investigation, verification, notice, appraisal,
decision, spot check. Status moves only through services.transition (workflow.TRANSITIONS)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .workflow import STATUS_LABELS, Status

User = settings.AUTH_USER_MODEL


class Application(models.Model):
    number = models.CharField("申请编号", max_length=24, unique=True)
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name="家庭",
    )
    applicant = models.ForeignKey(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="申请人/保障对象",
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+", verbose_name="救助项目"
    )
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "状态",
        max_length=20,
        default=Status.DRAFT,
        choices=[(s.value, STATUS_LABELS[s]) for s in Status],
    )
    version = models.PositiveIntegerField(default=0)  # compare-and-set on every transition
    reason = models.TextField("申请理由", blank=True)
    requested_amount = models.DecimalField(
        "申请金额（临时救助）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    temporary_tier = models.CharField("临时救助档次", max_length=20, blank=True)
    one_case_held_on = models.DateField("一事一议会议日期", null=True, blank=True)
    one_case_record = models.TextField("一事一议会议记录", blank=True)
    one_case_amount = models.DecimalField(
        "一事一议确定金额", max_digits=12, decimal_places=2, null=True, blank=True
    )
    missing_materials = models.JSONField("一次性告知的缺少材料", default=list, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    # the day the application was made (登记); earlier than created_at only as a 补录
    applied_on = models.DateField("申请日期", default=timezone.localdate)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    confirming_level = models.CharField(
        "审核确认层级",
        max_length=10,
        blank=True,
        choices=[("township", "乡镇"), ("county", "县级")],
    )
    confirming_reason = models.CharField("层级依据", max_length=200, blank=True)
    delegated = models.BooleanField("权限已下放", default=True)
    extended = models.BooleanField("已延期", default=False)
    extension_reason = models.CharField("延期理由", max_length=300, blank=True)
    kin_registered = models.BooleanField("单独登记备案（近亲属）", default=False)
    has_complaint = models.BooleanField("有投诉举报", default=False)
    supporter_incapable_claim = models.BooleanField(
        "赡养（扶养、抚养）义务人申报丧失能力", default=False
    )
    notice_started_on = models.DateField("公示开始", null=True, blank=True)
    county_received_on = models.DateField("县级收到材料", null=True, blank=True)
    township_opinion = models.TextField("乡镇意见", blank=True)
    monthly_amount = models.DecimalField(
        "核定金额（元/月或一次性）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    calculation = models.JSONField("计算过程", default=list, blank=True)
    # why the case goes on to the notice although the calculation found it ineligible or zero
    continue_reason = models.TextField("不符合条件仍继续办理的理由", blank=True)
    # 补录 reasons of the dates kept on the application, by field name (applied_on,
    # accepted_on, notice_started_on, one_case_held_on); the step records keep their own
    late_reasons = models.JSONField("补录理由", default=dict, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_reason = models.TextField("决定理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "申请"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["township", "status"]),
            models.Index(fields=["county", "status"]),
            models.Index(fields=["village", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.number}（{self.programme}）"

    @property
    def stage_label(self) -> str:
        """The status as the officer reads it: the township-review status tells whether the
        township has written its opinion yet (after the notice it has not)."""
        if self.status == Status.TOWNSHIP_REVIEWED:
            if self.township_opinion.strip():
                return "乡镇已提出意见，待审核确认"
            return "待乡镇提出审核意见"
        return self.get_status_display()


class CaseEvent(models.Model):
    """One row per transition or recorded step: who, when, why, from, to."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=40)
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField("说明", blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = "办理记录"

    def __str__(self) -> str:
        return f"{self.application.number} {self.action}"


class Investigation(models.Model):
    """入户调查 (S2 art. 16): two investigators, signed by both and by the family."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="investigations"
    )
    visited_on = models.DateField("调查日期")
    investigator_1 = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name="调查人一"
    )
    investigator_2 = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name="调查人二"
    )
    living_conditions = models.TextField("居住与生活状况")
    income_findings = models.TextField("收入情况")
    asset_findings = models.TextField("财产情况")
    family_signed = models.BooleanField("申请人已签字确认")
    late_reason = models.TextField("补录理由", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "入户调查"

    def __str__(self) -> str:
        return f"{self.application.number} 入户调查 {self.visited_on}"


class Verification(models.Model):
    """家庭经济状况核对 (S2 art. 17)."""

    class Result(models.TextChoices):
        CONSISTENT = "consistent", "核对结果与申报一致"
        DIFFERENT = "different", "核对发现未申报收入或财产"

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="verifications"
    )
    checked_on = models.DateField("核对日期")
    result = models.CharField("核对结果", max_length=12, choices=Result.choices)
    details = models.TextField("核对情况")
    objection = models.TextField("申请人异议", blank=True)
    late_reason = models.TextField("补录理由", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "经济状况核对"

    def __str__(self) -> str:
        return f"{self.application.number} 核对 {self.checked_on}"


class NoticeObjection(models.Model):
    """An objection raised during the 7-day public notice (S2 art. 19)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="objections"
    )
    received_on = models.DateField("收到日期")
    content = models.TextField("异议内容")
    resolution = models.TextField("处理结果", blank=True)
    resolved = models.BooleanField("已处理", default=False)
    late_reason = models.TextField("补录理由", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "公示异议"

    def __str__(self) -> str:
        return f"{self.application.number} 异议 {self.received_on}"


class Appraisal(models.Model):
    """民主评议 (village appraisal meeting)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="appraisals"
    )
    held_on = models.DateField("评议日期")
    attendees = models.PositiveIntegerField("参加人数")
    votes_for = models.PositiveIntegerField("同意票")
    votes_against = models.PositiveIntegerField("反对票")
    record = models.TextField("评议记录")
    late_reason = models.TextField("补录理由", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "民主评议"

    def __str__(self) -> str:
        return f"{self.application.number} 评议 {self.held_on}"


class CaseComplaint(models.Model):
    """A complaint about a case (R3: the case then gets a mandatory county visit). The full
    complaints module (supervision) comes later; this keeps the fact on the case."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="complaints"
    )
    received_on = models.DateField("收到日期")
    channel = models.CharField(
        "渠道",
        max_length=20,
        choices=[
            ("hotline", "热线电话"),
            ("website", "网站"),
            ("letter", "来信来访"),
            ("media", "媒体"),
            ("other", "其他"),
        ],
    )
    content = models.TextField("内容")
    late_reason = models.TextField("补录理由", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "投诉举报（个案）"

    def __str__(self) -> str:
        return f"{self.application.number} 投诉 {self.received_on}"


class SpotCheckDraw(models.Model):
    """R3: a reproducible draw of confirmed cases for county re-visits; the seed is stored."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField("确认日期起")
    period_end = models.DateField("确认日期止")
    fraction = models.DecimalField("随机抽查比例", max_digits=4, decimal_places=2)
    seed = models.BigIntegerField("随机种子")
    case_ids = models.JSONField("抽样范围（申请编号）")
    selected_ids = models.JSONField("抽中的申请")
    lines = models.JSONField("抽样说明", default=list)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "县级抽查"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"抽查#{self.pk}（{self.period_start}至{self.period_end}）"


class SpotCheckVisit(models.Model):
    class Result(models.TextChoices):
        PENDING = "pending", "待核查"
        PASSED = "passed", "核查通过"
        FAILED = "failed", "核查不通过（重新办理）"

    draw = models.ForeignKey(SpotCheckDraw, on_delete=models.PROTECT, related_name="visits")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="spot_checks"
    )
    reasons = models.JSONField("抽中原因", default=list)
    result = models.CharField("结果", max_length=10, choices=Result.choices, default=Result.PENDING)
    visited_on = models.DateField("核查日期", null=True, blank=True)
    findings = models.TextField("核查情况", blank=True)
    late_reason = models.TextField("补录理由", blank=True)
    visited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "抽查入户核查"
        constraints = [
            models.UniqueConstraint(fields=["draw", "application"], name="visit_once_per_draw")
        ]

    def __str__(self) -> str:
        return f"{self.application.number} 抽查"


class SupporterRecord(models.Model):
    """A legal supporter (赡养、扶养、抚养义务人) of an extreme-poverty applicant (S3)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="supporters"
    )
    name = models.CharField("姓名", max_length=40)
    relation = models.CharField("与申请人关系", max_length=20)
    age = models.PositiveSmallIntegerField("年龄")
    monthly_income = models.DecimalField("月收入（元）", max_digits=10, decimal_places=2, default=0)
    is_extreme_poverty = models.BooleanField("本人为特困人员", default=False)
    is_dibao = models.BooleanField("本人为低保对象", default=False)
    severely_disabled = models.BooleanField("重度残疾", default=False)
    missing = models.BooleanField("宣告失踪", default=False)
    in_prison = models.BooleanField("在监狱服刑", default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "赡养（扶养、抚养）义务人"

    def __str__(self) -> str:
        return f"{self.application.number} 义务人{self.name}"


class SelfCareAssessment(models.Model):
    """生活自理能力评估: the six items the person cannot do alone (S3)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="self_care")
    assessed_on = models.DateField("评估日期")
    failed_items = models.JSONField("不能独立完成的项目", default=list)
    level = models.CharField(
        "评估等级",
        max_length=15,
        choices=[
            ("self_care", "生活自理"),
            ("partial", "部分丧失生活自理能力"),
            ("full_loss", "完全丧失生活自理能力"),
        ],
    )
    late_reason = models.TextField("补录理由", blank=True)
    assessed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "生活自理能力评估"
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.application.number} 自理能力评估 {self.assessed_on}"
