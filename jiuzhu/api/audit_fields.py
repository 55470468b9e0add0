"""Labels of the API's audit values (jiuzhu.core.audit_values)."""

from jiuzhu.core.audit_values import register

register(
    fields={
        "agency": "使用单位",
        "key_prefix": "密钥前缀",
        "scopes": "权限范围",
        "regions": "可读取的区域",
        "expires_on": "有效期至",
        "rate_per_minute": "每分钟调用上限",
        "status": "状态",
        "method": "请求方法",
        "endpoint": "接口地址",
        "status_code": "响应状态码",
        "region": "区域代码",
        "month": "月份",
        "form_code": "报表代码",
    },
    values={"status": {"active": "有效", "revoked": "已吊销"}},
    actions=("api.",),
)
