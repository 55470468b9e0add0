"""Checking a walk-in registration (a family registered at the office window) before anything is
written. No database: the walk-in form runs it to show every error at once, and the service
(walkin_services.household_register) runs it again, with the registry lookups, before writing.

Every problem names its place — the member's row (and name, once typed), the income or asset
row — and its field, in Chinese. The rules of a person's attributes and of income and asset
facts are the registry services' own (services.person_changes_problems, income_problems,
asset_problems); ID numbers are read by core.idnumber."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jiuzhu.core.idnumber import IdNumberError, ResidentId, parse_resident_id

from .choices import HealthStatus, LabourCapacity, Relation
from .selectors import RegisteredAt
from .services import PersonChanges, asset_problems, income_problems, person_changes_problems

MAX_MEMBERS = 20
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PHONE = re.compile(r"[0-9][0-9 -]{5,18}[0-9]")
_ACCOUNT = re.compile(r"[0-9]{12,30}")

LABELS = {
    "village": "村（社区）",
    "address": "家庭住址",
    "phone": "联系电话",
    "bank_name": "开户银行",
    "bank_account": "银行账号",
    "name": "姓名",
    "id_number": "身份证号码",
    "relation": "与户主关系",
    "hukou_type": "户籍性质",
    "ethnicity": "民族",
    "labour_capacity": "劳动能力",
    "disability_type": "残疾类别",
    "disability_grade": "残疾等级",
    "health_status": "健康状况",
    "person": "成员",
    "category": "收入类别",
    "amount": "金额（元）",
    "period_start": "期间起",
    "period_end": "期间止",
    "note": "备注",
    "kind": "财产类别",
    "description": "说明",
    "identifier": "号牌/登记号",
    "quantity": "数量",
    "value": "价值（元）",
    "is_disability_vehicle": "残疾人功能性补偿代步车",
}
ROW_NOUNS = {"members": "名成员", "incomes": "条收入", "assets": "项财产"}


@dataclass(frozen=True)
class MemberEntry:
    name: str
    id_number: str  # as typed
    relation: str
    hukou_type: str
    ethnicity: str = ""
    labour_capacity: str = LabourCapacity.FULL
    disability_type: str = ""
    disability_grade: int | None = None
    health_status: str = HealthStatus.HEALTHY

    def attributes(self) -> PersonChanges:
        return PersonChanges(
            relation=self.relation,
            hukou_type=self.hukou_type,
            labour_capacity=self.labour_capacity,
            disability_type=self.disability_type,
            disability_grade=self.disability_grade,
            health_status=self.health_status,
            ethnicity=self.ethnicity,
        )


@dataclass(frozen=True)
class IncomeEntry:
    person: int | None  # the member's row, from 1; None: the whole household
    category: str
    amount: str | Decimal
    period_start: date
    period_end: date
    note: str = ""


@dataclass(frozen=True)
class AssetEntry:
    person: int | None  # the member's row, from 1; None: the whole household
    kind: str
    description: str = ""
    identifier: str = ""
    quantity: int = 1
    value: str | Decimal | None = None
    is_disability_vehicle: bool = False


def place(section: str, row: int | None, name: str = "") -> str:
    """Where in the form: "第2名成员（龙小妹）", "第1条收入", "" for the household's fields."""
    if row is None or section not in ROW_NOUNS:
        return ""
    return f"第{row + 1}{ROW_NOUNS[section]}" + (f"（{name}）" if name else "")


@dataclass(frozen=True)
class Problem:
    section: str  # "household", "members", "incomes" or "assets"
    row: int | None  # from 0; None: the section as a whole
    field: str  # "" : the row or section as a whole
    message: str
    name: str = ""  # the member's name as typed
    registered: RegisteredAt | None = None  # the household in the user's jurisdiction

    @property
    def heading(self) -> str:
        """Its row and field: "第2名成员（龙小妹）的身份证号码"."""
        where = place(self.section, self.row, self.name)
        return "的".join(p for p in (where, LABELS.get(self.field, "")) if p)

    @property
    def text(self) -> str:
        return f"{self.heading}：{self.message}" if self.heading else self.message


@dataclass
class Checked:
    problems: list[Problem]
    ids: dict[int, ResidentId]  # member row → the parsed ID number (rows whose number parses)


def check_household(*, address: str, phone: str, bank_name: str, bank_account: str):
    problems = [
        Problem("household", None, key, "含有制表符、换行符等控制字符，请删除")
        for key, value in (("address", address), ("bank_name", bank_name))
        if _CONTROL.search(value)
    ]
    if phone and not _PHONE.fullmatch(phone):
        problems.append(Problem("household", None, "phone", "请填写7至20位数字的电话号码"))
    if bank_account and not _ACCOUNT.fullmatch(bank_account.replace(" ", "")):
        problems.append(Problem("household", None, "bank_account", "银行账号应为12至30位数字"))
    if bank_account and not bank_name.strip():
        problems.append(
            Problem("household", None, "bank_name", "填写了银行账号，须同时填写开户银行")
        )
    return problems


def check_members(members: list[MemberEntry], *, today: date) -> Checked:
    """Each member's name, ID number and attributes; the same person twice; one head."""
    if not members:
        return Checked([Problem("members", None, "", "至少登记一名家庭成员（户主）")], {})
    if len(members) > MAX_MEMBERS:
        return Checked([Problem("members", None, "", f"一户最多登记{MAX_MEMBERS}名成员")], {})
    problems, ids, first_row = [], {}, {}
    for row, m in enumerate(members):
        name = m.name.strip()

        def problem(field: str, message: str, row=row, name=name) -> None:
            problems.append(Problem("members", row, field, message, name))

        if not name:
            problem("name", "请填写姓名")
        elif len(name) > 40 or _CONTROL.search(name):
            problem("name", "姓名不超过40个字，不能含有控制字符")
        try:
            rid = parse_resident_id(m.id_number, today=today)
        except IdNumberError as exc:
            problem("id_number", str(exc))
        else:
            if rid.number in first_row:
                problem(
                    "id_number", f"与第{first_row[rid.number] + 1}名成员是同一人（身份证号码重复）"
                )
            else:
                first_row[rid.number], ids[row] = row, rid
        for field, message in person_changes_problems(m.attributes()):
            problem(field, message)
    problems += _heads(members)
    return Checked(problems, ids)


def _heads(members: list[MemberEntry]) -> list[Problem]:
    heads = [row for row, m in enumerate(members) if m.relation == Relation.SELF]
    if not heads:
        return [Problem("members", None, "", "须有一名成员的“与户主关系”为“户主”")]
    return [
        Problem(
            "members",
            row,
            "relation",
            f"第{heads[0] + 1}名成员已是户主，一户只能有一名户主",
            members[row].name.strip(),
        )
        for row in heads[1:]
    ]


def check_facts(
    incomes: list[IncomeEntry], assets: list[AssetEntry], *, members: int
) -> list[Problem]:
    """Each income and asset row: its member exists, and the registry's rules for facts."""
    problems = []
    for section, rows, rules in (
        ("incomes", incomes, _income_rules),
        ("assets", assets, _asset_rules),
    ):
        for row, entry in enumerate(rows):
            if entry.person is not None and not 1 <= entry.person <= members:
                problems.append(Problem(section, row, "person", "所选成员不在本次登记的成员中"))
            problems += [Problem(section, row, f, m) for f, m in rules(entry)]
    return problems


def _income_rules(e: IncomeEntry) -> list[tuple[str, str]]:
    return income_problems(
        category=e.category, amount=e.amount, period_start=e.period_start, period_end=e.period_end
    )


def _asset_rules(e: AssetEntry) -> list[tuple[str, str]]:
    return asset_problems(kind=e.kind, quantity=e.quantity, value=e.value)


def registered_problems(
    ids: dict[int, ResidentId], members: list[MemberEntry], registered: dict
) -> list[Problem]:
    """Members already registered in another household: named (with the household) within
    the user's jurisdiction; outside it, nothing about where (the user is sent to the county)."""
    problems = []
    for row, rid in ids.items():
        if rid.number not in registered:
            continue
        at = registered[rid.number]
        message = (
            f"该身份证号码已在{at}登记，不能重复登记"
            if at is not None
            else "该身份证号码已在其他家庭登记，请联系县级民政部门核实"
        )
        problems.append(
            Problem("members", row, "id_number", message, members[row].name.strip(), at)
        )
    return problems
