from django.conf import settings
from django.db import models


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("审计记录只能追加，不能修改")

    def delete(self):
        raise TypeError("审计记录只能追加，不能删除")


class AuditEntry(models.Model):
    """Append-only, hash-chained audit trail (ARCHITECTURE rule 4). Written only by core.audit."""

    seq = models.BigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="操作人",
        db_index=False,  # the (actor, seq) index below serves it
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("操作", max_length=80, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    household_id = models.BigIntegerField("相关家庭", null=True, blank=True, db_index=True)
    old = models.JSONField("原值", default=dict, blank=True)
    new = models.JSONField("新值", default=dict, blank=True)
    reason = models.CharField("理由", max_length=500, blank=True)
    ip = models.CharField("IP地址", max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = verbose_name_plural = "审计记录"
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "seq"]),
        ]

    def __str__(self) -> str:
        return f"审计记录#{self.seq}（{self.action}）"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("审计记录只能追加，不能删除")


class AuditHead(models.Model):
    """One row: the last sequence number and hash. Locking it serialises appends; comparing it
    with the table catches truncation of the newest rows. Rows from `keyed_from` on are hashed
    with the audit key (older rows, written before the key existed, with plain SHA-256); `mac`
    authenticates the three values under the key (jiuzhu.core.hashchain)."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    keyed_from = models.BigIntegerField(default=1)
    mac = models.CharField(max_length=64, blank=True, default="")

    def __str__(self) -> str:
        return f"审计链头（第{self.last_seq}条）"


class AuditAnchor(models.Model):
    """An anchor of the audit chain: the head written as a signed file outside the database
    (jiuzhu.core.audit_anchor). The file is the authority; this row lists it for the pages."""

    seq = models.BigIntegerField("存证时末条序号")
    hash = models.CharField("末条哈希", max_length=64)
    count = models.BigIntegerField("记录条数")
    at = models.DateTimeField("存证时间", db_index=True)
    host = models.CharField("服务器", max_length=100, blank=True)
    file_name = models.CharField("存证文件", max_length=200)
    made_by = models.CharField("发起", max_length=150, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = "审计链存证"

    def __str__(self) -> str:
        return f"存证#{self.pk}（第{self.seq}条）"


class AuditCheck(models.Model):
    """One verification of the whole audit chain, its head and every anchor, and its outcome."""

    class Via(models.TextChoices):
        WEB = "web", "网页"
        COMMAND = "command", "命令行"

    at = models.DateTimeField("校验时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="校验人",
    )
    actor_name = models.CharField("校验人账号", max_length=150, blank=True)
    via = models.CharField("方式", max_length=10, choices=Via.choices)
    rows_checked = models.BigIntegerField("校验条数", default=0)
    passed = models.BooleanField("是否通过")
    broken_seq = models.BigIntegerField("首条不可信记录", null=True, blank=True)
    reason = models.CharField("问题", max_length=500, blank=True)
    anchors_checked = models.IntegerField("核对存证数", default=0)
    seconds = models.DecimalField("用时（秒）", max_digits=9, decimal_places=2, default=0)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = "审计链校验"

    def __str__(self) -> str:
        return f"审计链校验#{self.pk}（{'通过' if self.passed else '未通过'}）"


class JobRun(models.Model):
    """A long job: the queue entry the worker claims (`kind` names the registered function,
    `kwargs` its plain JSON arguments) and the record the user sees (progress, outcome, log).
    A running job's worker stamps `heartbeat_at`; a job whose heartbeat stops is failed by the
    reaper (jiuzhu.core.jobs)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        SUCCEEDED = "succeeded", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("任务类型", max_length=60)
    title = models.CharField("任务", max_length=200)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.QUEUED)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.IntegerField("总数", default=0)
    done = models.IntegerField("已处理", default=0)
    message = models.CharField("说明", max_length=500, blank=True)
    log = models.TextField("日志", blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    kwargs = models.JSONField("参数", default=dict, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    worker = models.CharField("执行进程", max_length=100, blank=True)  # host:pid
    client_ip = models.CharField("发起地址", max_length=45, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "后台任务"
        indexes = [
            # the queue and the reaper look only at open jobs
            models.Index(
                fields=["status", "id"],
                name="core_jobrun_open",
                condition=models.Q(status__in=["queued", "running"]),
            )
        ]

    def __str__(self) -> str:
        return f"任务#{self.pk}（{self.title}）"


class HolidayDay(models.Model):
    """A day that differs from plain Monday–Friday: a weekday holiday or a weekend workday (调休)."""

    day = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否上班")
    name = models.CharField("名称", max_length=40, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = verbose_name_plural = "节假日与调休"

    def __str__(self) -> str:
        return f"{self.day}{'上班' if self.is_workday else '休息'}（{self.name}）"


class HolidayYear(models.Model):
    """A year whose State Council holiday notice has been entered; other years count Mon–Fri."""

    year = models.IntegerField("年份", unique=True)
    source = models.CharField("来源", max_length=100)
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year"]
        verbose_name = verbose_name_plural = "已录入节假日的年份"

    def __str__(self) -> str:
        return f"{self.year}年"


class RowGone(models.Model):
    """A row that may have left its table or its county (PostgreSQL only, written by triggers:
    core.rowxid): deleted, moved to another county, or with `row_id` empty, every row of the
    table (TRUNCATE). The cross-check runs' copy drops such rows without counting the whole
    table (jiuzhu.crosscheck.mirror)."""

    table_name = models.CharField("数据表", max_length=63)
    row_id = models.BigIntegerField("行主键", null=True, blank=True)  # empty: the table was emptied
    xid = models.BigIntegerField("数据库事务")

    class Meta:
        verbose_name = "已移出的行"
        indexes = [models.Index(fields=["table_name", "xid"], name="core_rowgone_since")]

    def __str__(self) -> str:
        return f"{self.table_name}#{self.row_id if self.row_id is not None else '全部'}"
