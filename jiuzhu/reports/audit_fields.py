"""Labels of the reports' audit values (jiuzhu.core.audit_values)."""

from jiuzhu.core.audit_values import register, register_model

from .models import SealedMonth, ServicePurchase

register_model(ServicePurchase, actions=("reports.purchase",))
register_model(SealedMonth, actions=("reports.seal",))
register(
    fields={
        "form": "报表",
        "region": "地区",
        "period": "统计期",
        "column": "栏目",
        "row": "行",
        "rows": "导出行数",
        "forms": "封存报表数",
        "township": "服务乡镇（街道）",
        "provider": "承接社会组织",
        "amount": "合同金额",
        "persons_served": "服务对象人数",
    },
    actions=("reports.",),
)
