"""系统管理 → 对外接口密钥: the county administrator issues keys (each shown once), sees their
use, and revokes them. Views parse and call api.services, which check the permission and the
county and write the audit record; a key of another county is a 404 here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuzhu.accounts.roles import Perm
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.models import AuditEntry
from jiuzhu.regions.models import Region
from jiuzhu.regions.selectors import children_of

from . import selectors, services
from .forms_keys import KeyCreateForm, RevokeForm

RECENT_CALLS = 30


def _require_admin(request) -> Region:
    region = getattr(request.user, "region", None)
    if not request.user.can(Perm.MANAGE_API_KEYS) or region is None or region.level != "county":
        raise Http404
    return region


def _region_choices(county: Region) -> list[tuple[str, str]]:
    return [(county.code, f"{county.name}（全县）")] + [
        (r.code, r.name) for r in children_of(county) if r.level == "township"
    ]


@login_required
@require_GET
def key_list(request):
    _require_admin(request)
    return render(request, "api/key_list.html", {"keys": selectors.keys_for(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def key_new(request):
    county = _require_admin(request)
    form = KeyCreateForm(request.POST or None, region_choices=_region_choices(county))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = services.api_key_create(
                actor=request.user,
                agency=data["agency"],
                purpose=data["purpose"],
                regions=list(Region.objects.filter(code__in=data["regions"])),
                scopes=data["scopes"],
                expires_on=data["expires_on"],
                rate_per_minute=data["rate_per_minute"],
            )
        except JiuzhuError as exc:
            form.add_error(None, exc.message)
        else:
            # the key, shown once in the answer to the POST (never stored, never in a message)
            return render(
                request, "api/key_created.html", {"key": issued.key, "plaintext": issued.plaintext}
            )
    return render(request, "api/key_new.html", {"form": form})


@login_required
@require_GET
def key_detail(request, pk: int):
    _require_admin(request)
    key = get_object_or_404(selectors.keys_for(request.user), pk=pk)
    calls = AuditEntry.objects.filter(object_type="api.apikey", object_id=str(key.pk)).order_by(
        "-seq"
    )[:RECENT_CALLS]
    return render(
        request,
        "api/key_detail.html",
        {"key": key, "calls": calls, "revoke_form": RevokeForm()},
    )


@login_required
@require_POST
def key_revoke(request, pk: int):
    _require_admin(request)
    key = get_object_or_404(selectors.keys_for(request.user), pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写吊销原因")
        return redirect("apikeys:key_detail", pk=key.pk)
    try:
        services.api_key_revoke(
            actor=request.user, key_id=key.pk, reason=form.cleaned_data["reason"]
        )
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已吊销{key.agency}的密钥 {key.prefix}，立即失效")
    return redirect("apikeys:key_detail", pk=key.pk)
