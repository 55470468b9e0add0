import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest

CSV_PATH = (
    Path(__file__).resolve().parents[2] / "jiuzhu" / "regions" / "data" / "433123_fenghuang.csv"
)
COUNTY_CODE = "433123000000"
URBAN_RURAL_CODES = {"111", "112", "121", "122", "210", "220"}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with open(CSV_PATH, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["code", "name", "level", "parent_code", "urban_rural_code"]
        return list(reader)


def _level(rows, level):
    return [r for r in rows if r["level"] == level]


def test_levels_and_counts(rows):
    assert {r["level"] for r in rows} == {"county", "township", "village"}
    (county,) = _level(rows, "county")
    assert (county["code"], county["name"], county["parent_code"]) == (COUNTY_CODE, "凤凰县", "")
    assert len(_level(rows, "township")) == 17
    assert 230 <= len(_level(rows, "village")) <= 280


def test_codes_are_unique_twelve_digit(rows):
    codes = [r["code"] for r in rows]
    assert all(len(c) == 12 and c.isdigit() for c in codes)
    assert len(codes) == len(set(codes))


def test_townships(rows):
    for t in _level(rows, "township"):
        assert t["code"].startswith("433123") and t["code"].endswith("000"), t
        assert t["parent_code"] == COUNTY_CODE
        assert t["name"].endswith(("镇", "乡"))


def test_villages_belong_to_their_township(rows):
    townships = {t["code"] for t in _level(rows, "township")}
    for v in _level(rows, "village"):
        assert v["parent_code"] in townships, v
        assert v["code"][:9] == v["parent_code"][:9], v
        assert v["code"][9:] != "000", v
        assert v["urban_rural_code"] in URBAN_RURAL_CODES, v
        assert v["name"].endswith(("村", "社区", "居委会")), v
        if v["name"].endswith("社区"):
            assert v["urban_rural_code"].startswith("1"), v


def test_parents_come_before_children(rows):
    seen = set()
    for r in rows:
        if r["parent_code"]:
            assert r["parent_code"] in seen, r
        seen.add(r["code"])


def test_every_township_has_villages_with_unique_names(rows):
    names = defaultdict(list)
    for v in _level(rows, "village"):
        names[v["parent_code"]].append(v["name"])
    assert set(names) == {t["code"] for t in _level(rows, "township")}
    for code, village_names in names.items():
        assert len(village_names) >= 5, code
        assert len(village_names) == len(set(village_names)), code


def test_county_seat_has_urban_communities(rows):
    seat = next(t["code"] for t in _level(rows, "township") if t["name"] == "沱江镇")
    communities = [
        v
        for v in _level(rows, "village")
        if v["parent_code"] == seat and v["name"].endswith("社区")
    ]
    assert len(communities) >= 5
    assert Counter(v["urban_rural_code"][0] for v in communities) == {"1": len(communities)}
