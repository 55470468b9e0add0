"""Forms of the clue pages and the public complaint form: types and formats only; the rules
stay in the services (jiuzhu.supervision.clues), whose Chinese errors the views show."""

from __future__ import annotations

import hashlib
import secrets

from django import forms
from django.core import signing

from jiuzhu.core.forms import StyledForm

from .models import Clue

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
_TEXT = {"rows": 3}


def _blank(choices) -> list[tuple[str, str]]:
    return [("", "请选择"), *choices]


class ClueRegisterForm(StyledForm):
    channel = forms.ChoiceField(label="线索来源", choices=_blank(Clue.Channel.choices))
    received_on = forms.DateField(label="受理日期", widget=_DATE)
    category = forms.ChoiceField(label="问题类别", choices=_blank(Clue.Category.choices))
    subject_kind = forms.ChoiceField(label="反映对象类型", choices=_blank(Clue.Subject.choices))
    village = forms.TypedChoiceField(label="所在村（社区）", coerce=int, required=False)
    household_number = forms.CharField(label="涉及家庭编号（可选）", max_length=20, required=False)
    subject_name = forms.CharField(label="反映对象姓名或名称", max_length=60, required=False)
    content = forms.CharField(label="反映内容", widget=forms.Textarea(attrs=_TEXT), max_length=4000)
    complainant_name = forms.CharField(label="反映人姓名（可匿名）", max_length=40, required=False)
    complainant_phone = forms.CharField(label="反映人电话（可不填）", max_length=20, required=False)
    finding = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", "（按涉及家庭确定）")] + [
            (v.pk, f"{v.parent.name} {v.name}") for v in villages
        ]


class AssignForm(StyledForm):
    assignee = forms.TypedChoiceField(label="承办人", coerce=int)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = _blank(
            [(u.pk, f"{u.region.name} {u.display_name}") for u in people]
        )


class InvestigateForm(StyledForm):
    notes = forms.CharField(
        label="调查核实情况", widget=forms.Textarea(attrs=_TEXT), max_length=2000
    )


class ReplyForm(StyledForm):
    reply_text = forms.CharField(
        label="答复内容", widget=forms.Textarea(attrs=_TEXT), max_length=2000
    )
    replied_on = forms.DateField(label="答复日期", widget=_DATE, required=False)


class CloseForm(StyledForm):
    conclusion = forms.ChoiceField(
        label="办理结论", choices=_blank(Clue.Conclusion.choices), required=False
    )
    measures = forms.CharField(
        label="处理措施", widget=forms.Textarea(attrs=_TEXT), max_length=2000, required=False
    )


class HandoverForm(StyledForm):
    evidence = forms.CharField(
        label="移交材料（证据）", widget=forms.Textarea(attrs=_TEXT), max_length=4000
    )


class ProgressForm(StyledForm):
    note = forms.CharField(label="办理进展", widget=forms.Textarea(attrs=_TEXT), max_length=2000)


class ConcludeForm(StyledForm):
    result = forms.CharField(label="处理结果", widget=forms.Textarea(attrs=_TEXT), max_length=2000)


# --- the public form ---------------------------------------------------------------------

CHALLENGE_SALT = "jiuzhu.supervision.complaint-challenge"
CHALLENGE_MAX_AGE = 3600  # seconds a question stays valid


def _answer_hash(nonce: str, answer: int) -> str:
    return hashlib.sha256(f"{nonce}:{answer}".encode()).hexdigest()[:16]


def new_challenge() -> tuple[str, str]:
    """(the question, its signed and timestamped token): a sum of two small numbers, which
    works offline and needs no third-party captcha."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_hex(8)
    token = signing.TimestampSigner(salt=CHALLENGE_SALT).sign_object(
        {"n": nonce, "h": _answer_hash(nonce, a + b), "q": f"{a} + {b}"}
    )
    return f"{a} + {b} = ?", token


def challenge_passed(token: str, answer: str) -> bool:
    try:
        data = signing.TimestampSigner(salt=CHALLENGE_SALT).unsign_object(
            token, max_age=CHALLENGE_MAX_AGE
        )
        return _answer_hash(data["n"], int(answer.strip())) == data["h"]
    except (signing.BadSignature, ValueError, KeyError, TypeError, AttributeError):
        return False


class PublicComplaintForm(StyledForm):
    village = forms.TypedChoiceField(label="问题所在村（社区）", coerce=int)
    category = forms.ChoiceField(label="问题类别", choices=_blank(Clue.Category.choices))
    content = forms.CharField(
        label="反映内容", widget=forms.Textarea(attrs={"rows": 5}), max_length=2000
    )
    name = forms.CharField(label="您的姓名（可不填）", max_length=40, required=False)
    phone = forms.CharField(label="联系电话（可不填）", max_length=20, required=False)
    answer = forms.CharField(label="验证问题", max_length=4)
    challenge = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = _blank(
            [(v.pk, f"{v.parent.name} {v.name}") for v in villages]
        )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
            raise forms.ValidationError("请填写正确的电话号码，或不填")
        return phone


class TrackForm(StyledForm):
    code = forms.CharField(label="查询码", max_length=24)
