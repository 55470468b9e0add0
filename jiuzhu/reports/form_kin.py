"""Seed 003 attachments 1 and 4 (R21, R5): the register of public servants, cadres and their close
relatives who receive dibao (国家公职人员和村（居）委会干部及其近亲属享受低保情况登记表), and a staff
member's self-report of close relatives (工作人员及直系亲属享受低保情况自查报告表), both from the
kin declarations (近亲属备案, registry.KinDeclaration) matched by ID number (keyed hash) against
the people of households with dibao in force in the month."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from jiuzhu.cases.kinship import KIN_LABELS, Kin
from jiuzhu.core.month import Month
from jiuzhu.payments.models import Enrolment
from jiuzhu.registry.models import KinDeclaration, Person

from .definitions import TEXT, Cell, Row, leaf
from .scope import Scope

DIBAO = ("dibao_urban", "dibao_rural")
REGISTER_CODE = "kin_register"
REGISTER_TITLE = "国家公职人员和村（居）委会干部及其近亲属享受低保情况登记表"
REGISTER_COLUMNS = (
    leaf("享受低保人员姓名", "name", "", TEXT),
    leaf("享受低保时间", "since", "", TEXT),
    leaf("国家公职人员姓名", "declarant", "", TEXT),
    leaf("身份证号码", "id", "", TEXT, width=22),
    leaf("与国家公职人员关系", "kin", "", TEXT),
    leaf("现住址（乡镇、村、社区）", "address", "", TEXT, width=30),
    leaf("低保所属乡镇", "township", "", TEXT),
    leaf("联系电话", "phone", "", TEXT),
    leaf("备注", "note", "", TEXT, width=30),
)


def kin_label(kin: str) -> str:
    try:
        return KIN_LABELS[Kin(kin)]
    except ValueError:
        return kin


def in_force(month: Month) -> Q:
    m = str(month)
    return Q(start_month__lte=m) & (Q(end_month="") | Q(end_month__gte=m))


def enrolled_people(scope: Scope, month: Month, hashes) -> dict[str, tuple[Person, Enrolment]]:
    """id hash → (person, their dibao enrolment in force) for people of the region."""
    people = Person.objects.filter(
        id_hash__in=list(hashes),
        **{"household__" + scope.filter_field(): scope.region.pk},
    ).select_related("household__township", "household__village")
    by_household = {p.household_id: p for p in people}
    enrolments = (
        Enrolment.objects.filter(in_force(month), household_id__in=list(by_household))
        .filter(programme__code__in=DIBAO)
        .exclude(payroll_from="")
        .order_by("start_month", "pk")
    )
    out: dict[str, tuple[Person, Enrolment]] = {}
    for e in enrolments:
        for p in people:
            if p.household_id == e.household_id and (e.person_id in (None, p.pk)):
                out.setdefault(p.id_hash, (p, e))
    return out


def build_register(scope: Scope, month: Month) -> tuple[list[Row], None, tuple[str, ...]]:
    declarations = list(
        KinDeclaration.objects.filter(county_id=scope.county.pk).order_by("declarant_name", "pk")
    )
    found = enrolled_people(scope, month, {d.relative_id_hash for d in declarations})
    rows = []
    for d in declarations:
        if d.relative_id_hash not in found:
            continue
        person, enrolment = found[d.relative_id_hash]
        h = person.household
        values = {
            "name": person.name,
            "since": Month.parse(enrolment.start_month).label,
            "declarant": d.declarant_name,
            "id": person.id_masked,
            "kin": kin_label(d.kin),
            "address": h.address or f"{h.township.name}{h.village.name}",
            "township": h.township.name,
            "phone": h.phone_masked,
            "note": f"{d.get_declarant_role_display()}；{d.declarant_unit}",
        }
        rows.append(Row(h.township.name, None, {k: Cell(v) for k, v in values.items()}, h.pk))
    notes = (
        f"登记范围：{month.label}在保的城乡低保对象中，经近亲属备案（按身份证号码比对）"
        f"为国家公职人员或村（居）委会干部近亲属的，共{len(rows)}人。",
        "备注：凡本县范围内所有国家机关、事业单位、群团组织、国有企业的工作人员（含临聘、借调人员）"
        "本人及与其具有法定赡（扶、抚）养关系的近亲属享受了城乡低保的，均应登记。",
    )
    return rows, None, notes


SELF_SLOTS = (
    (Kin.SPOUSE, "配偶"),
    (Kin.CHILD, "子女"),
    (Kin.PARENT, "本人父母"),
    (Kin.PARENT_IN_LAW, "配偶父母"),
)


@dataclass(frozen=True)
class SelfLine:
    name: str
    relation: str
    receives: str  # 是 / 否
    id_masked: str
    hukou_place: str
    address: str
    note: str


def self_report_lines(scope: Scope, month: Month, declarations) -> list[SelfLine]:
    """The relatives a staff member declared, in the form's order (spouse, children, parents,
    the spouse's parents, others with a legal duty of support), each marked whether they
    receive dibao in the month."""
    found = enrolled_people(scope, month, {d.relative_id_hash for d in declarations})
    order = {kin.value: i for i, (kin, _label) in enumerate(SELF_SLOTS)}
    lines = []
    for d in sorted(declarations, key=lambda d: (order.get(d.kin, 99), d.pk)):
        person, _e = found.get(d.relative_id_hash, (None, None))
        place = ""
        if person is not None:
            place = f"{person.household.township.name}{person.household.village.name}"
        lines.append(
            SelfLine(
                name=d.relative_name,
                relation=kin_label(d.kin) if d.kin in order else "具有法定赡养关系的近亲属",
                receives="是" if person is not None else "否",
                id_masked=d.relative_id_masked,
                hukou_place=place,
                address=(person.household.address or place) if person else "",
                note=kin_label(d.kin),
            )
        )
    return lines


@dataclass(frozen=True)
class SelfReport:
    """003 attachment 4 for one staff member, pre-filled from their kin declarations."""

    name: str
    unit: str
    role: str
    month: Month
    lines: list[SelfLine]


def self_report(*, actor, declarant_id: int | None = None, month: Month) -> SelfReport:
    """The staff member's own report; a county officer who records declarations (DECLARE_KIN)
    may print any staff member's of the county. Anyone else's reads as not found."""
    from jiuzhu.accounts.guards import require
    from jiuzhu.accounts.jurisdiction import covers
    from jiuzhu.accounts.models import User
    from jiuzhu.accounts.roles import Perm
    from jiuzhu.core.errors import ValidationFailed

    from .scope import county_of

    require(actor, Perm.VIEW_REPORTS, message="您没有查看统计报表的权限")
    staff = actor
    if declarant_id not in (None, getattr(actor, "pk", None)):
        staff = User.objects.filter(pk=declarant_id).select_related("region").first()
        allowed = (
            staff is not None
            and staff.region is not None
            and actor.can(Perm.DECLARE_KIN)
            and actor.region is not None
            and actor.region.level == "county"
            and covers(actor, staff.region)
        )
        if not allowed:
            raise ValidationFailed("没有找到该工作人员，或其不在您的管辖范围内")
    if staff.region is None:
        raise ValidationFailed("该账号没有所属地区")
    county = county_of(staff.region)
    declarations = list(KinDeclaration.objects.filter(declarant=staff))
    scope = Scope(region=county, county=county, township=None)
    first = declarations[0] if declarations else None
    return SelfReport(
        name=staff.display_name,
        unit=first.declarant_unit if first else staff.region.full_name,
        role=first.get_declarant_role_display() if first else "",
        month=month,
        lines=self_report_lines(scope, month, declarations),
    )
