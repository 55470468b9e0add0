"""The approval form of a case (社会救助审核确认表, or 审批表 where the township confirms): the
household, its members, income and assets, every step on record, the township's opinion and
the decision, with the signatures of 经办人, 审核人 and 负责人 and the seal. An internal
document: ID numbers are masked as on the investigation form, health only for those who may
see it. The conventions of every printed document are in views_print's docstring."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from jiuzhu.accounts.roles import Perm
from jiuzhu.registry import selectors as registry_selectors

from .deadlines import TimeLimits
from .step_dates import notice_end_on
from .views_common import PAYMENT_UNITS, get_case, kin_reasons
from .views_print import (
    CONFIRMED,
    approval_title,
    authority_name,
    not_reached,
    township_authority,
)
from .views_print_notices import confirmed_terms
from .workflow import Action, Status


def _notice(app) -> dict:
    """The notice as it ended: its dates (the last round) and the objections raised."""
    start = app.notice_started_on
    return {
        "needed": app.programme.needs_notice,
        "start": start,
        "end": notice_end_on(start, TimeLimits().notice_days) if start else None,
        "objections": list(app.objections.order_by("received_on", "id")),
    }


@login_required
def print_approval(request, pk: int):
    app = get_case(request, pk)
    if not app.township_opinion:
        return not_reached(
            request, app, "乡镇（街道）尚未提出审核意见，审核确认表（审批表）还不能打印"
        )
    household, today = app.household, timezone.localdate()
    opinion = (
        app.events.filter(action=Action.TOWNSHIP_OPINION.value)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    return render(
        request,
        "cases/print_approval.html",
        {
            "app": app,
            "household": household,
            "title": approval_title(app),
            "by_county": app.confirming_level == "county",
            "township_authority": township_authority(app),
            "authority": authority_name(app),
            "members": [(m, m.age_on(today)) for m in registry_selectors.members_of(household)],
            "incomes": household.incomes.select_related("person"),
            "assets": household.assets.select_related("person"),
            "investigation": app.investigations.select_related("investigator_1", "investigator_2")
            .order_by("-visited_on", "-id")
            .first(),
            "verification": app.verifications.order_by("-checked_on", "-id").first(),
            "appraisals": list(app.appraisals.order_by("held_on", "id")),
            "notice": _notice(app),
            "opinion": opinion,
            "terms": confirmed_terms(app) if app.status in CONFIRMED else None,
            "refused": app.status == Status.REFUSED,
            "unit": PAYMENT_UNITS[app.programme.payment],
            "kin_reasons": kin_reasons(app),
            "can_sensitive": request.user.can(Perm.VIEW_SENSITIVE),
        },
    )
