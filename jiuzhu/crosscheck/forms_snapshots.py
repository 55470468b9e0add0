from django import forms
from django.utils import timezone

from .models import KIND_CHOICES


class SnapshotUploadForm(forms.Form):
    kind = forms.ChoiceField(label="数据类别", choices=KIND_CHOICES)
    as_of = forms.DateField(label="数据截止日期", widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(
        label="提供单位",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：县公安局户政大队"}),
    )
    file = forms.FileField(label="数据文件（.xlsx 或 .csv）")

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of > timezone.localdate():
            raise forms.ValidationError("数据截止日期不能晚于今天")
        return as_of
