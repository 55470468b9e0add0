"""The service-purchase register's form: types and formats only; the rules stay in
jiuzhu.reports.purchases, whose Chinese errors the view shows."""

from __future__ import annotations

from django import forms

from jiuzhu.core.forms import StyledForm

from .models import ServicePurchase

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class PurchaseForm(StyledForm):
    township = forms.TypedChoiceField(label="服务乡镇（街道）", coerce=int)
    contract_number = forms.CharField(label="合同编号", max_length=60)
    provider = forms.CharField(label="承接社会组织", max_length=100)
    content_kind = forms.ChoiceField(
        label="服务类别", choices=[("", "请选择"), *ServicePurchase.Content.choices]
    )
    content = forms.CharField(label="服务内容", max_length=200)
    amount = forms.DecimalField(label="合同金额（元）", max_digits=14, decimal_places=2)
    start_on = forms.DateField(label="服务期起", widget=_DATE)
    end_on = forms.DateField(label="服务期止", widget=_DATE)
    persons_served = forms.IntegerField(label="服务对象人数", min_value=0, max_value=10_000_000)

    def __init__(self, *args, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = [("", "请选择")] + [(t.pk, t.name) for t in townships]
