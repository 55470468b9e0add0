"""Audit values as an officer reads them: Chinese field names and choice labels, not codes."""

from .choices import (
    AssetKind,
    DisabilityType,
    HealthStatus,
    HukouType,
    IncomeCategory,
    LabourCapacity,
    Relation,
)

FIELD_LABELS = {
    "address": "家庭住址",
    "phone": "联系电话",
    "bank_name": "开户银行",
    "bank_account": "银行账号",
    "relation": "与户主关系",
    "hukou_type": "户籍性质",
    "labour_capacity": "劳动能力",
    "disability_type": "残疾类别",
    "disability_grade": "残疾等级",
    "health_status": "健康状况",
    "ethnicity": "民族",
    "category": "类别",
    "kind": "类别",
    "amount": "金额",
    "value": "价值",
    "person": "成员",
    "period": "期间",
    "description": "说明",
    "quantity": "数量",
    "number": "家庭编号",
    "members": "人数",
    "batch": "导入批次",
    "file": "文件",
    "rows": "行数",
    "households": "户数",
    "good_rows": "可导入行数",
    "errors": "错误数",
    "skipped_rows": "未导入行数",
    "sha256": "文件指纹",
    "query": "查询条件",
    "username": "用户名",
    "role": "角色",
    "region": "区划",
    "county": "县（区）",
    "effective_from": "生效日期",
    "note": "依据/说明",
    "programme": "救助项目",
    "area": "城乡",
    "delegated": "下放乡镇",
    "key": "设置项",
    "rate": "比例",
    "fixed": "固定金额",
    "code": "代码",
    "label": "名称",
    "multiple": "倍数",
    "max_amount": "上限",
    "level": "等级",
    "years": "年份",
    "year": "年份",
    "day": "日期",
    "is_workday": "是否上班",
    "name": "名称",
    "passed": "校验通过",
    "broken_seq": "首条不可信记录",
    "anchors": "核对存证文件数",
    "seq": "末条序号",
    "hash": "末条哈希",
}
VALUE_LABELS = {
    "relation": dict(Relation.choices),
    "hukou_type": dict(HukouType.choices),
    "labour_capacity": dict(LabourCapacity.choices),
    "health_status": dict(HealthStatus.choices),
    "disability_type": dict(DisabilityType.choices),
    "category": dict(IncomeCategory.choices),
    "kind": dict(AssetKind.choices),
}


def _value(field: str, value) -> str:
    if value in (None, ""):
        return "（空）" if field not in VALUE_LABELS else VALUE_LABELS[field].get("", "（空）")
    if field == "disability_grade":
        return f"{value}级"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}={v}" for k, v in value.items()) or "（空）"
    return str(VALUE_LABELS.get(field, {}).get(value, value))


def describe_changes(old: dict, new: dict) -> list[tuple[str, str, str]]:
    """(field label, old value, new value) for every field named in either side."""
    fields = list(dict.fromkeys([*old, *new]))
    return [
        (FIELD_LABELS.get(f, f), _value(f, old.get(f)) if f in old else "", _value(f, new.get(f)))
        for f in fields
    ]
