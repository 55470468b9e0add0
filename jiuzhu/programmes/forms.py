from django import forms

from .models import Programme, Standard


class StandardForm(forms.Form):
    programme = forms.ChoiceField(label="救助项目")
    area = forms.ChoiceField(label="城乡", choices=Standard.Area.choices)
    amount = forms.CharField(label="标准（元）", max_length=20)
    period = forms.ChoiceField(label="单位", choices=Standard.Period.choices)
    effective_from = forms.DateField(label="生效日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="依据（文件名称、文号）", max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = list(Programme.objects.values_list("code", "name"))
