"""Forms of the key pages (系统管理 → 对外接口密钥). They only parse; api.services checks."""

from django import forms

from jiuzhu.core.forms import StyledForm

from .scopes import SCOPES


class KeyCreateForm(StyledForm):
    agency = forms.CharField(
        label="使用单位", max_length=100, help_text="例如：省民政厅核对中心、县公安局"
    )
    purpose = forms.CharField(label="用途", max_length=200, required=False)
    scopes = forms.MultipleChoiceField(
        label="权限范围",
        choices=list(SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="只选对方需要的；推送比对数据还须可读取全县",
    )
    regions = forms.MultipleChoiceField(
        label="可读取的区域",
        widget=forms.CheckboxSelectMultiple,
        help_text="选本县即全县；也可只选部分乡镇（街道）",
    )
    expires_on = forms.DateField(
        label="有效期至",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="留空为长期有效；到期后自动失效",
    )
    rate_per_minute = forms.IntegerField(
        label="每分钟调用上限", min_value=1, max_value=6000, initial=60
    )

    def __init__(self, *args, region_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = region_choices
        for name in ("scopes", "regions"):
            self.fields[name].widget.attrs["class"] = "form-check-input"


class RevokeForm(StyledForm):
    reason = forms.CharField(label="吊销原因", max_length=200)
