"""Forms of the rectification ledger's pages: types and formats only; the rules stay in the
services (jiuzhu.supervision.rectification), whose Chinese errors the views show."""

from __future__ import annotations

from django import forms

from jiuzhu.core.forms import StyledForm

from .models import RectificationItem

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
_TEXT = {"rows": 3}


def _blank(choices) -> list[tuple]:
    return [("", "请选择"), *choices]


class ItemOpenForm(StyledForm):
    source = forms.ChoiceField(label="问题来源", choices=_blank(RectificationItem.Source.choices))
    township = forms.TypedChoiceField(label="问题所在乡镇（街道）", coerce=int, required=False)
    problem = forms.CharField(label="问题描述", widget=forms.Textarea(attrs=_TEXT), max_length=2000)
    measure = forms.CharField(label="整改措施", widget=forms.Textarea(attrs=_TEXT), max_length=2000)
    responsible = forms.TypedChoiceField(label="责任单位和责任人", coerce=int)
    deadline_days = forms.IntegerField(
        label="整改时限（工作日数）", min_value=1, max_value=250, required=False
    )
    deadline = forms.DateField(label="或整改时限（日期）", widget=_DATE, required=False)
    clue = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    finding = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    spot_check = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, townships=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = [("", "（按关联的线索或核查发现确定）")] + [
            (t.pk, t.name) for t in townships
        ]
        self.fields["responsible"].choices = _blank(
            [(u.pk, f"{u.region.name} {u.display_name}") for u in people]
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class SubmitFixForm(StyledForm):
    note = forms.CharField(label="整改情况", widget=forms.Textarea(attrs=_TEXT), max_length=2000)
    files = forms.FileField(
        label="佐证材料（PDF、图片、Excel或Word，可多选）",
        widget=MultipleFileInput(attrs={"multiple": True}),
        required=False,
    )


class VerifyForm(StyledForm):
    note = forms.CharField(label="核验意见", widget=forms.Textarea(attrs=_TEXT), max_length=2000)


class ReturnForm(StyledForm):
    reason = forms.CharField(label="退回理由", widget=forms.Textarea(attrs=_TEXT), max_length=2000)
