"""The public complaint form (/gongkai/jubao/, no login) and the tracking page: a complaint
becomes a clue (channel 公开页面投诉) through the service, acting as a system actor; the
tracking page shows its status, the reply and the conclusion, never internal notes, staff
names or anyone's personal data."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from jiuzhu.accounts.system import system_actor
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.middleware import client_ip
from jiuzhu.supervision import clues, public_throttle
from jiuzhu.supervision.clue_selectors import clue_by_tracking_code, public_villages
from jiuzhu.supervision.forms_clues import (
    PublicComplaintForm,
    TrackForm,
    challenge_passed,
    new_challenge,
)
from jiuzhu.supervision.models import Clue

RATE_LIMITED = "今天从您所在网络提交的投诉举报已达上限，请明天再提交，或拨打投诉举报电话。"
WRONG_ANSWER = "验证问题回答错误，请重新计算后提交。"


def _form_page(request, form, *, error: str = "", status: int = 200):
    question, token = new_challenge()  # a new question each time the form is shown
    if form.is_bound:
        form.is_valid()  # the errors of what was sent, before the question is replaced
        form.data = form.data.copy()
        form.data["challenge"], form.data["answer"] = token, ""
    else:
        form.initial["challenge"] = token
    return render(
        request,
        "supervision/public_complaint.html",
        {"form": form, "question": question, "error": error},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def complaint_form(request):
    villages = public_villages()
    if request.method != "POST":
        return _form_page(request, PublicComplaintForm(villages=villages))
    form = PublicComplaintForm(request.POST, villages=villages)
    ip = client_ip(request)
    if not public_throttle.allowed(ip):
        return _form_page(request, form, error=RATE_LIMITED, status=429)
    public_throttle.count(ip)
    if not form.is_valid():
        return _form_page(request, form)
    data = form.cleaned_data
    if not challenge_passed(data["challenge"], data["answer"]):
        return _form_page(request, form, error=WRONG_ANSWER)
    try:
        clue = clues.clue_register(
            actor=system_actor("public"),
            channel=Clue.Channel.PUBLIC_FORM,
            received_on=_today(),
            category=data["category"],
            subject_kind=Clue.Subject.VILLAGE,
            village_id=data["village"],
            content=data["content"],
            complainant_name=data["name"],
            complainant_phone=data["phone"],
        )
    except JiuzhuError as exc:
        return _form_page(request, form, error=exc.message)
    return render(request, "supervision/public_complaint_done.html", {"clue": clue})


def _today():
    return timezone.localdate()


@require_http_methods(["GET", "POST"])
def complaint_track(request):
    """Reads only: the code is posted so it stays out of addresses and server logs."""
    form = TrackForm(request.POST or None)
    clue, looked = None, False
    if request.method == "POST" and form.is_valid():
        looked = True
        clue = clue_by_tracking_code(form.cleaned_data["code"])
    return render(
        request,
        "supervision/public_track.html",
        {"form": form, "clue": clue, "looked": looked},
    )
