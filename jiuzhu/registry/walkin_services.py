"""Registering a family that walks into the office (窗口受理): the household, its members and
their income and asset facts, in one transaction, audited. The household number is allocated
as the import allocates it (the village's code and the next serial, the village row locked)."""

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from jiuzhu.accounts import guards
from jiuzhu.accounts.jurisdiction import region_ids_q
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit
from jiuzhu.core.errors import Conflict, ValidationFailed
from jiuzhu.regions.models import Region

from . import builders, services
from .models import Household, Person, Source
from .selectors import last_household_serials, registered_at
from .walkin_check import (
    AssetEntry,
    IncomeEntry,
    MemberEntry,
    Problem,
    check_facts,
    check_household,
    check_members,
    registered_problems,
)

FACT_SOURCE = "窗口受理申报"


class WalkinRefused(ValidationFailed):
    """The registration has problems; each names its row and field (walkin_check.Problem)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("；".join(p.text for p in problems))
        self.problems = problems


REGISTER_PERMS = (Perm.EDIT_HOUSEHOLDS, Perm.IMPORT_HOUSEHOLDS)


def can_register(user) -> bool:
    """Whether the user may register a household (the walk-in form, its links)."""
    return any(user.can(perm) for perm in REGISTER_PERMS)


def _require(actor) -> None:
    guards.require(actor, *REGISTER_PERMS, message="您没有登记家庭的权限")


def _village_for_update(actor, village_id: int) -> Region:
    """The village, locked (the household number is the next one of its serials); 404 when it
    is no village of the actor's jurisdiction."""
    village = (
        Region.objects.select_for_update(of=("self",))
        .select_related("parent")
        .filter(region_ids_q(actor), pk=village_id, level=Region.Level.VILLAGE)
        .first()
    )
    if village is None:
        raise Http404("没有找到该村（社区），或不在您的管辖范围内")
    return village


def household_register(
    *,
    actor,
    village_id: int,
    members: list[MemberEntry],
    address: str = "",
    phone: str = "",
    bank_name: str = "",
    bank_account: str = "",
    incomes: list[IncomeEntry] = (),
    assets: list[AssetEntry] = (),
) -> Household:
    """Register a new household with its members (birth date and sex read from each ID number)
    and facts. Refused, writing nothing, with every problem named (WalkinRefused): the walk-in
    form's checks again, and anyone already registered in any household."""
    _require(actor)
    members, incomes, assets = list(members), list(incomes), list(assets)
    contact = {
        "address": address.strip(),
        "phone": phone.strip(),
        "bank_name": bank_name.strip(),
        "bank_account": bank_account.strip(),
    }
    try:
        with transaction.atomic():
            village = _village_for_update(actor, village_id)
            today = timezone.localdate()
            checked = check_members(members, today=today)
            problems = check_household(**contact) + checked.problems
            problems += check_facts(incomes, assets, members=len(members))
            found = registered_at(user=actor, numbers={r.number for r in checked.ids.values()})
            problems += registered_problems(checked.ids, members, found)
            if problems:
                raise WalkinRefused(problems)
            household = _write_household(actor, village, members, contact, len(incomes + assets))
            people = _write_people(household, members, checked.ids)
            _write_facts(actor, household, people, incomes, assets, today)
    except IntegrityError as exc:  # someone registered one of them since the check
        raise Conflict("其中有成员刚刚已在其他家庭登记，未保存，请重新提交以查看详情") from exc
    return household


def _write_household(actor, village: Region, members, contact: dict, facts: int) -> Household:
    head = next(m for m in members if m.relation == "self")
    serial = last_household_serials([village])[village.code] + 1
    household = builders.build_household(
        number=builders.household_number(village.code, serial),
        village=village,
        area_type="urban" if village.is_urban else "rural",
        head_name=head.name.strip(),
        source=Source.MANUAL,
        **contact,
    )
    household.save()
    audit.record(
        action="household.register",
        actor=actor,
        obj=household,
        household_id=household.pk,
        new={
            "number": household.number,
            "village": village.name,
            "members": len(members),
            "names": "、".join(m.name.strip() for m in members),
            "facts": facts,
        },
    )
    return household


def _write_people(household: Household, members: list[MemberEntry], ids) -> dict[int, Person]:
    """The members, the head first; member row → its saved person."""
    rows = sorted(range(len(members)), key=lambda row: members[row].relation != "self")
    people = {}
    for row in rows:
        m, rid = members[row], ids[row]
        people[row] = builders.build_person(
            household=household,
            name=m.name.strip(),
            id_number=rid.number,
            birth_date=rid.birth_date,
            sex=rid.sex,
            relation=m.relation,
            hukou_type=m.hukou_type,
            ethnicity=m.ethnicity.strip(),
            labour_capacity=m.labour_capacity,
            disability_type=m.disability_type,
            disability_grade=m.disability_grade,
            health_status=m.health_status,
        )
    Person.objects.bulk_create([people[row] for row in rows])
    return people


def _write_facts(actor, household, people: dict[int, Person], incomes, assets, today) -> None:
    """Through the registry's own services, which check and audit each fact."""

    def person_id(entry) -> int | None:
        return people[entry.person - 1].pk if entry.person else None

    for e in incomes:
        services.income_add(
            actor=actor,
            household_id=household.pk,
            person_id=person_id(e),
            category=e.category,
            amount=e.amount,
            period_start=e.period_start,
            period_end=e.period_end,
            source=FACT_SOURCE,
            note=e.note,
        )
    for e in assets:
        services.asset_add(
            actor=actor,
            household_id=household.pk,
            person_id=person_id(e),
            kind=e.kind,
            description=e.description,
            identifier=e.identifier,
            quantity=e.quantity,
            value=e.value,
            is_disability_vehicle=e.is_disability_vehicle,
            recorded_on=today,
            source=FACT_SOURCE,
        )
