"""Labels of the demo generator's audit values (jiuzhu.core.audit_values)."""

from jiuzhu.core.audit_values import register

register(
    fields={
        "applications": "申请数",
        "assets": "财产记录数",
        "incomes": "收入记录数",
        "dibao_households": "低保户数",
        "extreme_poverty": "特困人员数",
        "gradual": "渐退户数",
        "in_payroll": "纳入发放户数",
        "part": "生成部分",
        "refused": "不予确认数",
        "stopped": "停保数",
        "suspended": "暂停数",
        "users": "演示账号",
    },
    actions=("demo.",),
)
