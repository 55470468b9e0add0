"""Chinese names for linkage: simplified form, pinyin readings, and per-distinct-value key tables.

Pure module (no Django). The keys are computed once per *distinct* name in Python and handed to
DuckDB as a small table (``name_keys``), never per row: a million rows hold only ~10⁵ names.

- ``simplify``: traditional → simplified (OpenCC t2s), no spaces or middle dots (张 偉 → 张伟).
- ``readings``: every full pinyin reading of a name, allowing any reading of a heteronym
  (pypinyin ``heteronym=True``, one character at a time so that no phrase rule picks one reading
  for us) and, for the surname, the surname reading first (单 shan, 曾 zeng, 解 xie, 仇 qiu,
  区 ou, 朴 piao, 查 zha, …). Two names "sound the same" when their reading sets intersect.
- ``first_reading``: the one reading used for blocking, Jaro-Winkler and display.

DuckDB's string-similarity functions count UTF-8 bytes, so fuzzy scores are used on pinyin only;
Hanzi are compared exactly or by character overlap (``name_chars``).
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import pyarrow as pa
from opencc import OpenCC
from pypinyin import Style, pinyin

from jiuzhu.registry.namekeys import SURNAME_READINGS, split_surname

__all__ = [
    "MAX_READINGS",
    "NAME_KEY_COLUMNS",
    "char_readings",
    "first_reading",
    "name_chars",
    "name_keys",
    "name_keys_table",
    "readings",
    "register_name_keys",
    "simplify",
]

#: Cap on the number of full readings kept per name (a three-character name of three-way
#: heteronyms has 27); the first reading is always kept.
MAX_READINGS = 32

_DROP = str.maketrans("", "", " \t\r\n\u3000·•‧・.．")
_t2s = OpenCC("t2s")

#: The per-name columns added to a row by joining ``name_keys`` on ``name_norm``.
NAME_KEY_COLUMNS: dict[str, str] = {
    "name_norm": "VARCHAR",
    "name_py": "VARCHAR",  # first reading, syllables joined by spaces: "zhang wei"
    "name_py_all": "VARCHAR[]",  # every reading, same format
    "name_chars": "VARCHAR[]",  # the distinct characters of the name
}


@lru_cache(maxsize=262144)
def simplify(name: str | None) -> str:
    """Simplified characters, no whitespace or middle dots: '張 偉' → '张伟'."""
    if not name:
        return ""
    return _t2s.convert(name.translate(_DROP))


@lru_cache(maxsize=65536)
def char_readings(ch: str) -> tuple[str, ...]:
    """All toneless readings of one character, pypinyin's most common first ('单' → dan chan shan).

    A character pypinyin does not know (a Latin letter, a rare variant) reads as itself.
    """
    found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors=lambda s: [s.lower()])
    options = tuple(dict.fromkeys(r for r in found[0] if r)) if found else ()
    return options or (ch.lower(),)


def _syllable_options(name: str) -> list[tuple[str, ...]]:
    surname, given = split_surname(name)
    options: list[tuple[str, ...]] = []
    special = SURNAME_READINGS.get(surname)
    if special:
        if len(surname) == 1:
            options.append(tuple(dict.fromkeys((special, *char_readings(surname)))))
        else:  # compound surname with its own reading, e.g. 尉迟 yuchi: one syllable group
            options.append((special,))
    else:
        options.extend(char_readings(ch) for ch in surname)
    options.extend(char_readings(ch) for ch in given)
    return options


def readings(name: str) -> list[str]:
    """Every full reading (up to MAX_READINGS), the surname reading first: '单田芳' → ['shan tian fang', 'dan tian fang', …]."""
    if not name:
        return []
    combos = itertools.islice(itertools.product(*_syllable_options(name)), MAX_READINGS)
    return [" ".join(c) for c in combos]


def first_reading(name: str) -> str:
    """The reading used for blocking and display: '曾伟' → 'zeng wei'."""
    return " ".join(opts[0] for opts in _syllable_options(name)) if name else ""


def name_chars(name: str) -> list[str]:
    """The distinct characters, in order: '张丽丽' → ['张', '丽']."""
    return list(dict.fromkeys(name))


def name_keys(names) -> dict[str, list]:
    """Column-wise keys for the given distinct, already simplified names (NULL/empty skipped)."""
    cols: dict[str, list] = {c: [] for c in NAME_KEY_COLUMNS}
    for name in names:
        if not name:
            continue
        every = readings(name)
        cols["name_norm"].append(name)
        cols["name_py"].append(every[0])
        cols["name_py_all"].append(every)
        cols["name_chars"].append(name_chars(name))
    return cols


def name_keys_table(names) -> pa.Table:
    cols = name_keys(names)
    return pa.table(
        {
            "name_norm": pa.array(cols["name_norm"], pa.string()),
            "name_py": pa.array(cols["name_py"], pa.string()),
            "name_py_all": pa.array(cols["name_py_all"], pa.list_(pa.string())),
            "name_chars": pa.array(cols["name_chars"], pa.list_(pa.string())),
        }
    )


def register_name_keys(con, *, sources: list[tuple[str, str]], out: str) -> int:
    """Create table ``out`` (NAME_KEY_COLUMNS) for the distinct ``name_norm`` values found in
    ``sources`` — (table, filter SQL) pairs — and return how many names it holds."""
    union = " UNION ".join(
        f"SELECT DISTINCT name_norm FROM {table} WHERE name_norm IS NOT NULL AND name_norm <> ''"
        + (f" AND ({where})" if where else "")
        for table, where in sources
    )
    names = [
        row[0] for row in con.execute(f"SELECT name_norm FROM ({union}) ORDER BY 1").fetchall()
    ]
    view = f"{out}_arrow"
    con.register(view, name_keys_table(names))
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT * FROM {view}")
    finally:
        con.unregister(view)
    return len(names)
