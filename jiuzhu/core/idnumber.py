"""Chinese resident ID numbers (公民身份号码, GB 11643-1999).

An 18-character number is: 6-digit region code, 8-digit birth date (YYYYMMDD), 3-digit order
code (odd = male, even = female) and a check character computed with ISO 7064 MOD 11-2.
Old 15-digit numbers (before 1999) have a 2-digit birth year and no check character; they are
converted by inserting "19" into the year and appending the check character.

Pure module: no Django import (enforced by an import-linter contract).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = [
    "IdNumberError",
    "ResidentId",
    "VALID_PROVINCE_PREFIXES",
    "check_digit",
    "convert_15_to_18",
    "make_resident_id",
    "normalise_id_text",
    "parse_resident_id",
]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_MAP = "10X98765432"
_DIGITS = frozenset("0123456789")
_EARLIEST_BIRTH = date(1900, 1, 1)

# Province-level prefixes: mainland provinces and municipalities, Taiwan (71), Hong Kong (81),
# Macao (82).
VALID_PROVINCE_PREFIXES: frozenset[str] = frozenset(
    [str(n) for n in range(11, 16)]
    + [str(n) for n in range(21, 24)]
    + [str(n) for n in range(31, 38)]
    + [str(n) for n in range(41, 47)]
    + [str(n) for n in range(50, 55)]
    + [str(n) for n in range(61, 66)]
    + ["71", "81", "82"]
)

# Full-width digits and X, plus the ideographic space, mapped for normalisation.
_FULLWIDTH_TABLE = {0xFF10 + i: str(i) for i in range(10)}
_FULLWIDTH_TABLE.update({0xFF38: "X", 0xFF58: "X", ord("x"): "X"})


class IdNumberError(ValueError):
    """A resident ID number is malformed; ``str(error)`` is a Chinese message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ResidentId:
    number: str  # normalised, always 18 characters
    birth_date: date
    sex: str  # "M" or "F"
    region_code: str  # first 6 digits
    converted_from_15: bool

    def age_on(self, day: date) -> int:
        """Age in full years on ``day`` (a person born on 29 Feb turns a year older on 1 Mar)."""
        had_birthday = (day.month, day.day) >= (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - (0 if had_birthday else 1)


def normalise_id_text(raw: str) -> str:
    """Remove all whitespace (including U+3000), fold full-width digits/X and lower-case x."""
    if not raw:
        return ""
    folded = raw.translate(_FULLWIDTH_TABLE)
    return "".join(folded.split())


def _is_ascii_digits(text: str) -> bool:
    # str.isdigit() accepts other scripts' digits and superscripts; IDs are ASCII only.
    return bool(text) and all(ch in _DIGITS for ch in text)


def check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits of an 18-digit ID."""
    if len(first17) != 17 or not _is_ascii_digits(first17):
        raise IdNumberError("计算校验位需要17位数字")
    total = sum(int(ch) * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_MAP[total % 11]


def convert_15_to_18(id15: str) -> str:
    """Convert an old 15-digit ID: insert "19" into the birth year and append the check digit."""
    if len(id15) != 15 or not _is_ascii_digits(id15):
        raise IdNumberError("15位旧身份证号码应全部为数字")
    first17 = id15[:6] + "19" + id15[6:]
    return first17 + check_digit(first17)


def _check_region(region_code: str) -> None:
    if region_code == "000000" or region_code[:2] not in VALID_PROVINCE_PREFIXES:
        raise IdNumberError(f"身份证号码前6位地区码无效：{region_code}")


def _parse_birth_date(text: str, today: date) -> date:
    try:
        born = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise IdNumberError(f"身份证号码中的出生日期无效：{text}") from None
    if born < _EARLIEST_BIRTH:
        raise IdNumberError(f"身份证号码中的出生日期早于1900年1月1日：{text}")
    if born > today:
        raise IdNumberError("身份证号码中的出生日期晚于今天")
    return born


def _check_characters(text: str) -> None:
    for position, ch in enumerate(text, start=1):
        if ch == "X":
            if len(text) != 18 or position != 18:
                raise IdNumberError(
                    f"身份证号码含有非法字符：X只能出现在18位号码的最后一位（第{position}位）"
                )
        elif ch not in _DIGITS:
            raise IdNumberError(f"身份证号码含有非法字符：第{position}位“{ch}”")


def parse_resident_id(raw: str, *, today: date | None = None) -> ResidentId:
    """Validate and decode an ID number; raise IdNumberError with a Chinese message if invalid."""
    text = normalise_id_text(raw or "")
    if not text:
        raise IdNumberError("身份证号码不能为空")
    _check_characters(text)
    if len(text) not in (15, 18):
        raise IdNumberError(f"身份证号码应为18位（或15位旧号码），实际为{len(text)}位")

    converted = len(text) == 15
    if converted:
        # Validate the parts before conversion so the messages quote what the user typed.
        _check_region(text[:6])
        _parse_birth_date("19" + text[6:12], today or date.today())
        text = convert_15_to_18(text)

    region_code = text[:6]
    _check_region(region_code)
    born = _parse_birth_date(text[6:14], today or date.today())
    expected = check_digit(text[:17])
    if text[17] != expected:
        raise IdNumberError(f"身份证号码校验位错误：末位应为{expected}，实际为{text[17]}")

    return ResidentId(
        number=text,
        birth_date=born,
        sex="M" if int(text[16]) % 2 == 1 else "F",
        region_code=region_code,
        converted_from_15=converted,
    )


def make_resident_id(*, region_code: str, birth_date: date, sequence: int, sex: str) -> str:
    """Build a valid 18-digit ID (for demo data).

    ``sequence`` (0–99) gives the first two digits of the order code; the third digit is derived
    from it, odd for "M" and even for "F", so the same inputs always give the same number.
    """
    if len(region_code) != 6 or not _is_ascii_digits(region_code):
        raise IdNumberError(f"地区码应为6位数字：{region_code}")
    _check_region(region_code)
    if not _EARLIEST_BIRTH <= birth_date:
        raise IdNumberError(f"出生日期不能早于1900年1月1日：{birth_date.isoformat()}")
    if isinstance(sequence, bool) or not isinstance(sequence, int) or not 0 <= sequence <= 99:
        raise IdNumberError(f"顺序号应为0到99之间的整数：{sequence}")
    if sex == "M":
        third = 2 * (sequence % 5) + 1
    elif sex == "F":
        third = 2 * (sequence % 5)
    else:
        raise IdNumberError(f"性别应为“M”或“F”：{sex}")
    first17 = f"{region_code}{birth_date:%Y%m%d}{sequence:02d}{third}"
    return first17 + check_digit(first17)
