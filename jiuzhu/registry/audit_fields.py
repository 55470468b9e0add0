"""Labels of the registry's audit values: household and person fields, income and asset
facts, import batches, kin declarations (jiuzhu.core.audit_values)."""

from jiuzhu.core.audit_values import register, register_model

from .models import AssetFact, Household, ImportBatch, IncomeFact, KinDeclaration, Person

register_model(Household, exclude=("number",))
register_model(Person)
register_model(IncomeFact, actions=("income.",))
register_model(AssetFact, actions=("asset.",))
register_model(ImportBatch, actions=("import.",))
register_model(KinDeclaration, actions=("kin.",))
register(
    fields={
        "phone": "联系电话",
        "bank_account": "银行账号",
        "category": "类别",
        "value": "价值",
        "person": "成员",
        "period": "期间",
        "description": "说明",
        "quantity": "数量",
        "batch": "导入批次",
        "number": "家庭编号",
        "died_on": "死亡日期",
        "names": "成员姓名",
        "facts": "收入财产记录数",
    },
    formats={"disability_grade": lambda grade: f"{grade}级"},
)
register(fields={"value": "价值"}, money=("value",), actions=("asset.",))
register(
    fields={
        "declarant": "申报人",
        "role": "申报人身份",
        "relative": "亲属身份证号码",
        "open_cases_marked": "单独登记备案的在办申请数",
    },
    values={"role": KinDeclaration.Role.choices},
    actions=("kin.",),
)
