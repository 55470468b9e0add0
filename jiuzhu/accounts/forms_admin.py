"""Forms of the 系统管理 pages: accounts and the holiday calendar. They only parse; the services
check permission, jurisdiction and the rules."""

from django import forms
from django.core.validators import RegexValidator

from jiuzhu.core.forms import StyledForm
from jiuzhu.core.holiday_lines import MAX_LINES, MAX_NAME

from .roles import ROLE_LABELS, STAFF_ROLES

ROLE_CHOICES = [(r.value, ROLE_LABELS[r]) for r in STAFF_ROLES]
USERNAME_HELP = "字母、数字和 . _ -，登录时使用，创建后不能修改"


class _AccountFields(StyledForm):
    full_name = forms.CharField(label="姓名", max_length=40)
    role = forms.ChoiceField(label="角色", choices=ROLE_CHOICES)
    region = forms.ChoiceField(
        label="管辖区域",
        help_text="县级角色选本县；乡镇角色选乡镇（街道）；村（居）委会协办人员选村（社区）",
    )
    unit = forms.CharField(label="工作单位", max_length=100, required=False)

    def __init__(self, *args, region_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "请选择"), *region_choices]


class UserCreateForm(_AccountFields):
    username = forms.CharField(
        label="用户名",
        max_length=40,
        help_text=USERNAME_HELP,
        validators=[RegexValidator(r"^[A-Za-z0-9._-]+$", "用户名只能包含字母、数字和 . _ -")],
    )
    password = forms.CharField(
        label="初始密码",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="留空则由系统生成，只显示一次；至少10位，不能全是数字或常见密码",
    )
    field_order = ["full_name", "username", "role", "region", "unit", "password"]


class UserEditForm(_AccountFields):
    pass


class PasswordForm(StyledForm):
    password = forms.CharField(
        label="新密码",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="留空则由系统生成，只显示一次",
    )


class ReasonForm(StyledForm):
    reason = forms.CharField(label="理由", max_length=200, required=False)


class HolidayDayForm(StyledForm):
    day = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label="类别",
        choices=[("0", "放假（休）"), ("1", "调休上班（班）")],
        coerce=lambda v: v == "1",
    )
    name = forms.CharField(label="名称", max_length=MAX_NAME, required=False)


class HolidayPasteForm(StyledForm):
    text = forms.CharField(
        label="批量录入",
        max_length=MAX_LINES * 60,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
    )


class HolidayConfirmForm(StyledForm):
    source = forms.CharField(
        label="依据",
        max_length=100,
        initial="国务院办公厅关于节假日安排的通知",
        help_text="如通知的文号",
    )
