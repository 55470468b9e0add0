"""Checking a registry file row by row before a snapshot is written (pure: no Django).

Each problem names its row (as numbered in the spreadsheet, header = row 1), its column and the
reason in Chinese. An *error* keeps the row out of the snapshot; a *warning* keeps the row.
ID numbers are forgiving on purpose: a number with a wrong check digit is still kept (as
`invalid`), because linkage resolves one-character errors later; a row without an ID is kept
and linked by name and birth date.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from jiuzhu.core.idnumber import IdNumberError, normalise_id_text, parse_resident_id
from jiuzhu.core.masking import mask_id_number
from jiuzhu.core.money import MoneyError, parse_money

from . import snapshot_formats as fmt
from .registries import IdStatus, Kind, registry

__all__ = [
    "ERROR",
    "WARNING",
    "Problem",
    "SnapshotCheck",
    "check_rows",
    "duplicate_columns",
    "missing_columns",
    "normalise_name",
    "parse_date",
]

ERROR, WARNING = "error", "warning"
_EARLIEST = date(1900, 1, 1)
_DOTS = str.maketrans("", "", "·•‧・･∙．")
_GRADES = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}
_DECIMAL_RE = re.compile(r"DECIMAL\((\d+),(\d+)\)")
# People who should appear once in these registries: a second row is worth a look.
_ONCE_KINDS = frozenset({Kind.DEATH, Kind.DISABILITY})


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str
    severity: str = ERROR


@dataclass
class SnapshotCheck:
    kind: str
    rows_total: int
    rows: list[dict]  # normalised rows to store, in file order
    problems: list[Problem]
    bad_rows: set[int]
    duplicates: int = 0  # identical rows skipped
    id_status: dict[str, int] = field(default_factory=dict)  # over the rows to store

    @property
    def rows_good(self) -> int:
        return len(self.rows)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]


def missing_columns(kind: str, headers: list[str]) -> list[str]:
    present = {fmt.header_to_key(kind).get(h) for h in headers}
    return [f.header for f in fmt.fields_for(kind) if f.required and f.key not in present]


def duplicate_columns(kind: str, headers: list[str]) -> list[str]:
    """Headers that name a column already present (e.g. both 公民身份号码 and 身份证号码)."""
    mapping, seen, dup = fmt.header_to_key(kind), set(), []
    for h in headers:
        key = mapping.get(h)
        if key in seen:
            dup.append(h)
        elif key:
            seen.add(key)
    return dup


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=200_000)
def normalise_name(name: str) -> str:
    """Simplified Chinese, without spaces or middle dots: 歐陽 華 → 欧阳华, 阿依·古丽 → 阿依古丽."""
    text = "".join((name or "").split()).translate(_DOTS)
    return _t2s().convert(text) if text else ""


@lru_cache(maxsize=65_536)  # agency files repeat the same dates many times
def parse_date(text: str) -> date | None:
    """2025-03-14, 2025/3/14, 2025.3.14, 20250314, 2025年3月14日; a time part is ignored."""
    text = text.strip().split(" ")[0].split("T")[0]
    text = text.replace("年", "-").replace("月", "-").replace("日", "")
    for sep in ("-", "/", "."):
        parts = text.split(sep)
        if len(parts) == 3 and all(p.isascii() and p.isdigit() for p in parts):
            return _date(parts[0], parts[1], parts[2])
    if len(text) == 8 and text.isascii() and text.isdigit():
        return _date(text[:4], text[4:6], text[6:])
    return None


def _date(y: str, m: str, d: str) -> date | None:
    if len(y) != 4:
        return None
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


@dataclass
class _IdResult:
    status: IdStatus
    number: str = ""  # normalised text ("" when missing)
    birth_date: date | None = None
    sex: str | None = None

    @property
    def usable(self) -> bool:
        return self.status in (IdStatus.VALID, IdStatus.CONVERTED)


class _Row:
    """One row being checked: its raw cells, its problems, and the values read so far."""

    def __init__(self, kind: str, lineno: int, raw: dict, problems: list[Problem], today: date):
        self.kind, self.lineno, self.raw, self.problems, self.today = (
            kind,
            lineno,
            raw,
            problems,
            today,
        )
        self.headers = _headers(kind)
        self.ok = True

    def error(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.lineno, self.headers.get(key, key), message))
        self.ok = False

    def warn(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.lineno, self.headers.get(key, key), message, WARNING))

    def text(self, key: str) -> str:
        return str(self.raw.get(key) or "").strip()

    def read(self, f: fmt.Field):
        value = self.text(f.key)
        if not value:
            return None
        reader = _READERS.get(f.type)
        return reader(self, f, value) if reader else value

    def date(self, f: fmt.Field, value: str) -> date | None:
        day = parse_date(value)
        if day is None:
            self.error(f.key, f"日期不存在或格式错误：{value}（应为YYYY-MM-DD）")
        elif day > self.today:
            self.error(f.key, f"日期晚于今天：{value}")
        elif day < _EARLIEST:
            self.error(f.key, f"日期早于1900年：{value}")
        else:
            return day
        return None

    def enum(self, f: fmt.Field, value: str) -> str | None:
        code = fmt.lookup_word(f.words, value)
        if code is None:
            self.error(f.key, f"无法识别“{value}”，可填：{fmt.words_text(f.words)}")
        return code

    def decimal(self, f: fmt.Field, value: str) -> Decimal | None:
        if value.lstrip().startswith(("-", "－", "−")):
            self.error(f.key, f"不能为负数：{value}")
            return None
        try:
            amount = parse_money(value)
        except MoneyError:
            self.error(f.key, f"应填写数字：{value}")
            return None
        digits, places = _precision(self.kind, f.key)
        if amount >= Decimal(10) ** (digits - places):
            self.error(f.key, f"数值过大（最多{digits - places}位整数）：{value}")
            return None
        return amount

    def grade(self, f: fmt.Field, value: str) -> int | None:
        text = "".join(value.split()).removesuffix("级")
        if text.endswith(".0"):  # Excel numbers read as floats
            text = text[:-2]
        grade = _GRADES.get(text)
        if grade is None:
            self.error(f.key, f"残疾等级应为1至4级（可填1、一级、1级）：{value}")
        return grade

    def region(self, f: fmt.Field, value: str) -> str | None:
        code = normalise_id_text(value)
        if len(code) != 12 or not (code.isascii() and code.isdigit()):
            self.error(f.key, f"区划代码应为12位数字：{value}")
            return None
        return code

    def identity(self, key: str) -> _IdResult:
        raw = self.text(key)
        text = normalise_id_text(raw)
        if not text:
            return _IdResult(IdStatus.MISSING)
        try:
            rid = parse_resident_id(text, today=self.today)
        except IdNumberError as exc:
            return self._invalid_id(key, text, str(exc))
        if rid.converted_from_15:
            self.warn(key, f"15位旧号码已转换为18位：{mask_id_number(rid.number)}")
            return _IdResult(IdStatus.CONVERTED, rid.number, rid.birth_date, rid.sex)
        return _IdResult(IdStatus.VALID, rid.number, rid.birth_date, rid.sex)

    def _invalid_id(self, key: str, text: str, reason: str) -> _IdResult:
        # Kept, encrypted: one wrong character is resolved by linkage (tier 2). The birth date
        # in positions 7-14 is usually still right, and lets linkage block on name + birth date.
        born = _date(text[6:10], text[10:12], text[12:14]) if len(text) == 18 else None
        if born is not None and not (_EARLIEST <= born <= self.today):
            born = None
        extra = f"；出生日期按号码取{born:%Y-%m-%d}" if born else ""
        self.warn(key, f"{reason}。该行仍导入，号码加密保存，比对时按姓名和出生日期核对{extra}")
        return _IdResult(IdStatus.INVALID, text, born)


@lru_cache(maxsize=32)
def _headers(kind: str) -> dict[str, str]:
    return {f.key: f.header for f in fmt.fields_for(kind)}


@lru_cache(maxsize=128)
def _precision(kind: str, key: str) -> tuple[int, int]:
    match = _DECIMAL_RE.fullmatch(registry(kind).columns.get(key, "DECIMAL(18,2)"))
    return (int(match.group(1)), int(match.group(2))) if match else (18, 2)


_READERS = {
    fmt.FieldType.DATE: _Row.date,
    fmt.FieldType.ENUM: _Row.enum,
    fmt.FieldType.SEX: _Row.enum,
    fmt.FieldType.DECIMAL: _Row.decimal,
    fmt.FieldType.GRADE: _Row.grade,
    fmt.FieldType.REGION: _Row.region,
}


def _check_fields(r: _Row) -> dict:
    values: dict = {}
    kin_self = r.kind in fmt.KIN_KINDS and fmt.lookup_word(fmt.KIN_WORDS, r.text("kin")) == "self"
    for f in fmt.fields_for(r.kind):
        if f.type == fmt.FieldType.ID:
            continue
        if f.required and not r.text(f.key) and not (kin_self and f.key == "name"):
            r.error(f.key, f"{f.header}不能为空")
            continue
        values[f.key] = r.read(f)
    if kin_self and not values.get("name"):
        values["name"] = values.get("staff_name")
    return values


def _check_identity(r: _Row, values: dict, staff: _IdResult | None) -> _IdResult:
    """The person's ID, and what it says about birth date and sex. On the staff member's own
    row (kin 'self') with no number of its own, the staff member's number is the person's."""
    if staff is not None and values.get("kin") == "self" and not r.text("id_number"):
        ident = staff
    else:
        ident = r.identity("id_number")
    if ident.usable and values.get("birth_date") and values["birth_date"] != ident.birth_date:
        r.warn(
            "birth_date", f"与身份证号码中的出生日期{ident.birth_date:%Y-%m-%d}不一致，以本列为准"
        )
    if ident.usable and values.get("sex") and values["sex"] != ident.sex:
        r.warn("sex", "与身份证号码中的性别不一致，以本列为准")
    if values.get("birth_date") is None:
        values["birth_date"] = ident.birth_date
    if values.get("sex") is None:
        values["sex"] = ident.sex if ident.usable else None
    if ident.status == IdStatus.MISSING and values["birth_date"] is None:
        r.warn("id_number", "身份证号码和出生日期均为空，只能按姓名比对，请尽量补全")
    return ident


def _staff_values(values: dict, staff: _IdResult, ident: _IdResult, r: _Row) -> None:
    values["staff_id_number"] = staff.number if staff.usable else ""
    values["staff_id_masked"] = mask_id_number(staff.number) if staff.number else ""
    if (
        values.get("kin") == "self"
        and staff.usable
        and ident.usable
        and staff.number != ident.number
    ):
        r.warn("id_number", "关系为“本人”，但公民身份号码与工作人员身份号码不一致")


def _check_cross(r: _Row, values: dict) -> None:
    born, died = values.get("birth_date"), values.get("death_date")
    if born and died and died < born:
        r.error("death_date", f"死亡日期{died:%Y-%m-%d}早于出生日期{born:%Y-%m-%d}")


def _check_row(r: _Row) -> dict | None:
    values = _check_fields(r)
    staff = r.identity("staff_id_number") if r.kind in fmt.KIN_KINDS else None
    ident = _check_identity(r, values, staff)
    if staff is not None:
        _staff_values(values, staff, ident, r)
    _check_cross(r, values)
    if not r.ok:
        return None
    name = values.pop("name") or ""
    values.pop("id_number", None)
    return {
        "row_no": r.lineno,
        "id_number": ident.number,
        "id_status": ident.status.value,
        "id_masked": mask_id_number(ident.number) if ident.number else "",
        "name": name,
        "name_norm": normalise_name(name),
        "birth_date": values.pop("birth_date", None),
        "sex": values.pop("sex", None),
        "region_code": values.pop("region_code", None),
        **values,
    }


def _row_key(raw: dict) -> tuple:
    """The row's content, blanks left out (so a file without an optional column compares equal)."""
    return tuple(
        sorted((k, text) for k, v in raw.items() if k != "_row" and (text := str(v or "").strip()))
    )


def check_rows(kind: str, rows: list[dict], *, today: date) -> SnapshotCheck:
    """`rows`: dicts keyed by field key (snapshot_formats), in file order; "_row" is the
    spreadsheet row number (default: position + 2, the header being row 1)."""
    kind = Kind(kind).value
    problems: list[Problem] = []
    kept: list[dict] = []
    first_seen: dict[tuple, int] = {}
    id_rows: dict[str, int] = {}
    duplicates = 0
    example = _row_key({f.key: f.example for f in fmt.fields_for(kind)})
    for index, raw in enumerate(rows):
        lineno = int(raw.get("_row", index + 2))
        key = _row_key(raw)
        if key in first_seen:
            problems.append(
                Problem(lineno, "（整行）", f"与第{first_seen[key]}行完全相同，只导入一次", WARNING)
            )
            duplicates += 1
            continue
        first_seen[key] = lineno
        if key == example:
            problems.append(Problem(lineno, "（整行）", "这是模板中的示例行，请删除后再导入"))
            continue
        r = _Row(kind, lineno, raw, problems, today)
        stored = _check_row(r)
        if stored is None:
            continue
        if kind in _ONCE_KINDS and stored["id_number"] in id_rows:
            r.warn("id_number", f"同一身份证号码已在第{id_rows[stored['id_number']]}行出现")
        elif stored["id_number"]:
            id_rows[stored["id_number"]] = lineno
        kept.append(stored)
    bad_rows = {p.row for p in problems if p.severity == ERROR}
    statuses = Counter(row["id_status"] for row in kept)
    return SnapshotCheck(
        kind,
        len(rows),
        kept,
        problems,
        bad_rows,
        duplicates,
        {s.value: statuses.get(s.value, 0) for s in IdStatus},
    )
