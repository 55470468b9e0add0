"""Names for linkage: simplified form, pinyin under any reading, per-distinct-value keys."""

import duckdb

from jiuzhu.crosscheck.linkage.names import (
    first_reading,
    name_chars,
    readings,
    register_name_keys,
    simplify,
)


def test_traditional_to_simplified_without_spaces_or_dots():
    assert simplify("張偉") == "张伟"
    assert simplify("劉 建國") == "刘建国"
    assert simplify("歐陽　鋒") == "欧阳锋"  # ideographic space
    assert simplify("阿依古丽·买买提") == "阿依古丽买买提"
    assert simplify("") == "" and simplify(None) == ""


def test_surname_readings_come_first():
    expected = {
        "单": "shan",
        "曾": "zeng",
        "解": "xie",
        "仇": "qiu",
        "区": "ou",
        "朴": "piao",
        "查": "zha",
    }
    for surname, reading in expected.items():
        assert first_reading(surname + "伟") == f"{reading} wei"
    assert first_reading("单田芳") == "shan tian fang"


def test_heteronyms_allow_any_reading():
    assert "dan tian fang" in readings("单田芳")  # the common reading of 单 is also kept
    assert "ceng wei" in readings("曾伟")
    assert set(readings("乐乐")) >= {"yue le", "le le", "yue yue"}


def test_homophones_share_a_reading_and_strangers_do_not():
    assert set(readings("张伟")) & set(readings("张玮"))
    assert set(readings("张伟")) & set(readings("章维"))
    assert not set(readings("张伟")) & set(readings("张文"))


def test_compound_surnames_and_characters():
    assert first_reading("欧阳锋") == "ou yang feng"
    assert name_chars("张丽丽") == ["张", "丽"]


def test_keys_are_computed_once_per_distinct_name():
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE a AS SELECT * FROM (VALUES ('张伟'), ('张伟'), ('曾伟'), (NULL), ('')) t(name_norm)"
    )
    con.execute(
        "CREATE TABLE b AS SELECT * FROM (VALUES ('张伟', 1), ('单田芳', 2)) t(name_norm, k)"
    )
    n = register_name_keys(con, sources=[("a", None), ("b", "k = 2")], out="keys")
    assert n == 3
    rows = con.execute(
        "SELECT name_norm, name_py, name_py_all, name_chars FROM keys ORDER BY 1"
    ).fetchall()
    assert [r[0] for r in rows] == sorted(["张伟", "曾伟", "单田芳"])
    by_name = {r[0]: r for r in rows}
    assert by_name["单田芳"][1] == "shan tian fang"
    assert "dan tian fang" in by_name["单田芳"][2]
    assert by_name["张伟"][3] == ["张", "伟"]
