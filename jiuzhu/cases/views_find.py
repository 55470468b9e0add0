"""Finding the household a new application is for: by name, pinyin (full or initials), ID number
— the registry's household search — or the exact household number, within the user's
jurisdiction, as a pick-list; with the way to register a family not found (the walk-in form).

As on the registry's list, an ID number never travels in a URL: the form posts, and is answered
with a redirect (303) to the pick-list by the number's keyed hash (idh)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from jiuzhu.accounts.roles import Perm
from jiuzhu.core import params
from jiuzhu.registry import selectors as registry_selectors
from jiuzhu.registry.forms import SearchForm
from jiuzhu.registry.models import Person
from jiuzhu.registry.walkin_services import can_register

PICK_LIMIT = 20
HOUSEHOLD_NUMBER = re.compile(r"[0-9]{17}")  # 12-digit village code and a 5-digit serial


def household_by_number(user, number: str):
    """The household with exactly this number in the user's jurisdiction, or None."""
    if not number or len(number) > 20:
        return None
    return registry_selectors.households_for(user).filter(number=number).first()


def register_url(household) -> str:
    return f"{reverse('cases:register')}?household={household.pk}"


def find_url(form: SearchForm) -> str:
    search = urlencode(form.url_params())
    return reverse("cases:register_find") + (f"?{search}" if search else "")


@login_required
@require_http_methods(["GET", "POST"])
def register_find(request):
    user = request.user
    if not user.can(Perm.REGISTER_CASES):
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    form = SearchForm(data or None)
    form.is_valid()
    text = params.text_param(data, "q", max_length=20)  # a household number, if anything
    if request.method == "POST":
        household = household_by_number(user, text)
        if household is not None:  # the old path: a household number goes straight on
            return redirect(register_url(household))
        if HOUSEHOLD_NUMBER.fullmatch(text):
            messages.error(request, not_found_message(text))
        return HttpResponseRedirect(find_url(form), status=303)
    if SearchForm.holds_id_number(request.GET.get("q")):
        return redirect(find_url(form))
    searched = getattr(form, "cleaned_data", {})
    query, id_hash = searched.get("q", ""), searched.get("idh", "")
    found = _picks(user, query, id_hash) if (query or id_hash) else []
    return render(
        request,
        "cases/register_find.html",
        {
            "form": form,
            "searched": bool(query or id_hash),
            "by_id": bool(id_hash),
            "households": found[:PICK_LIMIT],
            "more": len(found) > PICK_LIMIT,
            "limit": PICK_LIMIT,
            "can_register_household": can_register(user),
        },
    )


def not_found_message(number: str) -> str:
    return f"没有找到家庭编号为“{number}”的家庭，或该家庭不在您的管辖范围内"


def _picks(user, query: str, id_hash: str) -> list:
    """The first matches (one more than shown, to tell that there are more), with their
    villages and members (masked ID numbers) in two queries."""
    members = Prefetch("members", queryset=Person.objects.order_by("id"))
    return list(
        registry_selectors.household_search(user=user, query=query, id_hash=id_hash)
        .select_related("township", "village")
        .prefetch_related(members)[: PICK_LIMIT + 1]
    )
