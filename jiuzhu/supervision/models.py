"""Clues and complaints (问题线索 / 信访举报, R19) and their hand-over to discipline inspection."""

from django.conf import settings
from django.db import models


class Clue(models.Model):
    class Channel(models.TextChoices):
        HOTLINE = "hotline", "12345热线"
        WEBSITE = "website", "县政府网站"
        PUBLIC_FORM = "public_form", "公开页面投诉"
        MEDIA = "media", "媒体报道"
        PETITION = "petition", "信访（来信来访）"
        INSPECTION = "inspection", "巡察"
        AUDIT = "audit", "审计"
        FINDING = "finding", "比对核查发现"
        SPOT_CHECK = "spot_check", "县级抽查"
        OTHER = "other", "其他"

    class Category(models.TextChoices):
        WRONG_INCLUSION = "wrong_inclusion", "错保（不符合条件纳入）"
        FAVOURITISM = "favouritism", "人情保关系保"
        MISSED = "missed", "漏保（符合条件未纳入）"
        PAYMENT = "payment", "发放不及时或错发"
        CONDUCT = "conduct", "工作人员作风问题"
        OTHER = "other", "其他"

    class Subject(models.TextChoices):
        HOUSEHOLD = "household", "家庭"
        PERSON = "person", "个人"
        STAFF = "staff", "工作人员"
        CADRE = "cadre", "村（社区）干部"
        VILLAGE = "village", "村（社区）"

    class Status(models.TextChoices):
        REGISTERED = "registered", "登记"
        ASSIGNED = "assigned", "已交办"
        INVESTIGATING = "investigating", "调查中"
        REPLIED = "replied", "已答复"
        CLOSED = "closed", "已办结"

    class Conclusion(models.TextChoices):
        TRUE = "true", "属实"
        PARTLY = "partly", "部分属实"
        FALSE = "false", "不属实"

    class Handover(models.TextChoices):
        NONE = "", "未移交"
        HANDED = "handed", "已移交纪检监察"
        CONCLUDED = "concluded", "纪检监察已办结"

    number = models.CharField("线索编号", max_length=30, unique=True)
    channel = models.CharField("线索来源", max_length=20, choices=Channel.choices)
    received_on = models.DateField("受理日期")
    category = models.CharField("问题类别", max_length=20, choices=Category.choices)
    subject_kind = models.CharField("反映对象类型", max_length=12, choices=Subject.choices)
    household = models.ForeignKey(
        "registry.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clues",
        verbose_name="涉及家庭",
    )
    person = models.ForeignKey(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clues",
        verbose_name="涉及人员",
    )
    subject_name = models.CharField("反映对象", max_length=60, blank=True)
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    content = models.TextField("反映内容")
    complainant_name = models.CharField("反映人", max_length=40, blank=True)
    complainant_phone_cipher = models.TextField(blank=True)
    complainant_phone_masked = models.CharField("反映人电话", max_length=20, blank=True)
    status = models.CharField(
        "办理状态", max_length=14, choices=Status.choices, default=Status.REGISTERED
    )
    assigned_unit = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="承办单位",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="承办人",
    )
    due_days = models.PositiveSmallIntegerField("办理期限（工作日）")
    due_on = models.DateField("办理期限")
    is_overdue = models.BooleanField("已逾期", default=False)
    is_near_due = models.BooleanField("临近到期", default=False)
    flags_on = models.DateField("到期标记计算日", null=True, blank=True)
    investigation_notes = models.TextField("调查核实情况", blank=True)
    reply_text = models.TextField("答复内容", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    conclusion = models.CharField("办理结论", max_length=8, choices=Conclusion.choices, blank=True)
    measures = models.TextField("处理措施", blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    finding = models.ForeignKey(
        "crosscheck.Finding",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clues",
        verbose_name="比对核查发现",
    )
    tracking_code = models.CharField("查询码", max_length=24, unique=True)
    flagged_for_handover = models.BooleanField("涉及工作人员或干部", default=False)
    handover_status = models.CharField(
        "移交状态", max_length=10, choices=Handover.choices, blank=True, default=""
    )
    handed_over_on = models.DateField("移交日期", null=True, blank=True)
    handover_evidence = models.TextField("移交材料（证据）", blank=True)
    handover_progress = models.TextField("纪检监察办理进展", blank=True)
    handover_conclusion = models.TextField("纪检监察处理结果", blank=True)
    handover_concluded_on = models.DateField("纪检监察办结日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["county", "status"]),
            models.Index(fields=["township", "status"]),
        ]
        verbose_name = "问题线索"

    def __str__(self) -> str:
        return f"问题线索{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def is_anonymous(self) -> bool:
        return not (self.complainant_name or self.complainant_phone_cipher)


class RectificationItem(models.Model):
    """整改事项: a problem on the county's rectification ledger (问题清单 / 整改台账), closed only
    after someone other than the responsible person checks the fix (对账销号)."""

    class Source(models.TextChoices):
        CLUE = "clue", "问题线索"
        FINDING = "finding", "比对核查发现"
        SPOT_CHECK = "spot_check", "县级抽查"
        INSPECTION = "inspection", "巡察"
        AUDIT = "audit", "审计"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "整改中"
        SUBMITTED = "submitted", "已提交销号"
        CLOSED = "closed", "已销号"

    number = models.CharField("整改编号", max_length=30, unique=True)
    source = models.CharField("问题来源", max_length=12, choices=Source.choices)
    clue = models.ForeignKey(
        Clue,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
        verbose_name="问题线索",
    )
    finding = models.ForeignKey(
        "crosscheck.Finding",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
        verbose_name="比对核查发现",
    )
    spot_check = models.ForeignKey(
        "cases.SpotCheckVisit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
        verbose_name="县级抽查",
    )
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    problem = models.TextField("问题描述")
    measure = models.TextField("整改措施")
    opened_on = models.DateField("列入台账日期")
    deadline_days = models.PositiveSmallIntegerField("整改时限（工作日）", null=True, blank=True)
    deadline = models.DateField("整改时限")
    responsible_unit = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="责任单位"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="责任人"
    )
    status = models.CharField(
        "整改状态", max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    fix_note = models.TextField("整改情况", blank=True)
    fix_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="提交销号人",
    )
    fix_submitted_on = models.DateField("提交销号日期", null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="销号核验人",
    )
    verified_on = models.DateField("销号时间", null=True, blank=True)
    verification_note = models.TextField("核验意见", blank=True)
    return_reason = models.TextField("退回重改理由", blank=True)
    returned_count = models.PositiveSmallIntegerField("退回次数", default=0)
    is_overdue = models.BooleanField("已逾期", default=False)
    flags_on = models.DateField("逾期标记计算日", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        indexes = [
            models.Index(fields=["county", "status"]),
            models.Index(fields=["township", "status"]),
        ]
        verbose_name = "整改事项"

    def __str__(self) -> str:
        return f"整改事项{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class RectificationAttachment(models.Model):
    """Evidence of a fix (整改佐证材料): encrypted, readable by this account only, downloaded
    through the item's page by those who may see the item."""

    item = models.ForeignKey(
        RectificationItem, on_delete=models.PROTECT, related_name="attachments"
    )
    name = models.CharField("附件", max_length=200)
    path = models.CharField(max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "整改佐证材料"

    def __str__(self) -> str:
        return self.name


class TypicalCaseReport(models.Model):
    """典型案例月报 (R20): a county's typical cases of one month, or an explicit zero report
    (零报告) with its explanation; submitted once and then unchangeable."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    month = models.CharField("月份", max_length=7)  # YYYY-MM
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    zero_report = models.BooleanField("零报告", default=False)
    zero_explanation = models.TextField("零报告情况说明", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["county", "month"], name="typical_report_per_month")
        ]
        verbose_name = "典型案例月报"

    def __str__(self) -> str:
        return f"典型案例月报{self.month}"


class TypicalCase(models.Model):
    """One typical case (典型案例) of a monthly report: at most 100 characters, from a closed
    clue, a finding acted on or closed, or a recovery."""

    class Source(models.TextChoices):
        CLUE = "clue", "问题线索"
        FINDING = "finding", "比对核查发现"
        RECOVERY = "recovery", "追回"

    report = models.ForeignKey(TypicalCaseReport, on_delete=models.PROTECT, related_name="cases")
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    clue = models.ForeignKey(
        Clue, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finding = models.ForeignKey(
        "crosscheck.Finding", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recovery = models.ForeignKey(
        "payments.Recovery", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.CharField("案例简述", max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "典型案例"

    def __str__(self) -> str:
        return f"典型案例{self.pk}"
