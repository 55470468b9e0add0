"""Labels of the accounts' audit values (jiuzhu.core.audit_values)."""

from jiuzhu.core.audit_values import register

from .roles import ROLE_LABELS

register(
    fields={
        "username": "账号",
        "role": "角色",
        "cleared": "解除锁定记录数",
        "removed": "删除的令牌数",
        "failures": "失败次数",
        "window_minutes": "统计时段（分钟）",
        "cooloff_minutes": "暂停时长（分钟）",
        "users": "账号",
        "is_active": "账号在用",
    },
    values={"role": {role.value: label for role, label in ROLE_LABELS.items()}},
    actions=("user.", "demo."),
)
