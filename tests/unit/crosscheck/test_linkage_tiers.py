"""Each linkage tier with planted pairs and look-alikes, on a background population (no database).

The background (4,000 generated people) gives Splink realistic name and birth-date frequencies;
the planted people and registry rows below are what the tiers must (not) link.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import duckdb
import pyarrow as pa
import pytest

from jiuzhu.core.idnumber import check_digit
from jiuzhu.crosscheck.linkage import OUT_COLUMNS, LinkSettings, link, link_exact
from jiuzhu.crosscheck.linkage.model import (
    LEVEL_KEYS,
    model_for_dialect,
    settings_dict,
)
from jiuzhu.crosscheck.linkage.names import simplify
from jiuzhu.demo import truthset as T

GEO = T.Geography()
VILLAGE = GEO.village(0, 0, 0)
OTHER_VILLAGE = GEO.village(0, 3, 5)
FAR_VILLAGE = GEO.village(5, 7, 7)


def make_id(birth: date, order: int) -> str:
    first17 = f"433199{birth:%Y%m%d}{order:03d}"  # a county the background does not use
    return first17 + check_digit(first17)


def one_digit(id18: str, position: int) -> str:
    digit = "7" if id18[position - 1] != "7" else "2"
    return id18[: position - 1] + digit + id18[position:]


PEOPLE = {  # person_id: (name, sex, birth, village, order code)
    900001: ("张伟", "M", date(1975, 3, 12), VILLAGE, 11),
    900002: ("张伟", "M", date(1980, 7, 1), VILLAGE, 13),  # namesake in the same village
    900003: ("王芳", "F", date(1968, 11, 5), OTHER_VILLAGE, 22),
    900004: ("曾伟", "M", date(1990, 1, 9), VILLAGE, 31),
    900005: ("李秀英", "F", date(1950, 2, 6), VILLAGE, 42),
    900006: ("刘建国", "M", date(1962, 4, 20), OTHER_VILLAGE, 51),
    900007: ("陈静", "F", date(1985, 9, 23), VILLAGE, 62),
}
IDS = {pid: make_id(birth, order) for pid, (_, _, birth, _, order) in PEOPLE.items()}
STRANGER = make_id(date(1975, 3, 12), 99)  # another 张伟, same birth date, valid ID
STRANGER2 = make_id(date(1975, 3, 13), 97)  # another 张伟, one birth digit off, malformed ID


def transposed(id18: str, i: int) -> str:
    return id18[:i] + id18[i + 1] + id18[i] + id18[i + 2 :]


# row_no: (what, expected person or None, expected tier or None, columns)
REFS = {
    2: ("exact", 900003, "exact", dict(name="王芳", id=IDS[900003], status="valid")),
    3: (
        "15-digit",
        900001,
        "exact",
        dict(
            name="张伟",
            id=IDS[900001][:6] + IDS[900001][8:17],
            status="converted15",
            hash_of=IDS[900001],
        ),
    ),
    4: (
        "stranger with a valid ID, same name and birth date",
        None,
        None,
        dict(
            name="张伟",
            id=STRANGER,
            status="valid",
            birth=date(1975, 3, 12),
            sex="M",
            region=VILLAGE,
        ),
    ),
    5: (
        "one wrong digit",
        900001,
        "near",
        dict(
            name="张伟",
            id=one_digit(IDS[900001], 17),
            status="invalid",
            birth=date(1975, 3, 12),
            sex="M",
            region=VILLAGE,
        ),
    ),
    6: (
        "one wrong digit, no birth date",
        900003,
        "near",
        dict(name="王芳", id=one_digit(IDS[900003], 3), status="invalid"),
    ),
    7: (
        "adjacent transposition in the birth digits, no birth date",
        900004,
        "near",
        dict(name="曾伟", id=transposed(IDS[900004], 12), status="invalid"),
    ),
    8: (
        "namesake one birth digit off with a malformed ID of his own",
        None,
        None,
        dict(
            name="张伟",
            id=one_digit(STRANGER2, 16),
            status="invalid",
            birth=date(1975, 3, 13),
            sex="M",
            region=VILLAGE,
        ),
    ),
    9: (
        "traditional characters, no ID",
        900006,
        "probable",
        dict(name="劉建國", birth=date(1962, 4, 20), sex="M", region=OTHER_VILLAGE),
    ),
    10: (
        "homophone, no ID",
        900007,
        "probable",
        dict(name="陈婧", birth=date(1985, 9, 23), sex="F", region=VILLAGE),
    ),
    11: (
        "day and month swapped, no ID",
        900005,
        "probable",
        dict(name="李秀英", birth=date(1950, 6, 2), sex="F", region=VILLAGE),
    ),
    12: (
        "missing ID",
        900004,
        "probable",
        dict(name="曾伟", birth=date(1990, 1, 9), sex="M", region=VILLAGE),
    ),
    13: (
        "namesake with another birth date, same village",
        None,
        None,
        dict(name="张伟", birth=date(1958, 10, 30), sex="M", region=VILLAGE),
    ),
    14: (
        "stranger, no ID",
        None,
        None,
        dict(name="滕翠珊", birth=date(1971, 5, 17), sex="F", region=FAR_VILLAGE),
    ),
}
CIPHERS = {
    f"enc:{row_no:04d}": cols["id"]
    for row_no, (_, _, _, cols) in REFS.items()
    if cols.get("status") == "invalid"
}


def _tables():
    background = T.generate(4000, 0, seed=11, geography=GEO)
    people = background.people.to_pylist()
    for pid, (name, sex, birth, village, _) in PEOPLE.items():
        people.append(
            {
                "person_id": pid,
                "id_hash": T.id_hash(IDS[pid]),
                "name": name,
                "name_norm": simplify(name),
                "birth_date": birth,
                "sex": sex,
                "region_code": village,
            }
        )
    refs = []
    for row_no, (_, _, _, cols) in REFS.items():
        status = cols.get("status", "missing")
        cipher = f"enc:{row_no:04d}" if status == "invalid" else None
        hash_of = cols.get(
            "hash_of", cols.get("id") if status in ("valid", "converted15") else None
        )
        refs.append(
            {
                "row_no": row_no,
                "id_hash": T.id_hash(hash_of) if hash_of else None,
                "id_cipher": cipher,
                "id_masked": None,
                "id_status": status,
                "name": cols["name"],
                "name_norm": simplify(cols["name"]),
                "birth_date": cols.get("birth"),
                "sex": cols.get("sex"),
                "region_code": cols.get("region"),
            }
        )
    plain = {**background.plain_ids, **IDS}
    return (
        pa.Table.from_pylist(people, schema=background.people.schema),
        pa.Table.from_pylist(refs, schema=REFS_SCHEMA),
        plain,
    )


REFS_SCHEMA = pa.schema(
    [
        ("row_no", pa.int32()),
        ("id_hash", pa.string()),
        ("id_cipher", pa.string()),
        ("id_masked", pa.string()),
        ("id_status", pa.string()),
        ("name", pa.string()),
        ("name_norm", pa.string()),
        ("birth_date", pa.date32()),
        ("sex", pa.string()),
        ("region_code", pa.string()),
    ]
)


class Revealer:
    def __init__(self, plain: dict[int, str]) -> None:
        self.plain = plain
        self.people: list[int] = []
        self.refs: list[str] = []

    def reveal_people(self, ids):
        self.people.extend(ids)
        return {i: self.plain[i] for i in ids if i in self.plain}

    def reveal_refs(self, ciphers):
        self.refs.extend(ciphers)
        return {c: CIPHERS[c] for c in ciphers if c in CIPHERS}


@pytest.fixture(scope="module")
def world():
    people, refs, plain = _tables()
    con = duckdb.connect()
    con.register("people_arrow", people)
    con.register("refs_arrow", refs)
    con.execute("CREATE TABLE people AS SELECT * FROM people_arrow")
    con.execute("CREATE TABLE refs AS SELECT * FROM refs_arrow")
    revealer = Revealer(plain)
    stats = link(
        con,
        people="people",
        refs="refs",
        out="links",
        reveal_people=revealer.reveal_people,
        reveal_refs=revealer.reveal_refs,
    )
    links = {r[0]: r for r in con.execute("SELECT * FROM links").fetchall()}
    return con, stats, links, revealer


def _check(links, row_no):
    what, person, tier, _ = REFS[row_no]
    got = links.get(row_no)
    if tier is None:
        assert got is None or got[2] == "review", f"{what}: must not link, got {got}"
    else:
        assert got is not None, f"{what}: not linked"
        assert (got[1], got[2]) == (person, tier), f"{what}: {got}"
    return got


def test_output_schema_and_one_row_per_registry_row(world):
    con, stats, links, _ = world
    schema = {
        name: kind
        for name, kind in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'links' ORDER BY ordinal_position"
        ).fetchall()
    }
    assert schema == OUT_COLUMNS
    assert con.execute("SELECT count(*) = count(DISTINCT row_no) FROM links").fetchall()[0][0]
    assert stats.refs == len(REFS)
    assert stats.exact + stats.near + stats.probable + stats.review == len(links)
    assert not con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '__lk%' "
        "OR table_name LIKE '__splink%'"
    ).fetchall()[0][0]


def test_tier1_exact_and_converted_15_digit_ids(world):
    _, stats, links, _ = world
    assert _check(links, 2)[3] == 1.0
    assert "15位" in _check(links, 3)[4]
    _check(links, 4)  # valid ID of somebody else: never linked on name and birth date
    assert stats.exact == 2


def test_tier2_one_wrong_digit_links_张伟(world):
    _, stats, links, _ = world
    got = _check(links, 5)
    assert got[3] == pytest.approx(0.999)
    assert got[4].startswith(f"身份证号码第17位：{REFS[5][3]['id'][16]} ≠ {IDS[900001][16]}")
    assert "第3位" in _check(links, 6)[4]  # birth date from the ID's digits
    assert "第13、14位相邻颠倒" in _check(links, 7)[4]
    assert stats.near == 3


def test_tier2_namesake_with_a_malformed_id_of_his_own_is_not_linked(world):
    links = world[2]
    _check(links, 8)
    assert links.get(8) is None or links[8][1] != 900001


def test_tier2_reveals_only_candidate_pairs(world):
    _, stats, _, revealer = world
    assert set(revealer.refs) <= set(CIPHERS)
    assert 900001 in revealer.people and 900003 in revealer.people
    assert len(revealer.people) <= 10  # never the whole table (4,007 people)
    assert stats.revealed_people == len(set(revealer.people))


def test_tier3_probable_links(world):
    _, stats, links, _ = world
    assert "姓名一致" in _check(links, 9)[4]  # 劉建國 → 刘建国
    assert "姓名同音（chen jing）" in _check(links, 10)[4]
    assert "出生日期日月颠倒" in _check(links, 11)[4]
    assert _check(links, 12)[3] >= 0.99
    assert stats.comparisons > 0 and 0 < stats.prior < 1


def test_tier3_namesake_with_another_birth_date_does_not_link(world):
    links = world[2]
    _check(links, 13)
    _check(links, 14)


def test_same_input_same_links(world):
    con, stats, links, revealer = world
    again = link(
        con,
        people="people",
        refs="refs",
        out="links_again",
        reveal_people=revealer.reveal_people,
        reveal_refs=revealer.reveal_refs,
    )
    rows = {r[0]: r for r in con.execute("SELECT * FROM links_again").fetchall()}
    assert rows == links

    def without_uid(model):
        return {k: v for k, v in model.items() if k != "linker_uid"}

    assert without_uid(again.model) == without_uid(stats.model)


def test_link_exact_alone(world):
    con = world[0]
    assert link_exact(con, people="people", refs="refs", out="exact_only") == 2
    assert con.execute("SELECT DISTINCT tier FROM exact_only").fetchall() == [("exact",)]


def test_without_probabilistic_tier(world):
    con, _, _, revealer = world
    stats = link(
        con,
        people="people",
        refs="refs",
        out="links_12",
        reveal_people=revealer.reveal_people,
        reveal_refs=revealer.reveal_refs,
        settings=LinkSettings(probabilistic=False),
    )
    assert (stats.exact, stats.near, stats.probable, stats.review) == (2, 3, 0, 0)


def test_model_is_serialisable_and_runs_on_spark_settings(world):
    stats = world[1]
    json.dumps(stats.model)
    spark = model_for_dialect(stats.model, "spark")
    text = json.dumps(spark)
    assert "list_intersect" not in text and "jaro_winkler_similarity" not in text
    assert "ARRAY_INTERSECT" in text
    for comparison in spark["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        assert all(lv["u_probability"] > 0 and lv["m_probability"] > 0 for lv in levels)
        assert len(levels) == len(LEVEL_KEYS[comparison["output_column_name"]])
    json.dumps(settings_dict(dialect="spark"))


def test_linkage_package_imports_no_django():
    code = (
        "import sys, jiuzhu.crosscheck.linkage, jiuzhu.demo.truthset; "
        "sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_linked_people_are_the_linked_persons_and_their_households_heads():
    from jiuzhu.crosscheck.checks.base import linked_people

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE people AS SELECT * FROM (VALUES "
        "(1, 10, 'self'), (2, 10, 'spouse'), (3, 10, 'child'), "  # 2 linked: 1 (head) comes too
        "(4, 20, 'self'), (5, 20, 'child'), "  # 4 linked, a head
        "(6, 30, 'self'), (7, 30, 'spouse')"  # nobody linked
        ") t(person_id, household_id, relation)"
    )
    con.execute(
        "ALTER TABLE people ADD COLUMN name VARCHAR; ALTER TABLE people ADD COLUMN name_norm "
        "VARCHAR; ALTER TABLE people ADD COLUMN id_masked VARCHAR; ALTER TABLE people ADD "
        "COLUMN birth_date DATE; ALTER TABLE people ADD COLUMN sex VARCHAR; ALTER TABLE people "
        "ADD COLUMN region_code VARCHAR; ALTER TABLE people ADD COLUMN disability_type VARCHAR"
    )
    con.execute(
        "CREATE TABLE links AS SELECT * FROM (VALUES ('death', 1, 2), ('vehicle', 2, 4), "
        "('death', 3, 2), ('poverty', 4, 7)) t(kind, row_no, person_id)"
    )

    def reached(**kinds) -> list[int]:
        linked_people(con, links="links", out="reached", **kinds)
        return [p for (p,) in con.execute("SELECT person_id FROM reached ORDER BY 1").fetchall()]

    assert reached() == [1, 2, 4, 6, 7]  # 7's head (6) comes too
    assert reached(kinds={"death", "vehicle"}) == [1, 2, 4]  # the poverty link left out
    assert reached(kinds={"death"}) == [1, 2]
    assert reached(kinds=set()) == []
