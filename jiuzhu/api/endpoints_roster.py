"""GET /api/v1/roster: the recipients in force in a region for a month (在保名册), masked: the
household's number, village, programme, people covered, amount and status; the head's (or the
covered person's) name and an ID number masked as on a public notice. Never a phone, address,
health, disability or bank field; nothing of a minor but the row (R18)."""

from __future__ import annotations

import math

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from jiuzhu.core.masking import mask_id_number_public
from jiuzhu.core.month import Month
from jiuzhu.payments.roster import RosterFilter, RosterRow, roster_for
from jiuzhu.registry.choices import Relation
from jiuzhu.registry.models import Person

from .auth import ApiRefusal, region_of, require_scope
from .schemas import Error, RosterItem, RosterOut, RosterQuery
from .scopes import ROSTER_READ

router = Router(tags=["在保名册"])
ADULT_AGE = 18
FIRST_YEAR, LAST_YEAR = 2000, 2100
MINOR = "未成年人信息不提供"


def api_month(text: str | None) -> str:
    """A month the API accepts (YYYY-MM between 2000 and 2100), default this month."""
    if not text:
        return str(Month.of(timezone.localdate()))
    try:
        month = Month.parse(text)
    except ValueError as exc:
        raise ApiRefusal(422, str(exc)) from exc
    if not FIRST_YEAR <= month.year <= LAST_YEAR:
        raise ApiRefusal(422, f"月份应在{FIRST_YEAR}年到{LAST_YEAR}年之间：{text}")
    return str(month)


def _heads(household_ids: set[int]) -> dict[int, Person]:
    people = Person.objects.filter(household_id__in=household_ids, relation=Relation.SELF)
    return {p.household_id: p for p in people.only("household_id", "id_masked", "birth_date")}


def _item(row: RosterRow, head: Person | None, on) -> RosterItem:
    e = row.enrolment
    person = e.person or head
    name = e.person.name if e.person else e.household.head_name
    minor = person is None or person.age_on(on) < ADULT_AGE
    return RosterItem(
        household_number=e.household.number,
        township=e.township.name,
        village=e.village.name,
        programme_code=e.programme.code,
        programme=e.programme.name,
        members=e.members,
        amount=row.amount,
        care_amount=row.care_amount,
        status=row.status_label,
        new_this_month=row.new_this_month,
        name="" if minor else name,
        id_number="" if minor else mask_id_number_public(person.id_masked),
        withheld=MINOR if minor else "",
    )


@router.get(
    "",
    response={200: RosterOut, 401: Error, 403: Error, 404: Error, 422: Error, 429: Error},
    openapi_extra={"x-scope": ROSTER_READ, "x-region": "query"},
    summary="在保名册（脱敏，分页）",
)
def roster(request: HttpRequest, q: Query[RosterQuery]):
    key = require_scope(request, ROSTER_READ)
    region = region_of(request, q.region)
    month = api_month(q.month)
    filters = RosterFilter(month=month, region_id=None if region.level == "county" else region.pk)
    result = roster_for(user=key.actor, filters=filters)
    start = (q.page - 1) * q.page_size
    rows = result.rows(result.ids[start : start + q.page_size])
    heads = _heads({r.enrolment.household_id for r in rows})
    on = Month.parse(month).first_day
    return RosterOut(
        region={"code": region.code, "name": region.name, "level": region.level},
        month=month,
        households=result.households,
        persons=result.persons,
        amount=result.amount,
        count=len(result.ids),
        page=q.page,
        page_size=q.page_size,
        pages=math.ceil(len(result.ids) / q.page_size),
        items=[_item(r, heads.get(r.enrolment.household_id), on) for r in rows],
    )
