from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from jiuzhu.accounts.roles import Perm
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.regions.selectors import county_of

from . import selectors, services
from .catalogue import SettingKey
from .forms import StandardForm


@login_required
def overview(request):
    """Every parameter in force today for the user's county, with the standards' history."""
    if not request.user.can(Perm.VIEW_SETTINGS) or request.user.region is None:
        raise Http404
    county, today = county_of(request.user.region), timezone.localdate()
    can_manage = request.user.can(Perm.MANAGE_SETTINGS) and request.user.region_id == county.pk
    form = StandardForm(request.POST or None) if can_manage else None
    if form is not None and request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.standard_set(actor=request.user, county=county, programme_code=d["programme"],
                                  area=d["area"], amount=d["amount"], period=d["period"],
                                  effective_from=d["effective_from"], note=d["note"])
        except JiuzhuError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "保障标准已保存，并记入审计记录")
            return redirect("programmes:overview")
    delegated = selectors.delegated_programmes(county=county, on=today)
    settings_now = [(label, selectors.setting_value(county=county, key=key, on=today))
                    for key, (label, _) in SettingKey.LABELS.items()]
    return render(request, "programmes/overview.html", {
        "county": county, "today": today, "form": form,
        "standards": selectors.standards_overview(county=county),
        "programmes": selectors.programmes_with_delegation(delegated),
        "settings_now": settings_now,
        "tiers": selectors.temporary_tiers_in_force(county=county, on=today),
        "add_ons": selectors.add_ons_in_force(county=county, on=today),
        "care_rates": selectors.care_rates_in_force(county=county, on=today),
    })
