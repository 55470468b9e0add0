"""系统管理 → 用户: the county administrator's account pages. Views parse and call the services
(accounts.services), which check the permission, the county and the rules and write the audit
record; an account outside the administrator's county is a 404 here, before any service runs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuzhu.core import params
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.models import AuditEntry
from jiuzhu.regions.models import Region

from . import selectors, services
from .forms_admin import ROLE_CHOICES, PasswordForm, ReasonForm, UserCreateForm, UserEditForm
from .jurisdiction import covers
from .roles import Perm

PAGE_SIZE = 50


def _require_admin(request) -> None:
    if not request.user.can(Perm.MANAGE_USERS):
        raise Http404


def _filters(request) -> dict:
    """The list's filters from the query string; an unknown value is ignored."""
    role = params.text_param(request.GET, "role", max_length=30)
    status = params.text_param(request.GET, "status", max_length=10)
    code = params.text_param(request.GET, "region", max_length=12)
    region = Region.objects.filter(code=code).first() if code.isdigit() else None
    return {
        "role": role if role in dict(ROLE_CHOICES) else "",
        "status": status if status in selectors.STATUS_LABELS else "",
        "region": region if region is not None and covers(request.user, region) else None,
    }


@login_required
@require_GET
def user_list(request):
    _require_admin(request)
    chosen = _filters(request)
    users = selectors.filter_users(selectors.managed_users(request.user), **chosen)
    page = Paginator(users, PAGE_SIZE).get_page(params.int_param(request.GET, "page"))
    page.object_list = selectors.with_status(page.object_list)
    query = {
        "role": chosen["role"],
        "status": chosen["status"],
        "region": chosen["region"].code if chosen["region"] else "",
    }
    return render(
        request,
        "accounts/admin/user_list.html",
        {
            "page": page,
            "chosen": chosen,
            "query": urlencode({k: v for k, v in query.items() if v}),
            "roles": ROLE_CHOICES,
            "statuses": selectors.STATUS_LABELS.items(),
            "regions": selectors.region_choices(request.user)[:2],
        },
    )


def _password_shown(request, user, password: str, *, created: bool):
    """The password, shown once, in the response to the POST (never stored in a message)."""
    return render(
        request,
        "accounts/admin/password_shown.html",
        {"account": user, "password": password, "created": created},
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_new(request):
    _require_admin(request)
    choices = selectors.region_choices(request.user)
    form = UserCreateForm(request.POST or None, region_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = data["password"] or services.initial_password()
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                role=data["role"],
                region_code=data["region"],
                password=password,
                full_name=data["full_name"],
                unit=data["unit"],
            )
        except JiuzhuError as exc:
            form.add_error(None, exc.message)
        else:
            if data["password"]:
                messages.success(request, f"已创建账号 {user.username}（{user.display_name}）。")
                return HttpResponseRedirect(_detail_url(user), status=303)
            return _password_shown(request, user, password, created=True)
    return render(request, "accounts/admin/user_new.html", {"form": form})


def _detail_url(user) -> str:
    return reverse("sysadmin:user_detail", args=[user.pk])


def _history(user):
    entries = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk))
    return entries.select_related("actor").order_by("-seq")[:20]


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request, pk: int):
    """One account: its state, the edit form (POST saves it) and the action buttons."""
    _require_admin(request)
    user = selectors.managed_user_get(request.user, pk)
    [user] = selectors.with_status([user])
    initial = {
        "full_name": user.full_name,
        "role": user.role,
        "region": user.region.code,
        "unit": user.unit,
    }
    form = UserEditForm(
        request.POST or None,
        initial=initial,
        region_choices=selectors.region_choices(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=request.user,
                username=user.username,
                role=data["role"],
                region_code=data["region"],
                full_name=data["full_name"],
                unit=data["unit"],
            )
        except JiuzhuError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存账号信息。")
            return HttpResponseRedirect(_detail_url(user), status=303)
    return render(
        request,
        "accounts/admin/user_detail.html",
        {
            "account": user,
            "form": form,
            "password_form": PasswordForm(),
            "reason_form": ReasonForm(),
            "is_self": user.pk == request.user.pk,
            "history": _history(user),
        },
    )


# action → (service, message on success)
_ACTIONS = {
    "unlock": (services.user_unlock, "已解除账号锁定，可以重新登录。"),
    "reset-otp": (services.user_reset_otp, "已重置手机令牌，下次登录时重新绑定。"),
    "deactivate": (services.user_deactivate, "已停用该账号。"),
    "reactivate": (services.user_reactivate, "已恢复启用该账号。"),
}


@login_required
@require_POST
def user_action(request, pk: int, action: str):
    _require_admin(request)
    if action not in _ACTIONS:
        raise Http404
    user = selectors.managed_user_get(request.user, pk)
    service, done = _ACTIONS[action]
    kwargs = {"actor": request.user, "username": user.username}
    if action in ("deactivate", "reactivate"):
        form = ReasonForm(request.POST)
        kwargs["reason"] = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        service(**kwargs)
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(_detail_url(user), status=303)


@login_required
@require_POST
def user_password(request, pk: int):
    _require_admin(request)
    user = selectors.managed_user_get(request.user, pk)
    form = PasswordForm(request.POST)
    typed = form.cleaned_data["password"] if form.is_valid() else ""
    password = typed or services.initial_password()
    try:
        services.user_set_password(actor=request.user, username=user.username, password=password)
    except JiuzhuError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(_detail_url(user), status=303)
    if typed:
        messages.success(request, "已重设密码。")
        return HttpResponseRedirect(_detail_url(user), status=303)
    return _password_shown(request, user, password, created=False)
