"""Labels of the clues' and the rectification ledger's audit values (jiuzhu.core.audit_values)."""

from jiuzhu.core.audit_values import register, register_model

from .models import Clue, RectificationItem, TypicalCaseReport

register_model(Clue, actions=("clue.",))
register(
    fields={
        "anonymous": "匿名反映",
        "cases_marked": "列入县级必查的申请数",
        "day": "计算日期",
        "changed": "标记变化的线索数",
        "overdue": "逾期线索数",
        "near_due": "临近到期线索数",
        "rows": "导出行数",
        "query": "筛选条件",
    },
    values={"anonymous": {"True": "是", "False": "否"}},
    actions=("clue.",),
)

register_model(RectificationItem, actions=("rectification.",))
register(
    fields={
        "attachment": "整改佐证材料",
        "file": "附件",
        "day": "计算日期",
        "changed": "标记变化的整改事项数",
        "overdue": "逾期整改事项数",
        "rows": "导出行数",
        "query": "筛选条件",
    },
    actions=("rectification.",),
)

register_model(TypicalCaseReport, actions=("typical.",))
register(
    fields={
        "month": "月份",
        "source": "案例来源",
        "text": "案例简述",
        "cases": "典型案例数",
        "zero_report": "零报告",
        "zero_explanation": "零报告情况说明",
        "rows": "导出行数",
        "file": "导出格式",
    },
    values={"zero_report": {"True": "是", "False": "否"}},
    actions=("typical.",),
)
