"""Labels of the cross-checks' audit values: snapshots, runs and findings, check names and
the finding's status and handling (jiuzhu.core.audit_values)."""

from jiuzhu.core.audit_values import register, register_model

from .checks import LABELS as CHECK_LABELS
from .models import CheckRun, Finding, RegistrySnapshot

register_model(RegistrySnapshot, actions=("crosscheck.snapshot_",))
register(
    fields={
        "kind": "数据类别",
        "as_of": "数据截止日期",
        "replaced_snapshot": "被替换的数据编号",
        "replaced_as_of": "被替换数据截止日期",
        "replaced_rows": "被替换数据行数",
        "replaced_townships": "被替换数据覆盖乡镇数",
        "townships": "覆盖乡镇数",
    },
    actions=("crosscheck.snapshot_",),
)
register_model(CheckRun, actions=("crosscheck.run",))
register(
    fields={
        "month": "比对月份",
        "new": "新发现数",
        "review": "待人工比对数",
        "known": "已有发现数",
        "snapshots": "使用的比对数据",
    },
    actions=("crosscheck.run",),
)
register_model(Finding, actions=("crosscheck.finding_",))
register(
    fields={
        "check": "核查项目",
        "snapshot": "比对数据编号",
        "ref_row": "比对数据行号",
        "same_person": "是同一人",
        "assignee": "核实人",
        "verdict": "核实属实",
        "attachment": "核实附件",
        "action": "处置方式",
        "new_amount": "减发后月保障金额",
        "application": "纳入的申请",
        "rectification_ref": "整改台账编号",
        "recovery": "追回编号",
        "file": "核实附件",
    },
    values={"check": CHECK_LABELS, "check_code": CHECK_LABELS, "action": Finding.Action.choices},
    money=("new_amount",),
    actions=("crosscheck.finding_", "crosscheck.attachment_view"),
)
