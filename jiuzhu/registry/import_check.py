"""Checking an import file before anything is written (pure: no Django).

A household is the unit of import: if any of its rows is bad, none of its rows is imported,
so no half-household ever reaches the registry. Every problem names its row (as numbered in
the spreadsheet, header = row 1), its column and the reason in Chinese."""

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from jiuzhu.core.idnumber import IdNumberError, normalise_id_text, parse_resident_id
from jiuzhu.core.masking import mask_id_number
from jiuzhu.core.money import MoneyError, parse_money

from . import import_format as fmt

ERROR, WARNING = "error", "warning"
TRIM = " \u3000"  # only spaces are trimmed: a tab or CR stays, so "\t=…" never becomes "=…"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean(value: str | None) -> str:
    """A cell's text as typed, without surrounding spaces (ASCII and full-width)."""
    return (value or "").strip(TRIM)


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str
    severity: str = ERROR


@dataclass
class PersonRow:
    row: int
    name: str
    id_number: str
    birth_date: date
    sex: str
    relation: str
    hukou_type: str
    ethnicity: str
    labour_capacity: str
    disability_type: str
    disability_grade: int | None
    health_status: str
    incomes: dict[str, Decimal] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    deposit: Decimal | None = None


@dataclass
class HouseholdRows:
    key: str
    village_code: str
    address: str = ""
    phone: str = ""
    bank_name: str = ""
    bank_account: str = ""
    people: list[PersonRow] = field(default_factory=list)


@dataclass
class ImportCheck:
    rows_total: int
    households: list[HouseholdRows]  # only the good ones
    problems: list[RowProblem]
    bad_rows: set[int]

    @property
    def rows_good(self) -> int:
        return sum(len(h.people) for h in self.households)

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.severity == ERROR]


def duplicate_columns(
    headers: list[str], header_to_key: Mapping[str, str] = fmt.HEADER_TO_KEY
) -> list[str]:
    """Headers naming a column already present (the same header twice, or two names of one
    column); reading would keep only the last of them."""
    seen, duplicates = set(), []
    for h in headers:
        key = header_to_key.get(h)
        if key in seen:
            duplicates.append(h)
        elif key:
            seen.add(key)
    return duplicates


def missing_columns(headers: list[str]) -> list[str]:
    present = set(headers)
    return [c.header for c in fmt.COLUMNS if c.required and c.header not in present]


def id_numbers_in(rows: list[dict[str, str]]) -> set[str]:
    """Normalised ID numbers that parse, so the caller can look up who is already registered."""
    found = set()
    for raw in rows:
        try:
            found.add(parse_resident_id(raw.get("id_number", "")).number)
        except IdNumberError:
            pass
    return found


class _RowChecker:
    def __init__(self, lineno: int, raw: dict[str, str], problems: list[RowProblem]):
        self.lineno, self.raw, self.problems, self.ok = lineno, raw, problems, True

    def error(self, key: str, message: str) -> None:
        self.problems.append(RowProblem(self.lineno, fmt.KEY_TO_HEADER[key], message))
        self.ok = False

    def warn(self, key: str, message: str) -> None:
        self.problems.append(RowProblem(self.lineno, fmt.KEY_TO_HEADER[key], message, WARNING))

    def text(self, key: str) -> str:
        return clean(self.raw.get(key))

    def control_characters(self) -> None:
        """A tab, line break or other control character is reported, never removed: removing a
        leading tab is what turns "\t=HYPERLINK(…)" into a formula."""
        for col in fmt.COLUMNS:
            if _CONTROL.search(self.raw.get(col.key) or ""):
                self.error(col.key, "含有制表符、换行符等控制字符，请删除后重新上传")

    def choice(self, key: str, words: dict, default):
        value = self.text(key)
        if not value:
            return default
        code = fmt.lookup(words, value)
        if code is None:
            allowed = "、".join(w[0] for w in words.values())
            self.error(key, f"无法识别“{value}”，可填：{allowed}")
        return code

    def money(self, key: str) -> Decimal | None:
        value = self.text(key)
        if not value:
            return None
        try:
            return parse_money(value)
        except MoneyError as exc:
            self.error(key, str(exc))
            return None

    def count(self, key: str) -> int:
        value = self.text(key)
        if not value:
            return 0
        if not value.isdigit():
            self.error(key, f"应填写非负整数：{value}")
            return 0
        return int(value)


def _parse_date(text: str) -> date | None:
    for sep in ("-", "/", "."):
        parts = text.split(sep)
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                return date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                return None
    if len(text) == 8 and text.isdigit():
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return None
    written = text.replace("年", "-").replace("月", "-").replace("日", "")
    # once: "1990年1月" becomes "1990-1-", which the loop above refuses
    return _parse_date(written) if written != text and "-" in written else None


def _check_person(c: _RowChecker, today: date, area_type: str | None) -> PersonRow | None:
    c.control_characters()
    for col in fmt.COLUMNS:
        if col.required and not c.text(col.key):
            c.error(col.key, f"{col.header}不能为空")
    rid = None
    if c.text("id_number"):
        try:
            rid = parse_resident_id(c.text("id_number"), today=today)
        except IdNumberError as exc:
            c.error("id_number", str(exc))
        else:
            if rid.converted_from_15:
                c.warn("id_number", f"15位旧号码已转换为18位：{mask_id_number(rid.number)}")
            elif normalise_id_text(c.text("id_number")) != c.text("id_number"):
                c.warn("id_number", "已将全角字符或小写x规范为标准格式")
    if c.text("birth_date"):
        born = _parse_date(c.text("birth_date"))
        if born is None:
            c.error("birth_date", f"日期不存在或格式错误：{c.text('birth_date')}（应为YYYY-MM-DD）")
        elif born > today:
            c.error("birth_date", f"出生日期晚于今天：{c.text('birth_date')}")
        elif rid is not None and born != rid.birth_date:
            c.error("birth_date", f"与身份证号码中的出生日期{rid.birth_date:%Y-%m-%d}不一致")
    relation = c.choice("relation", fmt.RELATION_WORDS, None) if c.text("relation") else None
    hukou = c.choice("hukou_type", fmt.HUKOU_WORDS, area_type)
    labour = c.choice("labour_capacity", fmt.LABOUR_WORDS, "full")
    disability = c.choice("disability_type", fmt.DISABILITY_WORDS, "")
    grade = c.choice("disability_grade", fmt.GRADE_WORDS, None)
    if disability and grade is None and not c.text("disability_grade"):
        c.error("disability_grade", "填写了残疾类别，须同时填写残疾等级（一级至四级）")
    if grade and not disability:
        c.error("disability_type", "填写了残疾等级，须同时填写残疾类别")
    health = c.choice("health_status", fmt.HEALTH_WORDS, "healthy")
    incomes = {}
    for key in fmt.INCOME_KEYS:
        text = c.text(key)
        if text.startswith("-") or text.startswith("－"):
            c.error(key, f"收入不能为负数：{text}")
            continue
        amount = c.money(key)
        if amount is not None:
            incomes[key] = amount
    counts = {key: c.count(key) for key in fmt.COUNT_KEYS}
    deposit = c.money("deposit")
    if not c.ok or rid is None:
        return None
    return PersonRow(
        row=c.lineno,
        name=c.text("name"),
        id_number=rid.number,
        birth_date=rid.birth_date,
        sex=rid.sex,
        relation=relation,
        hukou_type=hukou or "rural",
        ethnicity=c.text("ethnicity"),
        labour_capacity=labour,
        disability_type=disability or "",
        disability_grade=grade,
        health_status=health,
        incomes=incomes,
        counts=counts,
        deposit=deposit,
    )


def check_rows(
    rows: list[dict[str, str]], *, villages: dict[str, str], registered: dict[str, str], today: date
) -> ImportCheck:
    """`rows`: dicts keyed by column key, in file order; "_row" is the spreadsheet row number
    (default: position + 2, the header being row 1).
    `villages`: village code → area type ("urban"/"rural") for villages the user may import into.
    `registered`: normalised ID number → household number, for people already in the registry
    (None where the household lies outside the user's jurisdiction: never named to them)."""
    problems: list[RowProblem] = []
    groups: dict[str, list[tuple[int, dict, PersonRow | None]]] = defaultdict(list)
    first_seen: dict[str, int] = {}
    for index, raw in enumerate(rows):
        c = _RowChecker(raw.get("_row", index + 2), raw, problems)
        code = c.text("village_code")
        if code and code not in villages:
            c.error("village_code", f"村（社区）代码不存在或不在您的管辖范围内：{code}")
        person = _check_person(c, today, villages.get(code))
        if person is not None:
            if person.id_number in first_seen:
                c.error(
                    "id_number", f"与第{first_seen[person.id_number]}行是同一人（身份证号码重复）"
                )
                person = None
            elif person.id_number in registered:
                number = registered[person.id_number]
                c.error(
                    "id_number",
                    f"该人员已在家庭{number}中登记，不能重复登记"
                    if number
                    else "该人员已在其他地方登记（不在您的管辖范围内），不能重复登记",
                )
                first_seen[person.id_number] = c.lineno
                person = None
            else:
                first_seen[person.id_number] = c.lineno
        groups[c.text("family_key")].append((c.lineno, raw, person))
    good = [
        h
        for key, members in groups.items()
        if key
        if (h := _check_household(key, members, problems)) is not None
    ]
    bad_rows = {p.row for p in problems if p.severity == ERROR}
    return ImportCheck(len(rows), good, problems, bad_rows)


def _check_household(key: str, members: list, problems: list[RowProblem]) -> HouseholdRows | None:
    rows = [lineno for lineno, _, _ in members]
    heads = [
        (lineno, person)
        for lineno, raw, person in members
        if clean(raw.get("relation")) in fmt.RELATION_WORDS["self"]
    ]
    col = fmt.KEY_TO_HEADER["relation"]
    if not heads:
        problems += [RowProblem(r, col, f"家庭编号{key}的家庭没有户主，全户不能导入") for r in rows]
        return None
    if len(heads) > 1:
        problems += [
            RowProblem(r, col, f"家庭编号{key}有{len(heads)}名户主，只能有一名") for r, _ in heads
        ]
        return None
    codes = {clean(raw.get("village_code")) for _, raw, _ in members}
    if len(codes) > 1:
        problems += [
            RowProblem(
                r,
                fmt.KEY_TO_HEADER["village_code"],
                f"家庭编号{key}的成员填写了不同的村（社区）代码",
            )
            for r in rows
        ]
        return None
    bad = [lineno for lineno, _, p in members if p is None]
    if bad:
        listed = "、".join(str(r) for r in bad)
        problems += [
            RowProblem(lineno, "（整户）", f"同户第{listed}行有错误，本户暂不导入", WARNING)
            for lineno, _, p in members
            if p is not None
        ]
        return None
    head_raw = next(raw for lineno, raw, _ in members if lineno == heads[0][0])
    household = HouseholdRows(
        key=key,
        village_code=codes.pop(),
        address=clean(head_raw.get("address")),
        phone=clean(head_raw.get("phone")),
        bank_name=clean(head_raw.get("bank_name")),
        bank_account=clean(head_raw.get("bank_account")),
    )
    household.people = [p for _, _, p in members]
    household.people.sort(key=lambda p: p.relation != "self")
    return household
