"""近亲属备案 pages (R5): the county's declarations and the form to record one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from jiuzhu.accounts.roles import Perm
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.registry.models import KinDeclaration

from . import selectors
from .kin_services import kin_declare
from .kinship import KIN_LABELS


class KinForm(forms.Form):
    declarant_name = forms.CharField(label="申报人姓名", max_length=40)
    declarant_role = forms.ChoiceField(label="申报人身份", choices=KinDeclaration.Role.choices)
    declarant_unit = forms.CharField(label="工作单位及职务", max_length=100)
    relative_name = forms.CharField(label="亲属姓名", max_length=40)
    relative_id_number = forms.CharField(label="亲属身份证号码", max_length=20)
    kin = forms.ChoiceField(
        label="与申报人关系", choices=[(k.value, label) for k, label in KIN_LABELS.items()]
    )
    declared_on = forms.DateField(label="申报日期", widget=forms.DateInput(attrs={"type": "date"}))


@login_required
def kin_list(request):
    user = request.user
    if not user.can(Perm.VIEW_CASES) or user.region is None:
        raise Http404
    form = KinForm(request.POST or None) if user.can(Perm.DECLARE_KIN) else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            kin_declare(actor=user, **form.cleaned_data)
        except JiuzhuError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, "近亲属备案已登记；该亲属家庭正在办理的申请已标记“单独登记备案”"
            )
            return redirect("cases:kin_list")
    declarations = selectors.kin_declarations_for(user)[:500]
    labels = {k.value: label for k, label in KIN_LABELS.items()}
    rows = [(d, labels.get(d.kin, d.kin)) for d in declarations]
    return render(request, "cases/kin_list.html", {"form": form, "rows": rows})
