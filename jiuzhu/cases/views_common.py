"""Helpers shared by the case pages (views, views_steps, views_print)."""

from django.http import Http404

from jiuzhu.accounts.roles import Perm

from . import selectors
from .workflow import Action

PAYMENT_UNITS = {"monthly": "每月", "yearly": "每年", "once": "一次性"}


def get_case(request, pk: int):
    """The case, if the user may view cases and it is within their jurisdiction; else 404."""
    if not request.user.can(Perm.VIEW_CASES):
        raise Http404
    return selectors.application_get(user=request.user, pk=pk)


def kin_reasons(app) -> list[str]:
    if not app.kin_registered:
        return []
    event = app.events.filter(action=Action.REGISTER.value).first()
    return list(event.data.get("kin", [])) if event else []
