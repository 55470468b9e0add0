"""The public portal (R18): no login, read-only (GET and HEAD only; nothing is written, not even
a session), on a phone as on a desk. What is shown is decided in selectors.py."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from jiuzhu.programmes.models import Standard

from . import page_cache, selectors

COMPLAINT_FORM = "/gongkai/jubao/"  # jiuzhu.supervision's public form, by path (no import)


def _common(county) -> dict:
    return {"county": county, "hotline": selectors.hotline(), "complaint_url": COMPLAINT_FORM}


@require_safe
def index(request):
    county = selectors.public_county()
    townships = selectors.townships_with_villages(county) if county is not None else []
    return render(request, "disclosure/index.html", {**_common(county), "townships": townships})


def _village_context(code: str) -> dict:
    today = timezone.localdate()
    village = selectors.village_by_code(code)
    listing = selectors.village_list(village=village, today=today)
    standards = selectors.standards_in_force(county=listing.county, today=today)
    return {
        **_common(listing.county),
        "village": village,
        "township": listing.township,
        "listing": listing,
        "standards": standards,
        "area_labels": dict(Standard.Area.choices),
        "today": today,
    }


@require_safe
def village(request, code: str):
    today = timezone.localdate()
    return page_cache.cached(
        ("village", code, today),
        lambda: render(request, "disclosure/village.html", _village_context(code)),
    )


@require_safe
def village_print(request, code: str):
    return render(request, "disclosure/print.html", _village_context(code))


@require_safe
def notices(request, code: str):
    today = timezone.localdate()
    village = selectors.village_by_code(code)
    notice = selectors.village_notice(village=village, today=today)
    return render(
        request,
        "disclosure/notices.html",
        {
            **_common(notice.county),
            "village": village,
            "township": notice.township,
            "notice": notice,
            "today": today,
        },
    )
