"""Household import: preview names every bad row and column, writes nothing; commit writes the
good households in one transaction and records them in the audit trail."""

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from jiuzhu.core.errors import Conflict
from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.core.models import AuditEntry, JobRun
from jiuzhu.registry import import_services
from jiuzhu.registry.import_format import COLUMNS
from jiuzhu.registry.models import AssetFact, Household, ImportBatch, IncomeFact, Person

EXAMPLE = Path(__file__).resolve().parents[2] / "docs/examples/households-example.csv"
HEADERS = [c.header for c in COLUMNS]
VILLAGE = "433123109201"


def idn(y, m, d, seq, sex="M"):
    return make_resident_id(region_code="433123", birth_date=date(y, m, d), sequence=seq, sex=sex)


def row(key, relation, name, id_number, **extra):
    values = {
        "家庭编号": key,
        "村（社区）代码": VILLAGE,
        "与户主关系": relation,
        "姓名": name,
        "身份证号码": id_number,
        **extra,
    }
    return [values.get(h, "") for h in HEADERS]


def csv_bytes(rows, encoding="utf-8-sig"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def bad_file_rows():
    good_head = idn(1960, 1, 1, 1)
    bad_digit = idn(1961, 2, 2, 2)
    bad_digit = bad_digit[:-1] + ("0" if bad_digit[-1] != "0" else "1")
    id15 = "433123650303041"  # 15-digit old number: born 1965-03-03, male
    return [
        row("1", "户主", "龙一", good_head, **{"工资性收入（元/年）": "12000"}),  # 2 ok
        row("1", "配偶", "吴一", idn(1962, 3, 3, 3, "F")),  # 3 ok
        row("2", "户主", "龙二", bad_digit),  # 4 bad check digit
        row("3", "户主", "龙三", id15),  # 5 15-digit: warning only
        row("4", "户主", "龙四", idn(1970, 4, 4, 4)),  # 6 ok head
        row("4", "子", "龙四子", good_head),  # 7 duplicate of row 2
        row("5", "配偶", "吴五", idn(1971, 5, 5, 5, "F")),  # 8 no head
        row(
            "6", "户主", "龙六", idn(1972, 6, 6, 6), **{"出生日期": "1972-02-30"}
        ),  # 9 impossible date
        row(
            "7", "户主", "龙七", idn(1973, 7, 7, 7), **{"经营净收入（元/年）": "-500"}
        ),  # 10 negative
    ]


@pytest.fixture
def officer(users):
    return users["officer_a"]


def test_preview_lists_every_problem_and_writes_nothing(officer):
    batch = import_services.import_preview(
        actor=officer, file_name="bad.csv", data=csv_bytes(bad_file_rows())
    )
    problems = {(p["row"], p["column"]): p for p in batch.report["problems"]}
    assert "校验位错误" in problems[(4, "身份证号码")]["message"]
    assert problems[(5, "身份证号码")]["severity"] == "warning"
    assert "15位旧号码已转换" in problems[(5, "身份证号码")]["message"]
    assert "与第2行是同一人" in problems[(7, "身份证号码")]["message"]
    assert "没有户主" in problems[(8, "与户主关系")]["message"]
    assert "日期不存在" in problems[(9, "出生日期")]["message"]
    assert "不能为负数" in problems[(10, "经营净收入（元/年）")]["message"]
    # household 4 has a bad member (row 7), so its good head (row 6) is held back too
    assert "本户暂不导入" in problems[(6, "（整户）")]["message"]
    assert batch.households_good == 2 and batch.rows_good == 3  # households 1 and 3
    assert batch.report["bad_rows"] == [4, 7, 8, 9, 10]
    assert Household.objects.count() == 0 and Person.objects.count() == 0


def test_commit_imports_only_good_households_with_audit(officer):
    batch = import_services.import_preview(
        actor=officer, file_name="bad.csv", data=csv_bytes(bad_file_rows())
    )
    seq_before = AuditEntry.objects.count()
    batch = import_services.import_commit(actor=officer, batch_id=batch.pk)
    assert batch.status == ImportBatch.Status.IMPORTED
    assert Household.objects.count() == 2
    assert sorted(Person.objects.values_list("name", flat=True)) == ["吴一", "龙一", "龙三"]
    converted = Person.objects.get(name="龙三")
    assert converted.birth_date == date(1965, 3, 3) and converted.sex == "M"
    head = Household.objects.get(head_name="龙一")
    assert head.number.startswith(VILLAGE) and head.township.code == "433123109000"
    assert IncomeFact.objects.get(person__name="龙一").amount == 12000
    actions = list(AuditEntry.objects.filter(seq__gt=seq_before).values_list("action", flat=True))
    assert actions.count("household.import") == 2 and "import.commit" in actions
    assert AuditEntry.objects.filter(household_id=head.pk, action="household.import").exists()
    with pytest.raises(Conflict):
        import_services.import_commit(actor=officer, batch_id=batch.pk)


def test_person_already_registered_is_rejected(officer, make_household):
    existing = make_household(head_id=idn(1950, 1, 1, 9))
    data = csv_bytes([row("1", "户主", "龙九", idn(1950, 1, 1, 9))])
    batch = import_services.import_preview(actor=officer, file_name="again.csv", data=data)
    [problem] = batch.report["problems"]
    assert problem["column"] == "身份证号码" and existing.number in problem["message"]
    assert batch.households_good == 0


def test_village_outside_jurisdiction_is_an_error(users):
    batch = import_services.import_preview(
        actor=users["officer_b"],
        file_name="a.csv",
        data=csv_bytes([row("1", "户主", "龙一", idn(1960, 1, 1, 1))]),
    )
    assert "不在您的管辖范围内" in batch.report["problems"][0]["message"]
    assert batch.households_good == 0


def test_example_file_and_gbk_and_xlsx_are_read(officer):
    data = EXAMPLE.read_bytes()
    batch = import_services.import_preview(actor=officer, file_name=EXAMPLE.name, data=data)
    assert batch.report["bad_rows"] == [] and batch.households_good == 3 and batch.rows_good == 6
    gbk = data.decode("utf-8-sig").encode("gb18030")
    assert import_services.check_file(actor=officer, file_name="x.csv", data=gbk).rows_good == 6
    book = Workbook()
    sheet = book.active
    for n, line in enumerate(csv.reader(io.StringIO(data.decode("utf-8-sig")))):
        if n:  # a code typed as a number in Excel arrives as a float; it must still read as text
            line[1] = float(line[1])
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    assert (
        import_services.check_file(actor=officer, file_name="x.xlsx", data=out.getvalue()).rows_good
        == 6
    )


def test_unknown_column_and_missing_required_column(officer):
    from jiuzhu.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="模板以外的列"):
        import_services.check_file(
            actor=officer, file_name="x.csv", data="姓名,鞋码\n张三,42\n".encode()
        )
    with pytest.raises(ValidationFailed, match="缺少必填列"):
        import_services.check_file(actor=officer, file_name="x.csv", data="姓名\n张三\n".encode())


def test_failed_commit_leaves_data_unchanged(officer, monkeypatch):
    batch = import_services.import_preview(
        actor=officer, file_name="ok.csv", data=EXAMPLE.read_bytes()
    )
    audit_before = AuditEntry.objects.count()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_services, "_write_facts", explode)
    batch = import_services.import_commit(actor=officer, batch_id=batch.pk)
    assert batch.status == ImportBatch.Status.FAILED
    assert JobRun.objects.get(pk=batch.job_id).status == JobRun.Status.FAILED
    assert Household.objects.count() == 0 and Person.objects.count() == 0
    assert AssetFact.objects.count() == 0 and AuditEntry.objects.count() == audit_before


def test_command_line_import(officer, capsys):
    call_command("jiuzhu_import", "households", str(EXAMPLE), "--user", officer.username)
    assert Household.objects.count() == 0
    assert "未写入任何数据" in capsys.readouterr().out
    call_command(
        "jiuzhu_import", "households", str(EXAMPLE), "--user", officer.username, "--good-rows"
    )
    assert Household.objects.count() == 3
