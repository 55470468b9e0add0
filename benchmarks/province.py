"""A generated province for the cross-check benchmark (``bench_crosscheck.py``).

Everything is generated in DuckDB SQL (vectorised), never row by row in Python, except the
Fernet ciphertexts, which need the ``cryptography`` library: those are made by a small pool of
processes while the rows stream into PostgreSQL with ``COPY``.

* **Recipients** — N persons in the demo county's villages (凤凰县, 433123), about 2.55 per
  household; every household has an Application in status ``enrolled`` and an Enrolment in
  force (dibao, a few extreme-poverty households; a few heads also hold a single-person
  extreme-poverty enrolment, and a few persons are registered twice under IDs that differ only
  in the region code — both real duplicate patterns the checks look for). ID numbers are valid
  18-digit numbers with check digits, unique, birth dates 1935–2022; ``id_hash`` is the real
  keyed HMAC (computed in SQL as ``sha256(opad ‖ sha256(ipad ‖ msg))`` and checked against
  Python's ``hmac`` on a sample); ``id_cipher`` is a real Fernet token for every person.
* **Reference registries** — M rows over ten registries, written as Parquet with exactly the
  contract columns (``jiuzhu.crosscheck.registries``). Most rows are people elsewhere in the
  province (other counties' ID and region codes, overlapping between registries as real people
  do); a small share links to a recipient; the poverty and disability registries list many
  recipients (covered, so no finding) and a few thousand not-covered people of this county
  (missed-inclusion findings). 0.3 % of rows have no ID, 0.1 % an ID failing its check digit
  (kept as Fernet ciphertext, as the import does), 1 % a converted 15-digit ID.

Pure module apart from the Django calls in ``load_postgres`` / ``register_snapshots``.
"""

from __future__ import annotations

import collections
import hashlib
import io
import math
import multiprocessing as mp
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

COUNTY_ID_PREFIX = "433123"  # persons' ID region code (凤凰县)
MOVED_ID_PREFIX = "433122"  # duplicates registered again after moving (泸溪县)
BIRTH_FROM = date(1935, 1, 1)
BIRTH_DAYS = (date(2022, 12, 31) - BIRTH_FROM).days + 1  # D: birth dates spread uniformly
PROVINCE_POP = 40_000_000  # people of the rest of the province (reference rows)
MONTH = "2026-11"
AS_OF = date(2026, 11, 1)

# Registry shares of the reference rows (sum 1) — of 50M: real_estate 11M, vehicle 9M,
# fiscal_staff 7M, business 6M, poverty 5M, disability 3M, pension 3M, death 2M,
# village_cadre 2M, neighbour 1.5M, staff_report 0.5M.
SHARES: dict[str, float] = {
    "real_estate": 0.22,
    "vehicle": 0.18,
    "fiscal_staff": 0.14,
    "business": 0.12,
    "poverty": 0.10,
    "disability": 0.06,
    "pension": 0.06,
    "death": 0.04,
    "village_cadre": 0.04,
    "neighbour": 0.03,
    "staff_report": 0.01,
}
# Share of each registry's rows that are a recipient (parts per million).
HIT_PPM: dict[str, int] = {
    "death": 2_000,
    "fiscal_staff": 800,
    "village_cadre": 2_500,
    "staff_report": 4_000,
    "vehicle": 800,
    "business": 2_000,
    "real_estate": 8_000,
    "neighbour": 2_000,
    "poverty": 100_000,
    "disability": 100_000,
    "pension": 20_000,
}
# Poverty / disability rows of this county's people who are not in our registry (ppm).
LOCAL_UNLINKED_PPM = {"poverty": 600, "disability": 1_000}
# Other registries: rows of this county's residents who are not recipients (ppm).
LOCAL_OTHER_PPM = 20_000

OTHER_COUNTIES = [  # ID / region codes of other counties of the province (Hunan)
    "430102",
    "430103",
    "430104",
    "430105",
    "430111",
    "430112",
    "430121",
    "430181",
    "430182",
    "430202",
    "430203",
    "430204",
    "430211",
    "430223",
    "430224",
    "430225",
    "430281",
    "430302",
    "430304",
    "430321",
    "430381",
    "430382",
    "430405",
    "430406",
    "430421",
    "430422",
    "430423",
    "430424",
    "430426",
    "430481",
    "430482",
    "430502",
    "430503",
    "430511",
    "430521",
    "430522",
    "430602",
    "430603",
    "430611",
    "430621",
    "430624",
    "430626",
    "430681",
    "430702",
    "430703",
    "430721",
    "430722",
    "430723",
    "430726",
    "430781",
    "430802",
    "430811",
    "430821",
    "430822",
    "430902",
    "430903",
    "430921",
    "430922",
    "433101",
    "433124",
    "433125",
    "433126",
    "433127",
    "433130",
]
NEIGHBOUR_COUNTIES = [
    "吉首市",
    "泸溪县",
    "花垣县",
    "保靖县",
    "古丈县",
    "永顺县",
    "龙山县",
    "麻阳苗族自治县",
    "松桃苗族自治县",
    "铜仁市碧江区",
]

SURNAMES = [  # (surname, weight ‰) — national frequencies, plus the county's own (龙, 麻, 田, 石)
    ("王", 71),
    ("李", 70),
    ("张", 66),
    ("刘", 53),
    ("陈", 45),
    ("杨", 31),
    ("黄", 22),
    ("赵", 21),
    ("吴", 20),
    ("周", 19),
    ("徐", 15),
    ("孙", 15),
    ("马", 12),
    ("朱", 12),
    ("胡", 11),
    ("郭", 11),
    ("何", 11),
    ("林", 10),
    ("罗", 10),
    ("高", 10),
    ("郑", 8),
    ("梁", 8),
    ("谢", 7),
    ("宋", 6),
    ("唐", 6),
    ("许", 6),
    ("韩", 6),
    ("冯", 6),
    ("邓", 6),
    ("曹", 6),
    ("彭", 5),
    ("曾", 5),
    ("肖", 5),
    ("田", 6),
    ("董", 5),
    ("袁", 5),
    ("潘", 5),
    ("于", 5),
    ("蒋", 5),
    ("蔡", 5),
    ("余", 5),
    ("杜", 5),
    ("叶", 4),
    ("程", 4),
    ("苏", 4),
    ("魏", 4),
    ("吕", 4),
    ("丁", 4),
    ("任", 4),
    ("沈", 4),
    ("姚", 4),
    ("卢", 4),
    ("姜", 4),
    ("崔", 4),
    ("钟", 4),
    ("谭", 4),
    ("陆", 4),
    ("汪", 3),
    ("范", 3),
    ("金", 3),
    ("石", 5),
    ("廖", 3),
    ("贾", 3),
    ("夏", 3),
    ("韦", 3),
    ("付", 3),
    ("方", 3),
    ("白", 3),
    ("邹", 3),
    ("孟", 3),
    ("熊", 3),
    ("秦", 3),
    ("邱", 3),
    ("江", 3),
    ("尹", 3),
    ("薛", 2),
    ("闫", 2),
    ("段", 2),
    ("雷", 2),
    ("侯", 2),
    ("龙", 6),
    ("史", 2),
    ("陶", 2),
    ("黎", 2),
    ("贺", 2),
    ("顾", 2),
    ("毛", 2),
    ("郝", 2),
    ("龚", 2),
    ("邵", 2),
    ("万", 2),
    ("钱", 2),
    ("覃", 2),
    ("武", 2),
    ("戴", 2),
    ("孔", 2),
    ("汤", 2),
    ("向", 2),
    ("严", 2),
    ("麻", 2),
    ("单", 1),
    ("滕", 1),
    ("欧阳", 1),
    ("符", 1),
]
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红梅建国文辉鹏飞斌宇浩凯秀"
    "云琳雪婷欣怡佳慧晨阳鑫波宁俊峰亮林海燕玲凤春生福寿德志忠诚信义礼智仁和顺安康"
    "永新光荣发祥瑞金银珍珠翠彩霖露晶莹丹青松柏竹菊荷莲香春秋冬夏雨雷电虹彤璐瑶琪"
    "琦珊茜倩婉婕娅妍颖蕾薇蓉岚嘉豪博睿泽轩昊然楠子涵梓萱诗雨思远航天宏伟东升兴旺"
    "财贵富有成功立业家庭友谊团结勤俭朴实秉承继先祖耀宗光辉灿烂清正廉明坤乾元亨利"
    "贞吉庆祥和泰丰盛茂昌隆达通远广博厚道长久恒定"
)
POPULAR_GIVEN = [  # whole given names that make namesakes common (张伟, 王芳, …)
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "建国",
    "建军",
    "玉兰",
    "桂兰",
    "秀珍",
    "凤英",
    "红",
    "英",
    "华",
    "文",
    "斌",
    "波",
    "辉",
    "玲",
    "峰",
    "鹏",
]
UNITS = [
    "凤凰县财政局",
    "凤凰县教育和体育局",
    "凤凰县人民医院",
    "凤凰县民政局",
    "沱江镇人民政府",
    "廖家桥镇人民政府",
    "山江镇人民政府",
    "凤凰县自然资源局",
    "凤凰县公安局",
    "吉首市第一中学",
    "湘西州人民医院",
    "长沙市岳麓区人民政府",
]
POSTS = [
    "科员",
    "副局长",
    "主任",
    "会计",
    "教师",
    "医生",
    "护士",
    "村党支部书记",
    "村委会主任",
    "村监委会主任",
    "村会计",
    "民政专干",
    "社会救助经办员",
]
CLOSE_KIN = ["spouse", "parent", "child", "sibling", "grandparent", "grandchild", "parent_in_law"]
OTHER_KIN = ["cousin", "uncle_aunt", "nephew_niece", "sibling_in_law", "child_in_law"]


@dataclass
class Sizes:
    persons: int
    refs: int
    registries: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, persons: int, refs: int) -> Sizes:
        kinds = list(SHARES)
        counts = {k: int(refs * SHARES[k]) for k in kinds}
        counts[kinds[0]] += refs - sum(counts.values())
        return cls(persons, refs, counts)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {msg}", file=sys.stderr, flush=True)


# --- DuckDB helpers --------------------------------------------------------------------------


def connect(*, memory_limit: str, threads: int, temp_dir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET temp_directory = ?", [str(temp_dir)])
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    return con


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _list(values) -> str:
    return "[" + ", ".join(_lit(v) for v in values) + "]"


def _pinyin_parts(surnames, chars, popular) -> tuple[list, list, list]:
    from pypinyin import Style, lazy_pinyin

    from jiuzhu.registry.namekeys import name_syllables

    def syl(text):
        return [s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors="ignore")]

    sur = [(s, "".join(name_syllables(s + "明")[:-1])) for s in surnames]
    sur = [(s, py, "".join(x[0] for x in name_syllables(s + "明")[:-1])) for s, py in sur]
    giv = [(c, "".join(syl(c)), "".join(x[0] for x in syl(c))) for c in chars]
    pop = [(g, "".join(syl(g)), "".join(x[0] for x in syl(g))) for g in popular]
    return sur, giv, pop


def install_macros(con, *, lookup_key: str, id_purpose: str) -> None:
    """ID numbers, the keyed hash, masks and names as SQL macros over integer seeds."""
    key = lookup_key.encode()
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    ipad = bytes(b ^ 0x36 for b in key).hex()
    opad = bytes(b ^ 0x5C for b in key).hex()
    # HMAC-SHA256(key, purpose:id18) exactly as jiuzhu.core.crypto.lookup_hash
    con.execute(f"""CREATE OR REPLACE MACRO hmac_id(id18) AS
        sha256(unhex('{opad}') || unhex(sha256(unhex('{ipad}') || ({_lit(id_purpose + ":")} || id18)::BLOB)))""")
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643 MOD 11-2
    total = " + ".join(
        f"(ascii(substr(x17, {i + 1}, 1)) - 48) * {w}" for i, w in enumerate(weights)
    )
    con.execute(
        f"CREATE OR REPLACE MACRO id_check(x17) AS "
        f"substr('10X98765432', 1 + CAST(({total}) % 11 AS INTEGER), 1)"
    )
    con.execute(f"""CREATE OR REPLACE MACRO id17(region6, d, s) AS
        region6 || strftime(DATE '{BIRTH_FROM}' + CAST(d AS INTEGER), '%Y%m%d')
                || lpad(CAST(s AS VARCHAR), 3, '0')""")
    con.execute(
        "CREATE OR REPLACE MACRO id18(region6, d, s) AS "
        "id17(region6, d, s) || id_check(id17(region6, d, s))"
    )
    con.execute(f"CREATE OR REPLACE MACRO birth_of(d) AS DATE '{BIRTH_FROM}' + CAST(d AS INTEGER)")
    con.execute("CREATE OR REPLACE MACRO sex_of(s) AS CASE WHEN s % 2 = 1 THEN 'M' ELSE 'F' END")
    con.execute("CREATE OR REPLACE MACRO mask_id(x) AS left(x, 4) || '**********' || right(x, 4)")

    surnames = [s for s, w in SURNAMES for _ in range(w)]  # weighted slots
    sur, giv, pop = _pinyin_parts([s for s, _ in SURNAMES], GIVEN_CHARS, POPULAR_GIVEN)
    by_s = {s: (py, ini) for s, py, ini in sur}
    for col, idx in (("hz", None), ("py", 0), ("ini", 1)):
        con.execute(
            f"CREATE OR REPLACE MACRO sur_{col}(i) AS "
            f"{_list([s if idx is None else by_s[s][idx] for s in surnames])}[1 + CAST(i % {len(surnames)} AS INTEGER)]"
        )
        con.execute(
            f"CREATE OR REPLACE MACRO giv_{col}(i) AS "
            f"{_list([g[0 if idx is None else idx + 1] for g in giv])}[1 + CAST(i % {len(giv)} AS INTEGER)]"
        )
        con.execute(
            f"CREATE OR REPLACE MACRO pop_{col}(i) AS "
            f"{_list([g[0 if idx is None else idx + 1] for g in pop])}[1 + CAST(i % {len(pop)} AS INTEGER)]"
        )
        # a whole name from one seed: 15 % a popular given name, 20 % one character, else two
        con.execute(f"""CREATE OR REPLACE MACRO name_{col}(seed) AS
            sur_{col}(hash(seed, 11)) || CASE
                WHEN hash(seed, 12) % 100 < 15 THEN pop_{col}(hash(seed, 13))
                WHEN hash(seed, 12) % 100 < 35 THEN giv_{col}(hash(seed, 14))
                ELSE giv_{col}(hash(seed, 14)) || giv_{col}(hash(seed, 15)) END""")
    install_id_dates(con)


def verify_macros(con, *, id_lookup_hash, parse_resident_id, mask_id_number, sample: int = 2000):
    """The SQL ID numbers are valid and the SQL HMAC equals Python's, on a sample."""
    rows = con.execute(f"""
        SELECT x, hmac_id(x), mask_id(x) FROM (
            SELECT id18(CASE WHEN r % 2 = 0 THEN '{COUNTY_ID_PREFIX}' ELSE '430102' END,
                        hash(r, 1) % {BIRTH_DAYS}, hash(r, 2) % 1000) AS x
            FROM range({sample}) t(r))""").fetchall()
    for x, h, m in rows:
        parse_resident_id(x)
        assert h == id_lookup_hash(x), f"HMAC mismatch for a generated ID: {h}"
        assert m == mask_id_number(x), m
    return len(rows) + verify_id18f(con)


# --- recipients ------------------------------------------------------------------------------

SIZE_SQL = (
    "CASE WHEN r < 20 THEN 1 WHEN r < 50 THEN 2 WHEN r < 80 THEN 3 "
    "WHEN r < 95 THEN 4 ELSE 5 END"
)  # mean 2.55 persons per household


def _coprime_step(n: int) -> int:
    """A multiplier that permutes 0..n-1 and scatters neighbours (golden ratio)."""
    step = max(1, int(n * 0.6180339887)) | 1
    while math.gcd(step, n) != 1:
        step += 2
    return step


def build_recipients(con, *, persons: int, villages: list[tuple], offsets: dict[str, int]) -> dict:
    """Tables hh (households with village, programme) and persons (all columns we load)."""
    assert persons <= 440 * BIRTH_DAYS, "too many persons for one county's ID space"
    con.execute(
        "CREATE OR REPLACE TABLE villages AS SELECT * FROM (VALUES "
        + ", ".join(
            f"({i}, {vid}, {_lit(code)}, {tid}, {str(urban).lower()})"
            for i, (vid, code, tid, urban) in enumerate(villages)
        )
        + ") t(vi, village_id, village_code, township_id, urban)"
    )
    n_villages = len(villages)
    est = int(persons / 2.55 * 1.05) + 10
    con.execute(f"""
        CREATE OR REPLACE TABLE hh AS
        WITH s0 AS (SELECT range AS h, hash(range, 1) % 100 AS r FROM range({est})),
             s AS (SELECT h, {SIZE_SQL} AS size FROM s0),
             c AS (SELECT h, size, sum(size) OVER (ORDER BY h ROWS UNBOUNDED PRECEDING) - size
                   AS first FROM s)
        SELECT h, least(size, {persons} - first)::INTEGER AS size, first,
               CAST(hash(h, 2) % {n_villages} AS INTEGER) AS vi
        FROM c WHERE first < {persons}
    """)
    step = _coprime_step(persons)
    con.execute(f"""
        CREATE OR REPLACE TABLE hh2 AS
        SELECT h.h, {offsets["household"]} + h.h + 1 AS household_id, h.size, h.first,
               v.village_id, v.village_code, v.township_id, v.urban,
               v.village_code || lpad(CAST(row_number() OVER (PARTITION BY h.vi ORDER BY h.h)
                                           + {offsets["serials"]} AS VARCHAR), 5, '0') AS number,
               CASE WHEN hash(h.h, 3) % 100 < 5 THEN 'extreme_poverty_dispersed'
                    WHEN v.urban THEN 'dibao_urban' ELSE 'dibao_rural' END AS programme_code,
               hash(h.h, 4) % 10000 < 1 AS extra_ep        -- head also in extreme poverty
        FROM hh h JOIN villages v USING (vi)
    """)
    con.execute("DROP TABLE hh")
    con.execute("ALTER TABLE hh2 RENAME TO hh")
    # persons: identity index ident -> (birth day, sequence) is a bijection, so IDs are unique;
    # a few persons (0.005 %) copy another person's name and birth date under a moved region code
    con.execute(f"""
        CREATE OR REPLACE TABLE persons AS
        WITH m AS (SELECT h, household_id, village_code, village_id, township_id, urban,
                          unnest(range(size)) AS member, first + unnest(range(size)) AS i
                   FROM hh),
             k AS (SELECT *, hash(i, 6) % 100000 < 5 AS dup,
                          CASE WHEN hash(i, 6) % 100000 < 5 THEN (i + 1000) % {persons} ELSE i END AS src
                   FROM m),
             q AS (SELECT *, CAST((src * {step} + 7) % {persons} AS BIGINT) AS ident FROM k),
             r AS (SELECT *, ident % {BIRTH_DAYS} AS d,
                          2 * (ident // {BIRTH_DAYS}) + hash(ident, 16) % 2 AS s,
                          CASE WHEN dup THEN '{MOVED_ID_PREFIX}' ELSE '{COUNTY_ID_PREFIX}' END AS idreg
                   FROM q)
        SELECT i AS idx, {offsets["person"]} + i + 1 AS person_id, household_id, member,
               id18(idreg, d, s) AS id18, birth_of(d) AS birth_date, sex_of(s) AS sex,
               name_hz(ident) AS name, name_ini(ident) AS name_initials, name_py(ident) AS name_pinyin,
               CASE WHEN member = 0 THEN 'self' WHEN member = 1 THEN 'spouse'
                    WHEN s % 2 = 1 THEN 'son' ELSE 'daughter' END AS relation,
               CASE WHEN urban THEN 'urban' ELSE 'rural' END AS hukou_type,
               CASE WHEN hash(i, 7) % 1000 < 20 THEN
                    ['physical', 'visual', 'hearing', 'intellectual', 'mental', 'multiple'][1 + CAST(hash(i, 8) % 6 AS INTEGER)]
                    ELSE '' END AS disability_type,
               CASE WHEN hash(i, 7) % 1000 < 20 THEN CAST(1 + hash(i, 9) % 4 AS INTEGER) END AS disability_grade,
               CASE WHEN hash(i, 10) % 1000 < 5 THEN 'serious' WHEN hash(i, 10) % 1000 < 55 THEN 'chronic'
                    ELSE 'healthy' END AS health_status,
               village_code, village_id, township_id, dup
        FROM r
    """)
    con.execute("ALTER TABLE persons ADD COLUMN id_hash VARCHAR")
    con.execute("UPDATE persons SET id_hash = hmac_id(id18)")
    n_h, n_p, n_dup, n_ep = con.execute("""
        SELECT (SELECT count(*) FROM hh), count(*), count(*) FILTER (dup),
               (SELECT count(*) FROM hh WHERE extra_ep) FROM persons""").fetchone()
    distinct = con.execute("SELECT count(DISTINCT id18) FROM persons").fetchone()[0]
    assert distinct == n_p, "generated ID numbers are not unique"
    return {"households": n_h, "persons": n_p, "moved_duplicates": n_dup, "extra_ep_heads": n_ep}


def write_people_parquet(con, path: Path) -> None:
    """The persons' ID hashes (plus keys) for the bare join and pandas baselines."""
    con.execute(
        f"COPY (SELECT person_id, household_id, id_hash FROM persons) TO {_lit(str(path))} "
        "(FORMAT parquet, COMPRESSION zstd)"
    )


# --- PostgreSQL load -------------------------------------------------------------------------

_fernet = None


def _fernet_init(key: str) -> None:
    global _fernet
    from cryptography.fernet import Fernet

    _fernet = Fernet(key.encode())


def _fernet_chunk(values: list[str]) -> list[str]:
    return [_fernet.encrypt(v.encode()).decode() for v in values]


def _table_columns(cur, table: str) -> list[tuple[str, bool, str, bool]]:
    cur.execute(
        """SELECT column_name, is_nullable = 'YES', data_type, column_default IS NOT NULL
                   OR is_identity = 'YES'
                   FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position""",
        [table],
    )
    return cur.fetchall()


_ZERO = {
    "character varying": "''",
    "text": "''",
    "boolean": "false",
    "integer": "0",
    "bigint": "0",
    "smallint": "0",
    "numeric": "0",
    "jsonb": "'{}'",
    "json": "'{}'",
    "date": "current_date",
    "timestamp with time zone": "now()",
    "double precision": "0",
}


def select_for(cur, table: str, given: dict[str, str]) -> tuple[list[str], str]:
    """The column list and DuckDB select list for a PostgreSQL table: the given expressions,
    and for any other NOT NULL column without a default a zero value of its type (so a column
    added by a migration does not break the benchmark)."""
    names, exprs = [], []
    for name, nullable, dtype, has_default in _table_columns(cur, table):
        if name in given:
            names.append(name)
            exprs.append(f"{given[name]} AS {name}")
        elif not nullable and not has_default:
            names.append(name)
            exprs.append(f"{_ZERO[dtype]} AS {name}")
    unknown = set(given) - set(names)
    assert not unknown, f"{table}: no such columns {unknown}"
    return names, ", ".join(exprs)


def _copy_batches(cur, table: str, names: list[str], batches, on_rows=None) -> int:
    opts = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
    total = 0
    with cur.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN (FORMAT csv)") as copy:
        for batch in batches:
            buf = io.BytesIO()
            pacsv.write_csv(pa.Table.from_batches([batch]), buf, opts)
            copy.write(buf.getbuffer())
            total += batch.num_rows
            if on_rows:
                on_rows(total)
    return total


class _IndexesDeferred:
    """Drop a table's secondary indexes and unique constraints for a bulk COPY and build them
    again afterwards (one sorted build instead of millions of random B-tree inserts); the
    definitions are read from the catalogue, so the schema ends up exactly as migrated."""

    def __init__(self, cur, tables: list[str]):
        self.cur, self.tables, self.constraints, self.indexes = cur, tables, [], []

    def __enter__(self):
        cur = self.cur
        for table in self.tables:
            cur.execute(
                """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                           WHERE conrelid = %s::regclass AND contype = 'u'""",
                [table],
            )
            cons = cur.fetchall()
            cur.execute(
                """SELECT i.indexname, i.indexdef FROM pg_indexes i
                           WHERE i.tablename = %s AND i.indexname NOT IN (
                               SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass
                               AND contype IN ('p', 'u'))""",
                [table, table],
            )
            idx = cur.fetchall()
            for name, _ in cons:
                cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _ in idx:
                cur.execute(f'DROP INDEX "{name}"')
            self.constraints += [(table, n, d) for n, d in cons]
            self.indexes += [d for _, d in idx]
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is not None:
            return False
        self.cur.execute("SET maintenance_work_mem = '1GB'")
        for table, name, definition in self.constraints:
            self.cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for definition in self.indexes:
            self.cur.execute(definition)
        return False


def _copy_query(con, cur, table: str, names: list[str], sql: str) -> int:
    reader = con.sql(sql).to_arrow_reader(100_000)
    return _copy_batches(cur, table, names, reader)


def load_postgres(
    con,
    *,
    conn,
    offsets: dict,
    programmes: dict[str, int],
    county_id: int,
    user_id: int,
    field_key: str,
    workers: int = 2,
) -> dict:
    """COPY households, persons (Fernet in a process pool), applications and enrolments.
    Foreign-key triggers are skipped for the load (session_replication_role = replica): the
    keys are generated consistent, and the counts are checked afterwards."""
    seconds = {}
    prog_case = (
        "CASE programme_code "
        + " ".join(f"WHEN {_lit(c)} THEN {pk}" for c, pk in programmes.items())
        + " END"
    )
    tables = ["registry_household", "registry_person", "cases_application", "payments_enrolment"]
    with conn.cursor() as cur, _IndexesDeferred(cur, tables) as deferred:
        cur.execute("SET session_replication_role = replica")
        t = time.perf_counter()
        names, sel = select_for(
            cur,
            "registry_household",
            {
                "id": "hh.household_id",
                "number": "hh.number",
                "county_id": str(county_id),
                "township_id": "hh.township_id",
                "village_id": "hh.village_id",
                "address": "'凤凰县' || hh.number",
                "area_type": "CASE WHEN hh.urban THEN 'urban' ELSE 'rural' END",
                "head_name": "p.name",
                "source": "'demo'",
                "created_at": "now()",
                "updated_at": "now()",
            },
        )
        n = _copy_query(
            con,
            cur,
            "registry_household",
            names,
            f"SELECT {sel} FROM hh JOIN persons p ON p.household_id = hh.household_id "
            "WHERE p.member = 0 ORDER BY hh.household_id",
        )
        seconds["households"] = round(time.perf_counter() - t, 1)
        log(f"  households: {n:,} in {seconds['households']} s")

        t = time.perf_counter()
        names, sel = select_for(
            cur,
            "registry_person",
            {
                "id": "person_id",
                "household_id": "household_id",
                "relation": "relation",
                "name": "name",
                "name_initials": "name_initials",
                "name_pinyin": "name_pinyin",
                "id_cipher": "id18",  # replaced by its Fernet token in the pool below
                "id_hash": "id_hash",
                "id_masked": "mask_id(id18)",
                "birth_date": "birth_date",
                "sex": "sex",
                "hukou_type": "hukou_type",
                "labour_capacity": "'full'",
                "disability_type": "disability_type",
                "disability_grade": "disability_grade",
                "health_status": "health_status",
            },
        )
        pos = names.index("id_cipher")
        reader = con.sql(f"SELECT {sel} FROM persons ORDER BY person_id").to_arrow_reader(50_000)
        last = [time.perf_counter()]

        def progress(done):
            if time.perf_counter() - last[0] > 30:
                last[0] = time.perf_counter()
                log(f"  persons: {done:,}")

        with mp.get_context("spawn").Pool(
            workers, initializer=_fernet_init, initargs=(field_key,)
        ) as pool:

            def encrypted():
                window = collections.deque()
                for batch in reader:
                    window.append(
                        (batch, pool.apply_async(_fernet_chunk, (batch.column(pos).to_pylist(),)))
                    )
                    if len(window) > 2 * workers:
                        b, res = window.popleft()
                        yield b.set_column(pos, names[pos], pa.array(res.get(), pa.string()))
                while window:
                    b, res = window.popleft()
                    yield b.set_column(pos, names[pos], pa.array(res.get(), pa.string()))

            n = _copy_batches(cur, "registry_person", names, encrypted(), progress)
        seconds["persons"] = round(time.perf_counter() - t, 1)
        log(f"  persons: {n:,} in {seconds['persons']} s")

        t = time.perf_counter()
        con.execute(f"""
            CREATE OR REPLACE TABLE apps AS
            SELECT {offsets["application"]} + row_number() OVER (ORDER BY household_id, single)
                       AS application_id, *
            FROM (SELECT h.household_id, h.village_id, h.township_id, h.programme_code, h.size AS members,
                         NULL::BIGINT AS person_id, false AS single FROM hh h
                  UNION ALL
                  SELECT h.household_id, h.village_id, h.township_id, 'extreme_poverty_dispersed',
                         1, p.person_id, true
                  FROM hh h JOIN persons p ON p.household_id = h.household_id AND p.member = 0
                  WHERE h.extra_ep)
        """)
        names, sel = select_for(
            cur,
            "cases_application",
            {
                "id": "application_id",
                "number": "'BJ' || lpad(CAST(application_id AS VARCHAR), 12, '0')",
                "household_id": "household_id",
                "applicant_id": "person_id",
                "programme_id": prog_case,
                "county_id": str(county_id),
                "township_id": "township_id",
                "village_id": "village_id",
                "status": "'enrolled'",
                "version": "1",
                "missing_materials": "'[]'",
                "calculation": "'[]'",
                "created_by_id": str(user_id),
                "created_at": "now()",
                "delegated": "true",
                "confirming_level": "'township'",
                "monthly_amount": "members * 520.00",
                "decided_on": "DATE '2025-06-30'",
            },
        )
        n_apps = _copy_query(
            con, cur, "cases_application", names, f"SELECT {sel} FROM apps ORDER BY application_id"
        )
        names, sel = select_for(
            cur,
            "payments_enrolment",
            {
                "id": f"application_id - {offsets['application']} + {offsets['enrolment']}",
                "household_id": "household_id",
                "person_id": "person_id",
                "programme_id": prog_case,
                "application_id": "application_id",
                "county_id": str(county_id),
                "township_id": "township_id",
                "village_id": "village_id",
                "members": "members",
                "monthly_amount": "members * 520.00",
                "start_month": "strftime(DATE '2016-01-01' + CAST(hash(application_id, 5) % 3900 AS INTEGER), '%Y-%m')",
                "end_month": "''",
                "status": "'active'",
                "created_by_id": str(user_id),
                "created_at": "now()",
            },
        )
        n_enr = _copy_query(
            con, cur, "payments_enrolment", names, f"SELECT {sel} FROM apps ORDER BY application_id"
        )
        seconds["applications_enrolments"] = round(time.perf_counter() - t, 1)
        log(
            f"  applications {n_apps:,}, enrolments {n_enr:,} in {seconds['applications_enrolments']} s"
        )
        cur.execute("SET session_replication_role = origin")
        for table in tables:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        t = time.perf_counter()
    seconds["indexes"] = round(time.perf_counter() - t, 1)
    log(
        f"  {len(deferred.indexes) + len(deferred.constraints)} indexes built in {seconds['indexes']} s"
    )
    conn.commit()
    return {"applications": n_apps, "enrolments": n_enr, "seconds": seconds}


# --- reference registries --------------------------------------------------------------------


def _region_weight(code6: str) -> int:
    return sum(int(c) * w for c, w in zip(code6, (7, 9, 10, 5, 8, 4), strict=True))


def install_id_dates(con) -> None:
    """Birth dates with their ID digits and the weighted sum of those digits (positions 7–14),
    so a row's ID number costs a join and a few integer operations (see ``id18f``)."""
    con.execute(f"""
        CREATE OR REPLACE TABLE id_dates AS
        SELECT CAST(range AS BIGINT) AS d, DATE '{BIRTH_FROM}' + CAST(range AS INTEGER) AS birth,
               strftime(DATE '{BIRTH_FROM}' + CAST(range AS INTEGER), '%Y%m%d') AS ymd
        FROM range({BIRTH_DAYS})""")
    terms = " + ".join(
        f"(ascii(substr(ymd, {i + 1}, 1)) - 48) * {w}"
        for i, w in enumerate((2, 1, 6, 3, 7, 9, 10, 5))
    )
    con.execute("ALTER TABLE id_dates ADD COLUMN wd INTEGER DEFAULT 0")
    con.execute(f"UPDATE id_dates SET wd = {terms}")
    con.execute("""CREATE OR REPLACE MACRO id18f(reg, wr, ymd, wd, s) AS
        reg || ymd || lpad(CAST(s AS VARCHAR), 3, '0') || substr('10X98765432',
            1 + CAST((wr + wd + (s // 100) * 8 + ((s // 10) % 10) * 4 + (s % 10) * 2) % 11 AS INTEGER), 1)""")


def verify_id18f(con, sample: int = 20000) -> int:
    """The fast ID formula equals the plain one (check digit by the GB 11643 weights)."""
    regs = OTHER_COUNTIES[:5] + [COUNTY_ID_PREFIX]
    weights = ", ".join(str(_region_weight(c)) for c in regs)
    bad = con.execute(f"""
        WITH t AS (SELECT {_list(regs)}[1 + CAST(r % {len(regs)} AS INTEGER)] AS reg,
                          [{weights}][1 + CAST(r % {len(regs)} AS INTEGER)] AS wr,
                          CAST(hash(r, 1) % {BIRTH_DAYS} AS BIGINT) AS d, hash(r, 2) % 1000 AS s
                   FROM range({sample}) x(r))
        SELECT count(*) FROM t JOIN id_dates USING (d)
        WHERE id18(reg, d, s) <> id18f(reg, wr, ymd, wd, s)""").fetchone()[0]
    assert bad == 0, f"{bad} fast ID numbers differ"
    return sample


def _identity_sql(
    kind: str, salt: int, n: int, persons: int, county_villages: str, hit_ppm: int, local_ppm: int
) -> str:
    """Rows k of a registry with: grp ('hit' / 'local' / 'other'), the person's ID, name, birth
    date, sex and region code, and the seeds the kind's own columns use."""
    n_cv = county_villages.count(",") + 1
    n_oc = len(OTHER_COUNTIES)
    oc_weights = "[" + ", ".join(str(_region_weight(c)) for c in OTHER_COUNTIES) + "]"
    pair_buckets = max(1, int(n * hit_ppm / 1e6 * 0.08 / 2))
    pidx = (
        f"CASE WHEN '{kind}' = 'real_estate' AND cls % 100 >= 88 AND cls % 100 < 96 "
        f"THEN hash({salt}, 8, hash(k, {salt}, 7) % {pair_buckets}) % {persons} "
        f"ELSE hash(k, {salt}, 1) % {persons} END"
    )
    return f"""
        WITH base AS (
            SELECT k, hash(k, {salt}, 0) % 1000000 AS cls, hash(k, {salt}, 5) % 1000 AS idq
            FROM range({n}) t(k)
        ), typed AS (
            SELECT *, CASE WHEN cls < {hit_ppm} THEN 'hit'
                           WHEN cls < {hit_ppm + local_ppm} THEN 'local' ELSE 'other' END AS grp,
                      CASE WHEN cls < {hit_ppm} THEN CAST({pidx} AS BIGINT) END AS pidx,
                      hash(k, {salt}, 4) % {PROVINCE_POP} AS j
            FROM base
        ), ident AS (
            SELECT t.*, p.id18 AS p_id18, p.birth_date AS p_birth, p.sex AS p_sex,
                CASE WHEN grp = 'local' THEN '{COUNTY_ID_PREFIX}'
                     WHEN grp = 'other' THEN {_list(OTHER_COUNTIES)}[1 + CAST(j % {n_oc} AS INTEGER)] END AS reg,
                CASE WHEN grp = 'local' THEN {_region_weight(COUNTY_ID_PREFIX)}
                     WHEN grp = 'other' THEN {oc_weights}[1 + CAST(j % {n_oc} AS INTEGER)] END AS wr,
                CAST(CASE WHEN grp = 'local' THEN hash(k, {salt}, 2) % {BIRTH_DAYS}
                          WHEN grp = 'other' THEN (j // {n_oc}) % {BIRTH_DAYS} END AS BIGINT) AS d,
                CASE WHEN grp = 'local' THEN 900 + hash(k, {salt}, 3) % 100
                     ELSE 2 * ((j // {n_oc}) // {BIRTH_DAYS}) + hash(j, 3) % 2 END AS s,
                CASE WHEN grp = 'hit' THEN p.name
                     WHEN grp = 'local' THEN name_hz(hash(k, {salt}, 2)) ELSE name_hz(j) END AS name,
                CASE WHEN grp = 'hit' THEN p.village_code
                     WHEN grp = 'local' THEN {county_villages}[1 + CAST(hash(k, {salt}, 6) % {n_cv} AS INTEGER)]
                     ELSE {_list(OTHER_COUNTIES)}[1 + CAST(j % {n_oc} AS INTEGER)]
                          || lpad(CAST(100 + hash(j, 1) % 20 AS VARCHAR), 3, '0')
                          || lpad(CAST(200 + hash(j, 2) % 30 AS VARCHAR), 3, '0') END AS region_code,
                p.household_id AS p_household
            FROM typed t LEFT JOIN persons p ON p.idx = t.pidx
        )
        SELECT i.*,
            CASE WHEN grp = 'hit' THEN p_id18 ELSE id18f(reg, wr, dt.ymd, dt.wd, s) END AS id18,
            CASE WHEN grp = 'hit' THEN 'valid' WHEN idq < 3 THEN 'missing' WHEN idq < 4 THEN 'invalid'
                 WHEN idq < 14 THEN 'converted15' ELSE 'valid' END AS id_status,
            CASE WHEN grp = 'hit' THEN p_birth ELSE dt.birth END AS birth,
            CASE WHEN grp = 'hit' THEN p_sex WHEN s % 2 = 1 THEN 'M' ELSE 'F' END AS sx
        FROM ident i LEFT JOIN id_dates dt ON dt.d = i.d
    """


def _common_select() -> str:
    return """
        CAST(k + 2 AS INTEGER) AS row_no,
        CASE WHEN id_status IN ('valid', 'converted15') THEN hmac_id(id18) END AS id_hash,
        CASE WHEN id_status = 'invalid' THEN fernet(bad_id) END AS id_cipher,
        CASE WHEN id_status = 'missing' THEN NULL
             WHEN id_status = 'invalid' THEN mask_id(bad_id) ELSE mask_id(id18) END AS id_masked,
        id_status, name, name AS name_norm, birth AS birth_date, sx AS sex, region_code,
        -- snapshot_store.id_county_hash: the keyed hash of the ID's county
        CASE WHEN id_status IN ('valid', 'converted15') THEN hmac_id('county:' || left(id18, 6))
             END AS id_county_hash
    """


def _kind_select(kind: str, salt: int) -> str:
    """The kind's own columns (contract order), from hash seeds of row k."""
    h = lambda n: f"hash(k, {salt}, {n})"  # noqa: E731
    r = lambda n, m=100: f"({h(n)} % {m})"  # noqa: E731
    if kind == "death":
        return f"""CASE WHEN grp = 'hit' THEN DATE '2024-01-01' + CAST({r(20, 1000)} AS INTEGER)
                        ELSE DATE '2015-01-01' + CAST({r(20, 4300)} AS INTEGER) END AS death_date,
                   ['公安户籍注销', '火化', '医学死亡证明'][1 + CAST({r(21, 3)} AS INTEGER)] AS source"""
    if kind in ("fiscal_staff", "village_cadre", "staff_report"):
        kin = f"""CASE WHEN grp = 'hit' THEN
                        CASE WHEN {r(30)} < 10 THEN 'self'
                             WHEN {r(30)} < 85 THEN {_list(CLOSE_KIN)}[1 + CAST({r(31, len(CLOSE_KIN))} AS INTEGER)]
                             ELSE {_list(OTHER_KIN)}[1 + CAST({r(31, len(OTHER_KIN))} AS INTEGER)] END
                   WHEN {r(30)} < 25 THEN 'self'
                   WHEN {r(30)} < 85 THEN {_list(CLOSE_KIN)}[1 + CAST({r(31, len(CLOSE_KIN))} AS INTEGER)]
                   ELSE {_list(OTHER_KIN)}[1 + CAST({r(31, len(OTHER_KIN))} AS INTEGER)] END"""
        return (
            f"""
            CASE WHEN kin = 'self' THEN name ELSE name_hz(sj) END AS staff_name,
            CASE WHEN kin = 'self' THEN (CASE WHEN id_status IN ('valid', 'converted15') THEN hmac_id(id18) END)
                 ELSE hmac_id(staff18) END AS staff_id_hash,
            CASE WHEN kin = 'self' THEN (CASE WHEN id_status = 'missing' THEN NULL ELSE mask_id(id18) END)
                 ELSE mask_id(staff18) END AS staff_id_masked,
            {_list(UNITS)}[1 + CAST({r(32, len(UNITS))} AS INTEGER)] AS unit,
            {_list(POSTS)}[1 + CAST({r(33, len(POSTS))} AS INTEGER)] AS post,
            kin
        """,
            kin,
        )
    if kind == "vehicle":
        vt = f"""CASE WHEN {r(40)} < 45 THEN 'car' WHEN {r(40)} < 75 THEN 'motorcycle'
                      WHEN {r(40)} < 83 THEN 'truck' WHEN {r(40)} < 95 THEN 'farm_machine'
                      ELSE 'disabled_mobility' END"""
        return f"""
            '湘' || chr(65 + CAST({r(41, 20)} AS INTEGER)) || lpad(CAST({r(42, 100000)} AS VARCHAR), 5, '0') AS plate,
            {vt} AS vehicle_type,
            CAST(CASE WHEN {vt} = 'farm_machine' THEN 10000 + {r(43, 190000)}
                      WHEN {vt} IN ('car', 'truck') AND {r(44)} < 40 THEN 20000 + {r(43, 300000)}
                 END AS DECIMAL(14,2)) AS value,
            DATE '2005-01-01' + CAST({r(45, 7600)} AS INTEGER) AS registered_on"""
    if kind == "business":
        return f"""
            '凤凰县' || sur_hz({h(50)}) || '记' || ['商行', '农家乐', '养殖场', '建材店', '运输队'][1 + CAST({r(51, 5)} AS INTEGER)] AS business_name,
            '92' || left(region_code, 6) || upper(substr(md5(CAST(k AS VARCHAR) || '{salt}'), 1, 10)) AS credit_code,
            ['legal_rep', 'shareholder', 'owner'][1 + CAST({r(52, 3)} AS INTEGER)] AS role,
            CAST(CASE WHEN {r(53)} < 60 THEN 10000 + {r(54, 90000)} ELSE 100000 + {r(54, 5000000)} END
                 AS DECIMAL(16,2)) AS registered_capital,
            CASE WHEN {r(55)} < 75 THEN 'active' ELSE 'closed' END AS business_status,
            DATE '2000-01-01' + CAST({r(56, 9000)} AS INTEGER) AS established_on"""
    if kind == "real_estate":
        usage = f"""CASE WHEN grp = 'hit' THEN (CASE WHEN cls % 100 < 96 THEN 'residential'
                                                    WHEN cls % 100 < 99 THEN 'commercial' ELSE 'industrial' END)
                         WHEN {r(60)} < 85 THEN 'residential' WHEN {r(60)} < 93 THEN 'commercial'
                         WHEN {r(60)} < 95 THEN 'industrial' ELSE 'other' END"""
        return f"""
            '湖南省' || region_code || '号地块' || CAST({r(61, 300)} AS VARCHAR) || '号' AS address,
            {usage} AS usage,
            CAST(40 + {r(62, 16000)} / 100.0 AS DECIMAL(10,2)) AS area_m2,
            DATE '1995-01-01' + CAST({r(63, 11000)} AS INTEGER) AS registered_on"""
    if kind == "poverty":
        return f"""
            CASE WHEN grp = 'hit' THEN 'HN' || CAST(p_household AS VARCHAR)
                 WHEN grp = 'local' THEN 'HX' || CAST({h(70)} % {{local_households}} AS VARCHAR)
                 ELSE 'HP' || CAST(j // 3 AS VARCHAR) END AS household_no,
            CASE WHEN grp = 'local' THEN ['lifted', 'lifted', 'lifted', 'unstable', 'unstable', 'edge', 'edge', 'edge', 'sudden_hardship', 'sudden_hardship'][1 + CAST({r(71, 10)} AS INTEGER)]
                 WHEN {r(71)} < 80 THEN 'lifted' WHEN {r(71)} < 88 THEN 'unstable'
                 WHEN {r(71)} < 96 THEN 'edge' ELSE 'sudden_hardship' END AS monitoring_type,
            CASE WHEN {r(72)} < 12 THEN 'open' ELSE 'removed' END AS risk_status"""
    if kind == "disability":
        return f"""
            CASE WHEN {r(80)} < 50 THEN 'physical' WHEN {r(80)} < 62 THEN 'visual'
                 WHEN {r(80)} < 74 THEN 'hearing' WHEN {r(80)} < 76 THEN 'speech'
                 WHEN {r(80)} < 84 THEN 'intellectual' WHEN {r(80)} < 92 THEN 'mental'
                 ELSE 'multiple' END AS disability_type,
            CAST(CASE WHEN {r(81)} < 10 THEN 1 WHEN {r(81)} < 40 THEN 2 WHEN {r(81)} < 70 THEN 3 ELSE 4 END
                 AS INTEGER) AS disability_grade"""
    if kind == "pension":
        bt = f"""CASE WHEN grp = 'hit' THEN
                      (CASE WHEN {r(100)} < 94 THEN 'resident_pension' WHEN {r(100)} < 97 THEN 'employee_pension'
                            WHEN {r(100)} < 98 THEN 'public_pension' WHEN {r(100)} < 99 THEN 'unemployment'
                            ELSE 'other' END)
                      WHEN {r(100)} < 60 THEN 'resident_pension' WHEN {r(100)} < 90 THEN 'employee_pension'
                      WHEN {r(100)} < 95 THEN 'public_pension' WHEN {r(100)} < 97 THEN 'unemployment'
                      ELSE 'other' END"""
        return f"""
            {bt} AS benefit_type,
            CAST(CASE {bt} WHEN 'resident_pension' THEN 150 + {r(101, 250)}
                           WHEN 'employee_pension' THEN 1800 + {r(101, 2700)}
                           WHEN 'public_pension' THEN 3000 + {r(101, 5000)}
                           WHEN 'unemployment' THEN 1200 + {r(101, 600)}
                           ELSE 300 + {r(101, 1200)} END AS DECIMAL(12,2)) AS monthly_amount,
            DATE '2000-01-01' + CAST({r(102, 9700)} AS INTEGER) AS since"""
    if kind == "neighbour":
        return f"""
            {_list(NEIGHBOUR_COUNTIES)}[1 + CAST({r(90, len(NEIGHBOUR_COUNTIES))} AS INTEGER)] AS county_name,
            CASE WHEN {r(91)} < 85 THEN 'dibao' ELSE 'extreme_poverty' END AS programme,
            CAST(300 + {r(92, 600)} AS DECIMAL(12,2)) AS monthly_amount,
            DATE '2018-01-01' + CAST({r(93, 3000)} AS INTEGER) AS since"""
    raise ValueError(kind)


def write_registry(
    con, *, kind: str, n: int, persons: int, county_villages: str, path: Path, columns: list[str]
) -> dict:
    salt = 100 + list(SHARES).index(kind)
    hit_ppm = HIT_PPM[kind]
    local_ppm = LOCAL_UNLINKED_PPM.get(kind, LOCAL_OTHER_PPM)
    ident = _identity_sql(kind, salt, n, persons, county_villages, hit_ppm, local_ppm)
    own = _kind_select(kind, salt)
    pre = ""
    if isinstance(own, tuple):  # kin registries: the kin and the staff member's identity first
        own, kin = own
        n_oc = len(OTHER_COUNTIES)
        oc_weights = "[" + ", ".join(str(_region_weight(c)) for c in OTHER_COUNTIES) + "]"
        pre = f", {kin} AS kin, hash(k // 3, {salt}, 34) % {PROVINCE_POP} AS sj"
        staff = (
            f"id18f({_list(OTHER_COUNTIES)}[1 + CAST(sj % {n_oc} AS INTEGER)], "
            f"{oc_weights}[1 + CAST(sj % {n_oc} AS INTEGER)], sd.ymd, sd.wd, "
            f"2 * ((sj // {n_oc}) // {BIRTH_DAYS}) + hash(sj, 3) % 2)"
        )
    own = own.replace("{local_households}", str(max(1, int(n * local_ppm / 1e6 / 2))))
    bad = (
        "CASE WHEN id_status = 'invalid' THEN left(id18, 17) || "
        "CASE WHEN right(id18, 1) = '0' THEN '1' ELSE '0' END END AS bad_id"
    )
    sql = f"""
        WITH rows AS ({ident}),
             rows2 AS (SELECT *, {bad} {pre} FROM rows)
             {
        ", rows3 AS (SELECT r2.*, " + staff + " AS staff18 FROM rows2 r2 JOIN id_dates sd "
        "ON sd.d = CAST((r2.sj // "
        + str(len(OTHER_COUNTIES))
        + ") % "
        + str(BIRTH_DAYS)
        + " AS BIGINT))"
        if pre
        else ""
    }
        SELECT {_common_select()}, {own}
        FROM {"rows3" if pre else "rows2"}
    """
    con.execute(f"COPY ({sql}) TO {_lit(str(path))} (FORMAT parquet, COMPRESSION zstd)")
    got = con.execute(f"SELECT * FROM read_parquet({_lit(str(path))}) LIMIT 0").description
    got_names = [d[0] for d in got]
    assert got_names == columns, f"{kind}: columns {got_names} != contract {columns}"
    stats = con.execute(f"""
        SELECT count(*), count(id_hash), count(*) FILTER (id_status = 'invalid')
        FROM read_parquet({_lit(str(path))})""").fetchone()
    return {"rows": stats[0], "with_hash": stats[1], "invalid": stats[2]}


def write_registries(
    con,
    *,
    sizes: Sizes,
    persons: int,
    county_village_codes: list[str],
    out_dir: Path,
    contract: dict[str, list[str]],
    field_key: str,
) -> dict:
    from cryptography.fernet import Fernet

    f = Fernet(field_key.encode())
    con.execute("SELECT 1").fetchall()  # DuckDB 2: no pending result when registering
    con.create_function(
        "fernet",
        lambda s: f.encrypt(s.encode()).decode(),
        ["VARCHAR"],
        "VARCHAR",
        side_effects=True,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    villages = _list(county_village_codes)
    result = {}
    for kind, n in sizes.registries.items():
        t = time.perf_counter()
        path = out_dir / f"{kind}.parquet"
        result[kind] = write_registry(
            con,
            kind=kind,
            n=n,
            persons=persons,
            county_villages=villages,
            path=path,
            columns=contract[kind],
        )
        result[kind]["seconds"] = round(time.perf_counter() - t, 1)
        result[kind]["path"] = str(path)
        result[kind]["mb"] = round(path.stat().st_size / 2**20, 1)
        log(f"  {kind}: {n:,} rows, {result[kind]['mb']} MB in {result[kind]['seconds']} s")
    return result
