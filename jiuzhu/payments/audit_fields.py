"""Labels of the payments' audit values: enrolments, changes, payrolls, bank files,
recoveries, reviews and referrals (jiuzhu.core.audit_values)."""

from jiuzhu.core.audit_values import register, register_model

from .bankfile import COLUMNS, ENCODINGS
from .models import (
    Adjustment,
    BankLayout,
    Enrolment,
    EnrolmentChange,
    Payroll,
    Recovery,
    RecoveryPayment,
    Referral,
    Review,
)

register_model(Enrolment, actions=("enrolment.", "change.", "person.death"))
register_model(EnrolmentChange, actions=("change.",))
register(
    fields={
        "late": "逾期顺延",
        "enrolment_status": "保障状态",
        "arrears": "补发金额",
        "application": "申请编号",
        "new_change": "新增变更编号",
        "payroll_month": "计入发放月份",
    },
    values={"enrolment_status": Enrolment.Status.choices},
    money=("arrears",),
    actions=("change.", "enrolment."),
)
register_model(Adjustment, actions=("adjustment.",))
register(
    fields={
        "from_month": "调整起始月份",
        "differences": "差异数",
        "ineligible_skipped": "不再符合条件未调整数",
        "changes": "变更数",
        "arrears": "补发合计",
    },
    money=("arrears",),
    actions=("adjustment.",),
)
register_model(Payroll, actions=("payroll.", "bank."))
register(
    fields={
        "differences": "校验差异数",
        "paid": "已发放笔数",
        "returned": "退回笔数",
        "unchanged": "未变化笔数",
        "line": "发放明细",
        "account": "银行账号",
        "bank_change": "银行账户变更编号",
        "layout": "代发文件格式",
        "columns": "列",
        "csv_encoding": "文本编码",
    },
    values={
        "columns": {code: column.title for code, column in COLUMNS.items()},
        "csv_encoding": ENCODINGS,
        "format": {"xlsx": "Excel表格", "csv": "文本文件（CSV）"},
    },
    actions=("payroll.", "bank."),
)
register_model(BankLayout, actions=("bank.layout_save",))
register_model(Recovery, actions=("recovery.",))
register_model(RecoveryPayment, actions=("recovery.payment",))
register(
    fields={
        "lines": "涉及发放明细",
        "months": "涉及月份",
        "person": "成员编号",
        "enrolment": "保障对象编号",
        "payment": "追回款编号",
        "written_off": "核销金额",
        "recovered_amount": "已追回金额",
    },
    money=("written_off", "recovered_amount"),
    actions=("recovery.",),
)
register_model(Review, actions=("review.",))
register(fields={"reviews": "复核编号", "next_review_on": "下次复核日期"}, actions=("review.",))
register_model(Referral, actions=("referral.",))
register(fields={"enrolment": "保障对象编号"}, actions=("referral.",))
register(fields={"month": "名册月份", "region": "区划"}, actions=("roster.",))
