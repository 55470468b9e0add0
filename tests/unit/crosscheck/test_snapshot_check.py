"""The row checks of a registry file (pure: no database)."""

import subprocess
import sys
from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.crosscheck.snapshot_check import (
    ERROR,
    WARNING,
    check_rows,
    duplicate_columns,
    missing_columns,
    normalise_name,
    parse_date,
)

TODAY = date(2025, 6, 30)
ID = make_resident_id(region_code="433123", birth_date=date(1950, 1, 2), sequence=3, sex="M")
ID_X = next(
    i
    for s in range(100)
    if (
        i := make_resident_id(
            region_code="433123", birth_date=date(1960, 5, 5), sequence=s, sex="F"
        )
    ).endswith("X")
)
BAD_DIGIT = ID[:-1] + ("0" if ID[-1] != "0" else "1")
ID15 = "433123500101031"  # born 1950-01-01, male


def check(kind, *rows, today=TODAY):
    return check_rows(kind, [{"_row": n, **r} for n, r in enumerate(rows, start=2)], today=today)


def problem(result, row, column):
    found = [p for p in result.problems if p.row == row and p.column == column]
    assert found, result.problems
    return found[0]


def death(**extra):
    return {"name": "龙大山", "id_number": ID, "death_date": "2025-03-14", **extra}


def test_a_good_row_is_normalised():
    [row] = check("death", death(source="火化", region_code="433123109201")).rows
    assert row["row_no"] == 2 and row["id_status"] == "valid" and row["id_number"] == ID
    assert row["id_masked"] == ID[:4] + "*" * 10 + ID[-4:]
    assert row["birth_date"] == date(1950, 1, 2) and row["sex"] == "M"  # from the ID
    assert row["death_date"] == date(2025, 3, 14) and row["source"] == "火化"
    assert row["region_code"] == "433123109201" and row["name_norm"] == "龙大山"


def test_missing_name_is_an_error():
    result = check("death", death(name="  "))
    assert problem(result, 2, "姓名").message == "姓名不能为空"
    assert result.rows_good == 0 and result.bad_rows == {2}


def test_dates_bad_future_and_death_before_birth():
    result = check(
        "death",
        death(death_date="2025-02-30"),
        death(death_date="2025-07-01"),
        death(death_date="1949-12-31"),
        death(death_date="2025年3月1日"),
    )
    assert "日期不存在或格式错误" in problem(result, 2, "死亡日期").message
    assert "晚于今天" in problem(result, 3, "死亡日期").message
    assert "早于出生日期1950-01-02" in problem(result, 4, "死亡日期").message
    assert [r["row_no"] for r in result.rows] == [5] and result.rows[0]["death_date"] == date(
        2025, 3, 1
    )


def test_parse_date_accepts_the_usual_spellings():
    for text in (
        "2025-03-14",
        "2025/3/14",
        "2025.3.14",
        "20250314",
        "2025年3月14日",
        "2025-03-14 00:00:00",
    ):
        assert parse_date(text) == date(2025, 3, 14), text
    assert parse_date("14/03/2025") is None and parse_date("2025-02-29") is None


def test_bad_enum_word_lists_the_allowed_words():
    result = check("vehicle", {"name": "田丽", "id_number": ID, "vehicle_type": "飞机"})
    message = problem(result, 2, "车辆类型").message
    assert "无法识别“飞机”" in message and "小型汽车" in message and "残疾人机动轮椅车" in message
    [row] = check("vehicle", {"name": "田丽", "vehicle_type": "残疾人机动轮椅车"}).rows
    assert row["vehicle_type"] == "disabled_mobility"


def test_amounts_negative_or_not_numeric_or_too_large():
    result = check(
        "vehicle",
        {"name": "甲", "vehicle_type": "货车", "value": "-5"},
        {"name": "乙", "vehicle_type": "货车", "value": "五万"},
        {"name": "丙", "vehicle_type": "货车", "value": "1" + "0" * 13},
        {"name": "丁", "vehicle_type": "货车", "value": "￥45,000.50元"},
    )
    assert "不能为负数" in problem(result, 2, "评估价值（元）").message
    assert "应填写数字" in problem(result, 3, "评估价值（元）").message
    assert "数值过大" in problem(result, 4, "评估价值（元）").message
    assert str(result.rows[0]["value"]) == "45000.50"


def test_region_code_must_be_12_digits():
    result = check(
        "death", death(region_code="433123"), death(region_code="４３３１２３１０９２０１")
    )
    assert "12位数字" in problem(result, 2, "所在地区划代码").message
    assert result.rows[0]["region_code"] == "433123109201"


def test_disability_grade_in_range_and_type_words():
    result = check(
        "disability",
        {"name": "甲", "disability_type": "肢体残疾", "disability_grade": "5"},
        {"name": "乙", "disability_type": "精神", "disability_grade": "三级"},
        {"name": "丙", "disability_type": "智力残疾", "disability_grade": "2.0"},
    )
    assert "1至4级" in problem(result, 2, "残疾等级").message
    assert [(r["disability_type"], r["disability_grade"]) for r in result.rows] == [
        ("mental", 3),
        ("intellectual", 2),
    ]


def test_id_missing_converted_invalid_and_normalised():
    fullwidth = ID_X[:-1].translate({ord(str(i)): chr(0xFF10 + i) for i in range(10)}) + "x"
    result = check(
        "death",
        death(id_number="", birth_date="1950-01-02"),
        death(id_number=ID15),
        death(id_number=BAD_DIGIT),
        death(id_number="43312319500102ABCD"),
        death(id_number=f" {fullwidth} "),
    )
    statuses = [(r["row_no"], r["id_status"]) for r in result.rows]
    assert statuses == [
        (2, "missing"),
        (3, "converted15"),
        (4, "invalid"),
        (5, "invalid"),
        (6, "valid"),
    ]
    assert result.errors == []
    converted = problem(result, 3, "公民身份号码")
    assert converted.severity == WARNING and "15位旧号码已转换" in converted.message
    assert (
        result.rows[1]["id_number"] == ID15[:6] + "19" + ID15[6:] + result.rows[1]["id_number"][-1]
    )
    assert result.rows[1]["birth_date"] == date(1950, 1, 1)
    invalid = problem(result, 4, "公民身份号码")
    assert invalid.severity == WARNING and "校验位错误" in invalid.message
    # the invalid number is kept (the import encrypts it); its birth date still helps linkage
    assert result.rows[2]["id_number"] == BAD_DIGIT and result.rows[2]["birth_date"] == date(
        1950, 1, 2
    )
    assert result.rows[2]["sex"] is None and result.rows[3]["birth_date"] == date(1950, 1, 2)
    assert result.rows[4]["id_number"] == ID_X
    assert result.id_status == {"valid": 1, "converted15": 1, "invalid": 2, "missing": 1}


def test_a_row_with_neither_id_nor_birth_date_is_kept_with_a_warning():
    result = check("death", death(id_number=""))
    assert result.rows_good == 1
    assert "只能按姓名比对" in problem(result, 2, "公民身份号码").message


def test_birth_date_and_sex_contradicting_the_id_are_warnings_and_the_column_wins():
    result = check("death", death(birth_date="1950-02-01", sex="女"))
    assert problem(result, 2, "出生日期").severity == WARNING
    assert problem(result, 2, "性别").severity == WARNING
    [row] = result.rows
    assert row["birth_date"] == date(1950, 2, 1) and row["sex"] == "F"


def test_identical_rows_are_imported_once_with_a_warning():
    result = check("death", death(), death(source=""), death(death_date="2025-03-15"))
    dup = problem(result, 3, "（整行）")
    assert dup.severity == WARNING and "与第2行完全相同" in dup.message
    assert result.duplicates == 1 and [r["row_no"] for r in result.rows] == [2, 4]
    # the same person twice in the death registry, with different data: kept, flagged
    assert "已在第2行出现" in problem(result, 4, "公民身份号码").message


def test_the_template_example_row_is_refused():
    from jiuzhu.crosscheck.snapshot_formats import fields_for

    example = {f.key: f.example for f in fields_for("death")}
    result = check("death", example)
    assert "示例行" in problem(result, 2, "（整行）").message and result.rows_good == 0


def test_name_norm_is_simplified_without_spaces_and_dots():
    assert normalise_name("張 偉") == "张伟"
    assert normalise_name("歐陽·華") == "欧阳华"
    assert normalise_name("阿依•古丽‧买买提") == "阿依古丽买买提"
    assert normalise_name("  龍　老四 ") == "龙老四"
    [row] = check("death", death(name=" 龍老四 ")).rows
    assert row["name"] == "龍老四" and row["name_norm"] == "龙老四"


@given(st.text(alphabet="張偉龍歐陽華·• 　李", max_size=8))
def test_name_norm_is_idempotent(text):
    once = normalise_name(text)
    assert normalise_name(once) == once and " " not in once and "·" not in once


def kin_row(**extra):
    staff = make_resident_id(
        region_code="433123", birth_date=date(1975, 1, 15), sequence=1, sex="M"
    )
    return {
        "staff_name": "龙国强",
        "staff_id_number": staff,
        "unit": "县财政局",
        "post": "科员",
        **extra,
    }


def test_kin_rows_self_takes_the_staff_members_name_and_number():
    staff_id = kin_row()["staff_id_number"]
    result = check(
        "fiscal_staff",
        kin_row(kin="本人"),
        kin_row(kin="岳父", name="吴老", birth_date="1940-01-01"),
        kin_row(kin="朋友", name="某"),
        kin_row(kin="", name="某某"),
    )
    me, father_in_law = result.rows
    assert (me["kin"], me["name"], me["id_number"], me["id_status"]) == (
        "self",
        "龙国强",
        staff_id,
        "valid",
    )
    assert me["staff_id_number"] == staff_id and me["staff_id_masked"].startswith("4331*")
    assert (father_in_law["kin"], father_in_law["id_status"]) == ("parent_in_law", "missing")
    assert (
        father_in_law["birth_date"] == date(1940, 1, 1) and father_in_law["staff_name"] == "龙国强"
    )
    assert "无法识别“朋友”" in problem(result, 4, "与工作人员关系").message
    assert problem(result, 5, "与工作人员关系").message == "与工作人员关系不能为空"


def test_kin_self_with_another_number_and_an_invalid_staff_number_are_warnings():
    result = check(
        "village_cadre",
        kin_row(kin="本人", id_number=ID),
        kin_row(kin="子女", name="龙小", staff_id_number=BAD_DIGIT),
    )
    assert "不一致" in problem(result, 2, "公民身份号码").message
    assert problem(result, 3, "工作人员身份号码").severity == WARNING
    assert result.rows[1]["staff_id_number"] == "" and result.rows[1]["staff_id_masked"]
    assert result.errors == []


def test_each_kind_reads_its_words():
    rows = {
        "business": {
            "name": "甲",
            "business_name": "某店",
            "role": "个体工商户经营者",
            "business_status": "吊销",
            "registered_capital": "50000",
        },
        "real_estate": {"name": "甲", "usage": "宅基地", "area_m2": "96.5"},
        "poverty": {"name": "甲", "monitoring_type": "边缘易致贫户", "risk_status": "风险未消除"},
        "pension": {"name": "甲", "benefit_type": "城乡居民基本养老保险", "monthly_amount": "168"},
        "neighbour": {"name": "甲", "county_name": "吉首市", "programme": "农村低保"},
    }
    expected = {
        "business": ("owner", "closed"),
        "real_estate": ("residential",),
        "poverty": ("edge", "open"),
        "pension": ("resident_pension",),
        "neighbour": ("dibao",),
    }
    enum_keys = {
        "business": ("role", "business_status"),
        "real_estate": ("usage",),
        "poverty": ("monitoring_type", "risk_status"),
        "pension": ("benefit_type",),
        "neighbour": ("programme",),
    }
    for kind, row in rows.items():
        [stored] = check(kind, row).rows
        assert tuple(stored[k] for k in enum_keys[kind]) == expected[kind], kind


def test_required_kind_columns_and_duplicate_headers():
    assert missing_columns("death", ["姓名", "公民身份号码"]) == ["死亡日期"]
    assert missing_columns("death", ["姓名", "身份证号码", "死亡日期"]) == []
    assert missing_columns("fiscal_staff", ["姓名"]) == ["工作人员姓名", "与工作人员关系"]
    assert duplicate_columns("death", ["姓名", "公民身份号码", "身份证号码"]) == ["身份证号码"]
    result = check("death", {"name": "甲"})
    assert problem(result, 2, "死亡日期").severity == ERROR


def test_the_check_module_loads_no_django():
    code = (
        "import sys, jiuzhu.crosscheck.snapshot_check, jiuzhu.crosscheck.snapshot_formats; "
        "sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[3]
    )
