"""Labels of the dashboard's audit values (jiuzhu.core.audit_values)."""

from jiuzhu.core.audit_values import register

register(fields={"county": "县（区）", "months": "月份范围"}, actions=("dashboard.",))
