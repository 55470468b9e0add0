"""Enrolments (在保), their monthly changes (异动, R17), the payrolls paid from them (发放名册),
the bank's results, re-issues, arrears (补发), recoveries (追回), reviews and referrals.

An enrolment's amount and state for a month are read from its approved changes (R12: the month
paid decides), so a payroll can be generated for any month without editing the enrolment."""

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
    # The first month a payroll may include it: set when its "new" change is approved (R17).
    payroll_from = models.CharField("纳入发放月份", max_length=7, blank=True)
    # The part of monthly_amount that is the care subsidy (R16), paid as its own payroll line.
    care_amount = models.DecimalField(
        "其中照料护理补贴", max_digits=12, decimal_places=2, default=0
    )
    review_months = models.PositiveSmallIntegerField("复核周期（月）", default=12)
    next_review_on = models.DateField("下次复核日期", null=True, blank=True)
    gradual_exit_from = models.CharField("渐退起始月份", max_length=7, blank=True)
    exit_reason = models.CharField("退出原因", max_length=200, blank=True)
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
    """异动 (R17): a change to an enrolment from a payroll month. Township officers submit it in
    the month's window (10th–20th by default; later rolls to the next month); the county approves
    or returns it; only approved changes reach a payroll. Stops and reductions decided on a
    finding are recorded as approved at once (the finding's handling was the decision)."""

    class Kind(models.TextChoices):
        NEW = "new", "新增"
        AMOUNT = "amount", "金额调整"
        REDUCE = "reduce", "减发"
        SUSPEND = "suspend", "暂停"
        RESUME = "resume", "恢复"
        STOP = "stop", "停发"
        GRADUAL_EXIT = "gradual_exit", "渐退"
        BANK = "bank", "银行账户变更"
        NAME = "name", "姓名更正"
        REPRICE = "reprice", "提标调整"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待县级审批"
        APPROVED = "approved", "已审批"
        RETURNED = "returned", "已退回"

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="changes", verbose_name="保障对象"
    )
    kind = models.CharField("变更类型", max_length=15, choices=Kind.choices)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.APPROVED
    )
    effective_month = models.CharField("生效月份", max_length=7)  # YYYY-MM
    # The payroll month it was submitted for (R17: after the window it rolls to the next month)
    payroll_month = models.CharField("计入发放月份", max_length=7, blank=True)
    submitted_late = models.BooleanField("逾期顺延", default=False)
    old_amount = models.DecimalField("原月保障金额", max_digits=12, decimal_places=2)
    new_amount = models.DecimalField("新月保障金额", max_digits=12, decimal_places=2)
    reason = models.TextField("理由")
    source = models.CharField("来源", max_length=60, blank=True)  # e.g. 核查发现#12
    # Bank-account change and name correction (no change form needed, R17)
    person = models.ForeignKey(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="更正姓名的成员",
    )
    old_text = models.CharField("原内容", max_length=60, blank=True)  # old name / masked account
    new_text = models.CharField("新内容", max_length=60, blank=True)  # new name / masked account
    new_bank_name = models.CharField("新开户银行", max_length=60, blank=True)
    new_bank_account_cipher = models.TextField(blank=True)
    gradual_exit_months = models.PositiveSmallIntegerField("渐退月数", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="审批人",
    )
    reviewed_at = models.DateTimeField("审批时间", null=True, blank=True)
    review_note = models.CharField("审批意见", max_length=200, blank=True)
    adjustment = models.ForeignKey(
        "Adjustment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changes",
        verbose_name="提标调整",
    )

    class Meta:
        verbose_name = verbose_name_plural = "保障变更"
        ordering = ["effective_month", "id"]
        indexes = [
            models.Index(fields=["enrolment", "status", "effective_month"]),
            models.Index(fields=["status", "payroll_month"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.effective_month}起）"


class Adjustment(models.Model):
    """提标调整: a new standard or setting re-prices every affected enrolment from the month it
    takes effect (R12). Computed for review, applied as approved amount changes by the county;
    months already paid become arrears (补发), never edits of a closed payroll."""

    class Status(models.TextChoices):
        COMPUTED = "computed", "待审批"
        APPLIED = "applied", "已执行"
        DISCARDED = "discarded", "已作废"

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+", verbose_name="救助项目"
    )
    from_month = models.CharField("调整起始月份", max_length=7)
    reason = models.CharField("依据", max_length=200)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.COMPUTED
    )
    # One entry per affected enrolment: {"enrolment": id, "old": "350.00", "new": "380.00"}
    lines = models.JSONField("调整明细", default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "提标调整"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"提标调整（{self.from_month}起）"


class Payroll(models.Model):
    """发放名册: the frozen list of what is paid for a county, month and programme. Lines are
    written once at generation and never edited except for their bank outcome; a supplementary
    payroll (补发名册) carries re-issues and arrears paid outside the regular one."""

    class Kind(models.TextChoices):
        REGULAR = "regular", "正常发放"
        SUPPLEMENTARY = "supplementary", "补充发放"

    class Status(models.TextChoices):
        GENERATED = "generated", "已生成待审核"
        APPROVED = "approved", "已审核待发放"
        RELEASED = "released", "已发放待对账"
        CLOSED = "closed", "已结清"

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+", verbose_name="救助项目"
    )
    month = models.CharField("发放月份", max_length=7)
    kind = models.CharField("类别", max_length=15, choices=Kind.choices, default=Kind.REGULAR)
    batch = models.PositiveSmallIntegerField("批次", default=1)
    number = models.CharField("名册编号", max_length=60, unique=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.GENERATED
    )
    line_count = models.PositiveIntegerField("笔数", default=0)
    household_count = models.PositiveIntegerField("户数", default=0)
    person_count = models.PositiveIntegerField("人数", default=0)
    total_amount = models.DecimalField("金额合计", max_digits=16, decimal_places=2, default=0)
    digest = models.CharField("名册签名", max_length=64, blank=True)
    check_result = models.JSONField("核对结果", default=dict, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="生成人"
    )
    generated_at = models.DateTimeField("生成时间", auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="审核人",
    )
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="发放人",
    )
    released_at = models.DateTimeField("发放时间", null=True, blank=True)
    closed_at = models.DateTimeField("结清时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "发放名册"
        ordering = ["-month", "programme_id", "kind", "batch"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "month", "programme", "kind", "batch"],
                name="payroll_unique_per_month",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}"


def _line_reference(to, *, related_name: str = "+", **options) -> models.ForeignKey:
    """A payroll line's reference to a parent the generator (or the result import) reads in the
    same transaction and that is never deleted: no database constraint, no index of its own
    (see PayrollLine)."""
    return models.ForeignKey(
        to,
        on_delete=models.PROTECT,
        related_name=related_name,
        db_index=False,
        db_constraint=False,
        **options,
    )


class PayrollLine(models.Model):
    """One payment of a payroll, frozen at generation with its signature (line_hash). Its only
    later writes are the bank outcome (exactly one: paid or returned, on amounts)."""

    class Kind(models.TextChoices):
        REGULAR = "regular", "月保障金"
        CARE = "care", "照料护理补贴"
        ARREARS = "arrears", "补发"
        REISSUE = "reissue", "退回重发"
        GRANT = "grant", "一次性救助金"
        YEARLY = "yearly", "年度救助金"

    class Outcome(models.TextChoices):
        PENDING = "pending", "待银行反馈"
        PAID = "paid", "已发放"
        RETURNED = "returned", "退回"

    # Each line is written once, by the generator, from a query that joins the enrolment, the
    # household and the places in the same transaction; the bank's outcome is its only update.
    # So: only the indexes the pages use (each composite index below leads with the column a
    # single-column index would have), and no foreign-key constraint in the database where the
    # parent is read in that same transaction and never deleted (PROTECT refuses ORM deletes,
    # households and enrolments are kept for the audit trail). Measured on 51,750 lines: the
    # deferred constraint checks cost 1.4 s at COMMIT, more than writing the lines; the eight
    # single-column indexes made every outcome update rewrite fourteen index entries.
    payroll = models.ForeignKey(
        Payroll, on_delete=models.PROTECT, related_name="lines", db_index=False
    )
    seq = models.PositiveIntegerField("序号")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    for_month = models.CharField("所属月份", max_length=7)
    enrolment = _line_reference(Enrolment, related_name="lines")
    household = _line_reference("registry.Household")
    township = _line_reference("regions.Region")
    village = _line_reference("regions.Region")
    members = models.PositiveSmallIntegerField("保障人数")
    payee_name = models.CharField("收款人", max_length=40)
    payee_id_cipher = models.TextField(blank=True)
    payee_id_masked = models.CharField("身份证号码", max_length=18, blank=True)
    bank_name = models.CharField("开户银行", max_length=60, blank=True)
    bank_account_cipher = models.TextField(blank=True)
    bank_account_masked = models.CharField("银行账号", max_length=40, blank=True)
    amount = models.DecimalField("发放金额", max_digits=12, decimal_places=2)
    # The approved change whose amount this line pays (null: the enrolment's own amount)
    change = _line_reference(EnrolmentChange, null=True, blank=True)
    arrears = _line_reference("Arrears", null=True, blank=True)
    reissue_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reissued_as"
    )
    line_hash = models.CharField("签名", max_length=64)
    outcome = models.CharField(
        "结果", max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    paid_amount = models.DecimalField("实发金额", max_digits=12, decimal_places=2, default=0)
    returned_amount = models.DecimalField("退回金额", max_digits=12, decimal_places=2, default=0)
    return_reason = models.CharField("退回原因", max_length=100, blank=True)
    # Written by the result import in the transaction that creates the import row.
    result_import = _line_reference("BankResultImport", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "发放明细"
        ordering = ["payroll_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["payroll", "seq"], name="payroll_line_unique_seq"),
            models.CheckConstraint(
                condition=models.Q(outcome="pending", paid_amount=0, returned_amount=0)
                | models.Q(outcome="paid", returned_amount=0)
                | models.Q(outcome="returned", paid_amount=0),
                name="payroll_line_one_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["enrolment", "for_month"]),
            models.Index(fields=["household", "for_month"]),
            models.Index(fields=["payroll", "township"]),
        ]

    def __str__(self) -> str:
        return f"{self.payroll_id}-{self.seq} {self.payee_name} {self.amount}"


class Arrears(models.Model):
    """补发: money due for a month already paid (a standard dated back, a change that rolled),
    paid as a line of the next payroll of its programme."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="arrears")
    for_month = models.CharField("所属月份", max_length=7)
    amount = models.DecimalField("补发金额", max_digits=12, decimal_places=2)
    reason = models.CharField("原因", max_length=200)
    change = models.ForeignKey(
        EnrolmentChange, null=True, blank=True, on_delete=models.PROTECT, related_name="arrears"
    )
    paid_line = models.OneToOneField(
        PayrollLine, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "补发"
        ordering = ["enrolment_id", "for_month"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "for_month", "change"], name="arrears_unique_per_change"
            )
        ]

    def __str__(self) -> str:
        return f"补发{self.for_month} {self.amount}"


class BankLayout(models.Model):
    """The bank's or finance bureau's payment-file layout for a county: which columns, in what
    order, with which headers and encoding (see payments.bankfile.COLUMNS)."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=60)
    columns = models.JSONField("列", default=list)  # column codes in order
    csv_encoding = models.CharField("CSV编码", max_length=10, default="gb18030")
    is_default = models.BooleanField("默认", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "银行代发文件格式"
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="bank_layout_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class BankResultImport(models.Model):
    """One imported bank result file for a payroll; the same file (by hash) imports once."""

    payroll = models.ForeignKey(Payroll, on_delete=models.PROTECT, related_name="result_imports")
    file_name = models.CharField("文件名", max_length=200)
    file_hash = models.CharField("文件摘要", max_length=64)
    rows = models.PositiveIntegerField("行数", default=0)
    paid_count = models.PositiveIntegerField("成功笔数", default=0)
    returned_count = models.PositiveIntegerField("退回笔数", default=0)
    skipped_rows = models.JSONField("未导入的行", default=list, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "银行反馈导入"
        constraints = [
            models.UniqueConstraint(fields=["payroll", "file_hash"], name="bank_result_unique_file")
        ]

    def __str__(self) -> str:
        return self.file_name


class Recovery(models.Model):
    """追回: an overpayment owed back — a death found late (R9), a confirmed wrongful inclusion,
    a fraud decision (S1 art. 68) — with the lines it comes from, on the county's ledger."""

    class Cause(models.TextChoices):
        DEATH = "death", "死亡后仍发放"
        WRONGFUL = "wrongful", "不符合条件（错保）"
        FRAUD = "fraud", "虚报冒领（骗取）"
        OTHER = "other", "其他多发"

    class Status(models.TextChoices):
        PENDING = "pending", "待追回"
        PARTIAL = "partial", "部分追回"
        RECOVERED = "recovered", "已追回"
        WRITTEN_OFF = "written_off", "核销"

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="责任乡镇"
    )
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(
        Enrolment, null=True, blank=True, on_delete=models.PROTECT, related_name="recoveries"
    )
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cause = models.CharField("原因", max_length=10, choices=Cause.choices)
    source = models.CharField("来源", max_length=60, blank=True)  # e.g. 核查发现#12
    months = models.CharField("涉及月份", max_length=200, blank=True)
    lines = models.ManyToManyField(PayrollLine, blank=True, related_name="recoveries")
    amount = models.DecimalField("应追回金额", max_digits=12, decimal_places=2)
    recovered_amount = models.DecimalField("已追回金额", max_digits=12, decimal_places=2, default=0)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    note = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    written_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    written_off_at = models.DateTimeField(null=True, blank=True)
    write_off_reason = models.CharField("核销理由", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "追回"
        ordering = ["-id"]
        indexes = [models.Index(fields=["county", "status"])]

    def __str__(self) -> str:
        return f"追回 {self.amount}（{self.get_status_display()}）"


class RecoveryPayment(models.Model):
    recovery = models.ForeignKey(Recovery, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField("金额", max_digits=12, decimal_places=2)
    paid_on = models.DateField("追回日期")
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "追回记录"
        ordering = ["paid_on", "id"]

    def __str__(self) -> str:
        return f"追回 {self.amount}（{self.paid_on}）"


class Review(models.Model):
    """复核 (S2 art. 31; S6 after a member's death): due by a date, ended by no change, a change
    or an exit."""

    class Reason(models.TextChoices):
        PERIODIC = "periodic", "定期复核"
        DEATH = "death", "家庭成员死亡后复核"
        FINDING = "finding", "核查发现"

    class Outcome(models.TextChoices):
        NO_CHANGE = "no_change", "维持不变"
        CHANGE = "change", "调整"
        EXIT = "exit", "退出"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="reviews")
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("原因", max_length=10, choices=Reason.choices)
    due_on = models.DateField("复核期限")
    outcome = models.CharField("结论", max_length=10, choices=Outcome.choices, blank=True)
    note = models.TextField("复核情况", blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_on = models.DateField("复核日期", null=True, blank=True)
    change = models.ForeignKey(
        EnrolmentChange, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "复核"
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["township", "done_on", "due_on"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}（{self.due_on}前）"


class Referral(models.Model):
    """转介 (R10): an exiting household with a temporary hardship is referred to temporary or
    medical assistance, and the referral is followed to an outcome."""

    class Target(models.TextChoices):
        TEMPORARY = "temporary", "临时救助"
        MEDICAL = "medical", "医疗救助"

    class Status(models.TextChoices):
        OPEN = "open", "待办理"
        ASSISTED = "assisted", "已给予救助"
        DECLINED = "declined", "经核实不予救助"

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(
        Enrolment, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    target = models.CharField("转介至", max_length=10, choices=Target.choices)
    hardship = models.CharField("困难情形", max_length=200)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField("办理结果", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "转介"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"转介{self.get_target_display()}（{self.get_status_display()}）"
