"""Labels of the cases' audit values: case statuses, levels, step records, spot checks
(jiuzhu.core.audit_values)."""

from django.contrib.auth import get_user_model

from jiuzhu.core.audit_values import actor_label, register, register_model

from .kinship import KIN_LABELS
from .models import (
    Application,
    CaseComplaint,
    SelfCareAssessment,
    SpotCheckDraw,
    SpotCheckVisit,
    SupporterRecord,
    Verification,
)
from .workflow import STATUS_LABELS


def _people(usernames) -> str:
    """Investigators are recorded by account: shown by name and role."""
    names = [u for u in (usernames if isinstance(usernames, list) else [usernames]) if u]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    return "、".join(actor_label(users[n]) if n in users else "（已删除的账号）" for n in names)


register_model(Application, actions=("case.",))
register(
    fields={
        "level": "审核确认层级",
        "eligible": "符合条件",
        "extended": "延长办理期限",
        "missing": "缺少材料",
        "investigators": "调查人",
        "visited_on": "调查日期",
        "start_on": "公示开始日期",
        "stop_reason": "计算结果",
        "continue_reason": "继续办理的理由",
        "calculation_error": "计算未完成的原因",
        "votes_for": "同意票数",
        "votes_against": "反对票数",
        "held_on": "会议日期",
        "received_on": "收到日期",
        "kin": "近亲属关系",
    },
    values={
        "status": {s.value: label for s, label in STATUS_LABELS.items()},
        "kin": {k.value: label for k, label in KIN_LABELS.items()},
        "level": Application._meta.get_field("confirming_level").choices,
    },
    money=("amount", "requested_amount", "monthly_amount"),
    formats={"investigators": _people},
    actions=("case.",),
)
register(values={"kin": {k.value: label for k, label in KIN_LABELS.items()}}, actions=("kin.",))
register_model(Verification, actions=("case.record_verification", "case.verification_objection"))
register_model(CaseComplaint, actions=("case.complaint",))
register_model(SelfCareAssessment, actions=("case.self_care_assess",))
register_model(SupporterRecord, actions=("case.supporter_add",))
register(fields={"age": "年龄"}, actions=("case.supporter_add",))
register_model(SpotCheckDraw, actions=("spotcheck.draw",))
register_model(SpotCheckVisit, actions=("spotcheck.visit",))
register(
    fields={
        "cases": "应抽查案件数",
        "selected": "抽中案件数",
        "fraction": "抽查比例",
        "period": "期间",
        "draw": "抽查批次",
    },
    actions=("spotcheck.",),
)
