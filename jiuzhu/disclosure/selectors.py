"""What the public portal publishes (R18): read-only, no login, no jurisdiction (the public sees
every village of the county), and nothing but what R18 allows.

Each enrolment in force is either listed or counted as withheld, never silently dropped (the
long-term list is complete: no selective publication). Withheld, and counted in
"另有N户依规不予公开":

* a household the county marked (``Household.publication_withheld``: a member with HIV/AIDS or
  another protected condition; the registry keeps diagnoses only as encrypted free text, so the
  county's mark is the mechanism, see jiuzhu.registry.publication);
* unsupported children (事实无人抚养儿童基本生活保障);
* a one-person enrolment of a minor, or a household whose head is a minor (nothing of a person
  under 18 is shown, not even a masked name);
* a household without a recorded head (there would be no adult's name to show).

A listed row carries the head's name (the covered person's for a one-person enrolment), the
number of people covered, the programme and the amount: never an ID number, phone, address,
health, disability or bank field, which are not even read here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404

from jiuzhu.cases.models import Application
from jiuzhu.cases.public_notice import notice_rows
from jiuzhu.cases.workflow import Status
from jiuzhu.payments.models import Enrolment
from jiuzhu.programmes.models import Standard
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Person

UNSUPPORTED_CHILD = "unsupported_child"  # programmes.catalogue: 事实无人抚养儿童基本生活保障
ADULT_AGE = 18
UNITS = {"monthly": "/月", "yearly": "/年", "once": "（一次性）"}  # after the ¥ amount


@dataclass(frozen=True)
class PublicRow:
    name: str
    members: int
    programme: str
    amount: Decimal
    unit: str


@dataclass
class VillageList:
    village: Region
    township: Region
    county: Region
    month: str
    rows: list[PublicRow] = field(default_factory=list)
    listed: int = 0  # households listed
    withheld: int = 0  # households left out (R18), counted
    in_force: int = 0  # households with an enrolment in force: listed + withheld


def public_county() -> Region | None:
    """The county the portal publishes. A deployment serves one county (the demo builds one):
    the setting JIUZHU_PUBLIC_COUNTY (its 12-digit code) names it; unset, the county with
    recipients, the first by code if a shared database holds several (a multi-county
    deployment sets the setting, one portal per county)."""
    code = getattr(settings, "JIUZHU_PUBLIC_COUNTY", "")
    if code:
        return Region.objects.filter(level=Region.Level.COUNTY, code=code).first()
    with_recipients = Enrolment.objects.values("county_id")
    return (
        Region.objects.filter(level=Region.Level.COUNTY, pk__in=with_recipients)
        .order_by("code")
        .first()
        or Region.objects.filter(level=Region.Level.COUNTY).order_by("code").first()
    )


def hotline() -> str:
    return getattr(settings, "JIUZHU_PUBLIC_HOTLINE", "12345")


def townships_with_villages(county: Region) -> list[tuple[Region, list[Region]]]:
    villages = Region.objects.filter(level=Region.Level.VILLAGE, parent__parent=county).order_by(
        "code"
    )
    by_township: dict[int, list[Region]] = {}
    for v in villages:
        by_township.setdefault(v.parent_id, []).append(v)
    townships = Region.objects.filter(level=Region.Level.TOWNSHIP, parent=county).order_by("code")
    return [(t, by_township.get(t.pk, [])) for t in townships]


def village_by_code(code: str) -> Region:
    village = (
        Region.objects.filter(level=Region.Level.VILLAGE, code=code)
        .select_related("parent", "parent__parent")
        .first()
    )
    if village is None or village.parent is None or village.parent.parent is None:
        raise Http404("没有找到该村（社区）")
    return village


def in_force(*, village: Region, month: str) -> QuerySet[Enrolment]:
    """Enrolments of the village in force in `month`: active, started, not ended."""
    return Enrolment.objects.filter(
        village=village, status=Enrolment.Status.ACTIVE, start_month__lte=month
    ).filter(Q(end_month="") | Q(end_month__gte=month))


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _heads_born(household_ids: set[int]) -> dict[int, date]:
    rows = Person.objects.filter(household_id__in=household_ids, relation="self").values_list(
        "household_id", "birth_date"
    )
    return dict(rows)


def village_list(*, village: Region, today: date) -> VillageList:
    """The village's recipients in force this month, with the withheld households counted."""
    month = f"{today:%Y-%m}"
    result = VillageList(village, village.parent, village.parent.parent, month)
    enrolments = list(
        in_force(village=village, month=month)
        .select_related("household", "person", "programme")
        .only(
            "members",
            "monthly_amount",
            "household__head_name",
            "household__number",
            "household__publication_withheld",
            "person__name",
            "person__birth_date",
            "programme__name",
            "programme__code",
            "programme__payment",
        )
        .order_by("household__number", "id")
    )
    heads = _heads_born({e.household_id for e in enrolments})
    withheld = {e.household_id for e in enrolments if _withheld(e, heads, today)}
    listed: set[int] = set()
    for e in enrolments:
        if e.household_id in withheld:  # one protected enrolment withholds the whole household
            continue
        listed.add(e.household_id)
        result.rows.append(
            PublicRow(
                name=_shown_name(e),
                members=e.members,
                programme=e.programme.name,
                amount=e.monthly_amount,
                unit=UNITS.get(e.programme.payment, ""),
            )
        )
    result.listed, result.withheld = len(listed), len(withheld)
    result.in_force = len(listed | withheld)
    return result


def _shown_name(e: Enrolment) -> str:
    return e.person.name if e.person_id is not None else e.household.head_name


def _withheld(e: Enrolment, heads: dict[int, date], today: date) -> bool:
    born = e.person.birth_date if e.person_id is not None else heads.get(e.household_id)
    return (
        e.household.publication_withheld
        or e.programme.code == UNSUPPORTED_CHILD
        or born is None
        or not _shown_name(e)
        or _age(born, today) < ADULT_AGE
    )


def _withheld_household(household, today: date) -> bool:
    """A case on notice is withheld on the same grounds as a recipient (R18)."""
    if household.publication_withheld:
        return True
    head = household.members.filter(relation="self").only("birth_date").first()
    return head is None or _age(head.birth_date, today) < ADULT_AGE


@dataclass
class VillageNotice:
    village: Region
    township: Region
    county: Region
    rows: list[dict] = field(default_factory=list)
    withheld: int = 0


def village_notice(*, village: Region, today: date) -> VillageNotice:
    """The village's proposed decisions under their 7-day notice (the printed notice's rows,
    cases.public_notice), with the protected households counted, not listed."""
    result = VillageNotice(village, village.parent, village.parent.parent)
    apps = (
        Application.objects.filter(village=village, status=Status.NOTICED)
        .select_related("household", "programme")
        .order_by("notice_started_on", "number")
    )
    shown = []
    for app in apps:
        if app.programme.code == UNSUPPORTED_CHILD or _withheld_household(app.household, today):
            result.withheld += 1
        else:
            shown.append(app)
    result.rows = notice_rows(shown, today)
    return result


def standards_in_force(*, county: Region, today: date) -> list[Standard]:
    """The standards in force today, one per programme and area (the latest started)."""
    seen: set[tuple[int, str]] = set()
    found = []
    qs = (
        Standard.objects.filter(county=county, effective_from__lte=today)
        .select_related("programme")
        .order_by("programme_id", "area", "-effective_from")
    )
    for s in qs:
        if (s.programme_id, s.area) not in seen:
            seen.add((s.programme_id, s.area))
            found.append(s)
    return found
