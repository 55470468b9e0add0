"""Registry snapshots: preview checks and writes nothing; commit writes one Parquet file with the
contract's columns (read back with DuckDB), audited; errors refuse unless the good rows are
chosen; a failed job leaves nothing; old snapshots are kept; only county importers import."""

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from jiuzhu.core.crypto import decrypt
from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.core.models import AuditEntry, JobRun
from jiuzhu.crosscheck import engine, snapshot_selectors, snapshot_services, snapshot_store
from jiuzhu.crosscheck.models import RegistrySnapshot
from jiuzhu.crosscheck.registries import REGISTRIES, Kind
from jiuzhu.crosscheck.snapshot_formats import fields_for
from jiuzhu.registry.sensitive import id_lookup_hash

EXAMPLES = Path(__file__).resolve().parents[2] / "docs/examples"
AS_OF = date(2025, 5, 31)
Status = RegistrySnapshot.Status


def idn(y, m, d, seq, sex="M"):
    return make_resident_id(region_code="433123", birth_date=date(y, m, d), sequence=seq, sex=sex)


GOOD = idn(1950, 1, 2, 3)
BAD_DIGIT = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")
ID15 = "433123500101031"


def csv_bytes(kind, rows):
    headers = [f.header for f in fields_for(kind)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows([[r.get(h, "") for h in headers] for r in rows])
    return buffer.getvalue().encode("utf-8-sig")


def death_rows(with_error=False):
    rows = [
        {
            "姓名": "龙大山",
            "公民身份号码": GOOD,
            "死亡日期": "2025-03-14",
            "死亡信息来源": "火化",
        },  # 2
        {"姓名": "吴二", "公民身份号码": BAD_DIGIT, "死亡日期": "2025-04-01"},  # 3
        {"姓名": "杨三", "公民身份号码": ID15, "死亡日期": "2025-04-02"},  # 4
        {"姓名": "田秀英", "出生日期": "1938-10-01", "性别": "女", "死亡日期": "2025-05-18"},  # 5
    ]
    if with_error:
        rows.append(
            {"姓名": "滕四", "公民身份号码": idn(1945, 3, 3, 33), "死亡日期": "2025-02-30"}
        )  # 6
    return rows


@pytest.fixture(autouse=True)
def snapshot_dir(settings, tmp_path):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snapshots"
    settings.JIUZHU_DUCKDB_TEMP_DIR = tmp_path / "duckdb"
    return settings.JIUZHU_SNAPSHOT_DIR


@pytest.fixture
def county(users):
    return users["county"]


def preview(actor, rows=None, kind="death", as_of=AS_OF, name="death.csv"):
    data = csv_bytes(kind, death_rows() if rows is None else rows)
    return snapshot_services.snapshot_preview(
        actor=actor, kind=kind, as_of=as_of, source="县公安局", file_name=name, data=data
    )


def files_under(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []


def test_preview_reports_and_keeps_the_upload_encrypted(county, snapshot_dir):
    snap = preview(county, death_rows(with_error=True))
    assert snap.status == Status.PREVIEWED and snap.rows_total == 5 and snap.rows_good == 4
    report = snap.report
    assert report["bad_rows"] == [6] and report["errors"] == 1
    assert report["id_status"] == {"valid": 1, "converted15": 1, "invalid": 1, "missing": 1}
    problems = {(p["row"], p["column"]): p for p in report["problems"]}
    assert problems[(3, "公民身份号码")]["severity"] == "warning"
    assert problems[(6, "死亡日期")]["severity"] == "error"
    upload = Path(snap.upload_path)
    assert upload.exists() and GOOD.encode() not in upload.read_bytes()
    assert files_under(snapshot_dir) == []
    assert AuditEntry.objects.filter(
        action="crosscheck.snapshot_preview", object_id=str(snap.pk)
    ).exists()


def test_commit_writes_the_contract_columns_readable_by_duckdb(county, snapshot_dir):
    snap = preview(county)
    snap = snapshot_services.snapshot_commit(actor=county, snapshot_id=snap.pk, good_rows=False)
    assert snap.status == Status.ACTIVE and snap.rows_stored == 4 and snap.imported_at
    assert snap.parquet_path == f"433123000000/death/{snap.pk}-2025-05-31.parquet"
    assert (
        snap.upload_path == ""
        and JobRun.objects.get(pk=snap.job_id).status == JobRun.Status.SUCCEEDED
    )
    path = snapshot_selectors.snapshot_file(snap)
    assert files_under(snapshot_dir) == [path]  # no temporary file left

    con = engine.connect()
    rel = con.read_parquet(str(path))
    assert (
        dict(zip(rel.columns, map(str, rel.types), strict=True))
        == REGISTRIES[Kind.DEATH].all_columns
    )
    rows = {
        r[0]: dict(zip(rel.columns, r, strict=True))
        for r in con.execute(f"SELECT * FROM read_parquet('{path}') ORDER BY row_no").fetchall()
    }
    con.close()
    good, bad, old, no_id = rows[2], rows[3], rows[4], rows[5]
    assert good["id_hash"] == id_lookup_hash(GOOD) and good["id_cipher"] is None
    assert (
        good["id_status"] == "valid"
        and good["birth_date"] == date(1950, 1, 2)
        and good["sex"] == "M"
    )
    assert good["id_masked"] == GOOD[:4] + "*" * 10 + GOOD[-4:] and good["source"] == "火化"
    assert good["death_date"] == date(2025, 3, 14) and good["name_norm"] == "龙大山"
    assert bad["id_status"] == "invalid" and bad["id_hash"] is None
    assert decrypt(bad["id_cipher"]) == BAD_DIGIT
    id18 = ID15[:6] + "19" + ID15[6:]
    assert old["id_status"] == "converted15" and old["id_hash"] == id_lookup_hash(
        id18 + old["id_masked"][-1]
    )
    assert old["birth_date"] == date(1950, 1, 1) and old["id_cipher"] is None
    assert (
        no_id["id_status"] == "missing" and no_id["id_hash"] is None and no_id["id_masked"] is None
    )
    assert no_id["birth_date"] == date(1938, 10, 1) and no_id["sex"] == "F"
    assert all(GOOD not in str(v) for r in rows.values() for v in r.values())

    entry = AuditEntry.objects.get(action="crosscheck.snapshot_import", object_id=str(snap.pk))
    assert (
        entry.actor_id == county.pk and entry.new["rows"] == 4 and entry.new["status"] == "active"
    )
    with pytest.raises(Conflict):
        snapshot_services.snapshot_commit(actor=county, snapshot_id=snap.pk, good_rows=True)


def test_errors_refuse_unless_the_good_rows_are_chosen(county, snapshot_dir):
    snap = preview(county, death_rows(with_error=True))
    with pytest.raises(ValidationFailed, match="1处错误.*导入无误的4行"):
        snapshot_services.snapshot_commit(actor=county, snapshot_id=snap.pk, good_rows=False)
    snap.refresh_from_db()
    assert snap.status == Status.PREVIEWED and files_under(snapshot_dir) == []
    snap = snapshot_services.snapshot_commit(actor=county, snapshot_id=snap.pk, good_rows=True)
    assert snap.status == Status.ACTIVE and snap.rows_stored == 4
    table = pq.read_table(snapshot_selectors.snapshot_file(snap))
    assert sorted(table.column("row_no").to_pylist()) == [2, 3, 4, 5]


def test_a_failed_job_leaves_nothing_written(
    county, snapshot_dir, monkeypatch, django_capture_on_commit_callbacks
):
    snap = preview(county)
    audit_before = AuditEntry.objects.count()
    real = snapshot_store.write_parquet

    def half_then_fail(path, kind, rows, on_chunk=None):
        real(path, kind, rows[:1], on_chunk)
        raise OSError("disk full")

    monkeypatch.setattr(snapshot_store, "write_parquet", half_then_fail)
    snap = snapshot_services.snapshot_commit(actor=county, snapshot_id=snap.pk, good_rows=False)
    assert snap.status == Status.FAILED and snap.parquet_path == "" and snap.rows_stored == 0
    assert JobRun.objects.get(pk=snap.job_id).status == JobRun.Status.FAILED
    assert files_under(snapshot_dir) == []
    assert AuditEntry.objects.count() == audit_before
    assert Path(snap.upload_path).exists()  # until the officer discards it
    with django_capture_on_commit_callbacks(execute=True):
        snapshot_services.snapshot_discard(actor=county, snapshot_id=snap.pk)
    assert not Path(snap.upload_path).exists()


def test_a_failure_after_the_rename_removes_the_file(county, snapshot_dir, monkeypatch):
    snap = preview(county)

    def explode(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(snapshot_services, "_activate", explode)
    snap = snapshot_services.snapshot_commit(actor=county, snapshot_id=snap.pk, good_rows=False)
    assert snap.status == Status.FAILED and files_under(snapshot_dir) == []


def test_only_county_importers_may_import(users, county):
    for name in ("officer_a", "inspector", "finance"):
        with pytest.raises(PermissionDenied):
            preview(users[name])
    snap = preview(county)
    with pytest.raises(PermissionDenied):
        snapshot_services.snapshot_commit(
            actor=users["officer_a"], snapshot_id=snap.pk, good_rows=True
        )
    assert RegistrySnapshot.objects.count() == 1


def test_discard_removes_the_upload_and_blocks_the_commit(
    county, django_capture_on_commit_callbacks
):
    snap = preview(county)
    upload = Path(snap.upload_path)
    with django_capture_on_commit_callbacks(execute=True):
        snap = snapshot_services.snapshot_discard(actor=county, snapshot_id=snap.pk)
    assert snap.status == Status.DISCARDED and not upload.exists()
    assert AuditEntry.objects.filter(action="crosscheck.snapshot_discard").exists()
    with pytest.raises(Conflict):
        snapshot_services.snapshot_commit(actor=county, snapshot_id=snap.pk, good_rows=True)


def test_old_snapshots_are_kept_and_the_latest_is_chosen(county, regions):
    first = preview(county, as_of=date(2025, 3, 31))
    first = snapshot_services.snapshot_commit(actor=county, snapshot_id=first.pk, good_rows=False)
    second = preview(county, as_of=date(2025, 4, 30))
    second = snapshot_services.snapshot_commit(actor=county, snapshot_id=second.pk, good_rows=False)
    same_day = preview(county, as_of=date(2025, 4, 30))
    same_day = snapshot_services.snapshot_commit(
        actor=county, snapshot_id=same_day.pk, good_rows=False
    )
    pending = preview(county, as_of=date(2025, 5, 31))  # previewed only: not used
    vehicles = preview(county, kind="vehicle", rows=[{"姓名": "田丽", "车辆类型": "小型汽车"}])
    vehicles = snapshot_services.snapshot_commit(
        actor=county, snapshot_id=vehicles.pk, good_rows=False
    )
    assert all(snapshot_selectors.snapshot_file(s).exists() for s in (first, second, same_day))
    county_region = regions["433123000000"]
    assert {k: s.pk for k, s in snapshot_selectors.latest_snapshots(county_region).items()} == {
        "death": same_day.pk,
        "vehicle": vehicles.pk,
    }
    assert (
        snapshot_selectors.latest_snapshots(county_region, on=date(2025, 4, 1))["death"].pk
        == first.pk
    )
    assert pending.pk not in {
        s.pk for s in snapshot_selectors.latest_snapshots(county_region).values()
    }
    assert snapshot_selectors.latest_snapshots(regions["433123109000"]) == {}


def test_snapshots_for_is_the_users_county(users, county):
    preview(county)
    assert snapshot_selectors.snapshots_for(county).count() == 1
    assert snapshot_selectors.snapshots_for(users["officer_a"]).count() == 1  # reads findings
    other = type(county).objects.create(username="nobody", role="township_officer")
    assert snapshot_selectors.snapshots_for(other).count() == 0


@pytest.mark.parametrize("kind", [k.value for k in Kind])
def test_every_example_file_imports(county, kind):
    path = EXAMPLES / f"registry-{kind}.csv"
    snap = snapshot_services.snapshot_preview(
        actor=county, kind=kind, as_of=AS_OF, source="", file_name=path.name, data=path.read_bytes()
    )
    assert snap.report["errors"] == (1 if kind == "death" else 0), snap.report["problems"]
    snap = snapshot_services.snapshot_commit(actor=county, snapshot_id=snap.pk, good_rows=True)
    assert snap.status == Status.ACTIVE and snap.rows_stored == snap.rows_good >= 5
    con = engine.connect()
    rel = con.read_parquet(str(snapshot_selectors.snapshot_file(snap)))
    assert (
        dict(zip(rel.columns, map(str, rel.types), strict=True))
        == REGISTRIES[Kind(kind)].all_columns
    )
    con.close()


def test_kin_snapshot_stores_the_staff_members_hash(county):
    path = EXAMPLES / "registry-fiscal_staff.csv"
    snap = snapshot_services.snapshot_preview(
        actor=county,
        kind="fiscal_staff",
        as_of=AS_OF,
        source="",
        file_name=path.name,
        data=path.read_bytes(),
    )
    snap = snapshot_services.snapshot_commit(actor=county, snapshot_id=snap.pk, good_rows=False)
    rows = pq.read_table(snapshot_selectors.snapshot_file(snap)).to_pylist()
    staff = idn(1975, 1, 15, 13)
    me = next(r for r in rows if r["kin"] == "self" and r["staff_name"] == "龙国强")
    assert me["id_hash"] == me["staff_id_hash"] == id_lookup_hash(staff) and me["name"] == "龙国强"
    parent = next(r for r in rows if r["kin"] == "parent")
    assert parent["id_hash"] == id_lookup_hash("433123196805120131")
    assert parent["staff_id_hash"] == id_lookup_hash(staff) and parent["unit"] == "凤凰县财政局"


def test_file_level_problems_are_refused(county):
    with pytest.raises(ValidationFailed, match="缺少必填列：死亡日期"):
        snapshot_services.snapshot_preview(
            actor=county,
            kind="death",
            as_of=AS_OF,
            source="",
            file_name="d.csv",
            data="姓名\n张三\n".encode(),
        )
    with pytest.raises(ValidationFailed, match="模板以外的列"):
        snapshot_services.snapshot_preview(
            actor=county,
            kind="death",
            as_of=AS_OF,
            source="",
            file_name="d.csv",
            data="姓名,死亡日期,鞋码\n张三,2025-01-01,42\n".encode(),
        )
    with pytest.raises(ValidationFailed, match="未知的比对数据类别"):
        snapshot_services.snapshot_preview(
            actor=county,
            kind="weather",
            as_of=AS_OF,
            source="",
            file_name="d.csv",
            data=csv_bytes("death", death_rows()),
        )
    with pytest.raises(ValidationFailed, match="不能晚于今天"):
        preview(county, as_of=date.today() + timedelta(days=2))
    gbk = csv_bytes("death", death_rows()).decode("utf-8-sig").encode("gb18030")
    snap = snapshot_services.snapshot_preview(
        actor=county, kind="death", as_of=AS_OF, source="", file_name="gbk.csv", data=gbk
    )
    assert snap.rows_good == 4


def test_register_a_generated_parquet_file(county, regions, snapshot_dir, tmp_path):
    schema = snapshot_store.arrow_schema("death")
    rows = [
        {
            "row_no": 2,
            "id_hash": id_lookup_hash(GOOD),
            "id_status": "valid",
            "name": "龙大山",
            "name_norm": "龙大山",
            "death_date": date(2025, 1, 1),
        }
    ]
    inside = snapshot_dir / "bench" / "death.parquet"
    inside.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), inside)
    county_region = regions["433123000000"]
    snap = snapshot_services.snapshot_register_file(
        county=county_region,
        kind="death",
        as_of=AS_OF,
        source="基准测试",
        parquet_path=inside,
        rows=1,
        actor=county,
    )
    assert snap.status == Status.ACTIVE and snap.parquet_path == "bench/death.parquet"
    assert snap.rows_stored == 1 and snapshot_selectors.snapshot_file(snap) == inside
    assert snapshot_selectors.latest_snapshots(county_region)["death"].pk == snap.pk

    wrong = tmp_path / "wrong.parquet"
    pq.write_table(pa.table({"row_no": pa.array([1], pa.int64()), "name": ["x"]}), wrong)
    with pytest.raises(ValidationFailed, match="缺少列 id_hash.*列 row_no 的类型应为 INTEGER"):
        snapshot_services.snapshot_register_file(
            county=county_region,
            kind="death",
            as_of=AS_OF,
            source="",
            parquet_path=wrong,
            actor=county,
        )
    with pytest.raises(ValidationFailed, match="行数不符"):
        snapshot_services.snapshot_register_file(
            county=county_region,
            kind="death",
            as_of=AS_OF,
            source="",
            parquet_path=inside,
            rows=5,
            actor=county,
        )


def test_command_line_import(county, capsys):
    path = EXAMPLES / "registry-death.csv"
    call_command(
        "jiuzhu_snapshot",
        "import",
        "death",
        str(path),
        "--as-of",
        "2025-05-31",
        "--user",
        county.username,
        "--source",
        "县公安局",
    )
    out = capsys.readouterr().out
    assert "第7行 [死亡日期] 错误" in out and "未写入任何数据" in out
    assert not RegistrySnapshot.objects.filter(status=Status.ACTIVE).exists()
    call_command(
        "jiuzhu_snapshot",
        "import",
        "death",
        str(path),
        "--as-of",
        "2025-05-31",
        "--user",
        county.username,
        "--good-rows",
    )
    snap = RegistrySnapshot.objects.get(status=Status.ACTIVE)
    assert snap.rows_stored == 5 and "已导入5行" in capsys.readouterr().out
    ok = EXAMPLES / "registry-vehicle.csv"  # no errors: imported without --good-rows
    call_command(
        "jiuzhu_snapshot",
        "import",
        "vehicle",
        str(ok),
        "--as-of",
        "2025-05-31",
        "--user",
        county.username,
    )
    assert RegistrySnapshot.objects.filter(kind="vehicle", status=Status.ACTIVE).exists()


# --- pages -----------------------------------------------------------------------------------


def test_upload_preview_and_import_pages(client, county, snapshot_dir):
    client.force_login(county)
    response = client.get(reverse("snapshots:list"))
    assert response.status_code == 200 and "死亡和火化数据" in response.content.decode()
    assert "比对数据" in response.content.decode()  # the nav item
    data = csv_bytes("death", death_rows(with_error=True))
    upload = io.BytesIO(data)
    upload.name = "死亡数据.csv"
    response = client.post(
        reverse("snapshots:upload"),
        {"kind": "death", "as_of": "2025-05-31", "source": "县公安局", "file": upload},
    )
    snap = RegistrySnapshot.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "snapshots:detail", args=[snap.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert (
        "共 <strong>5</strong> 行" in page and "导入无误的4行" in page and "全部无误时导入" in page
    )
    assert "第6行" in page and "日期不存在或格式错误：2025-02-30" in page
    assert "校验位错误" in page and "15位旧号码已转换" in page  # warnings, listed separately
    assert GOOD not in page
    problems = client.get(reverse("snapshots:problems", args=[snap.pk]))
    sheet = load_workbook(io.BytesIO(problems.content)).active
    assert [c.value for c in sheet[1]] == ["行号", "列", "类别", "说明"] and sheet.max_row == 4
    response = client.post(
        reverse("snapshots:commit", args=[snap.pk]), {"good_rows": "0"}, follow=True
    )
    assert "1处错误" in response.content.decode()
    client.post(reverse("snapshots:commit", args=[snap.pk]), {"good_rows": "1"})
    snap.refresh_from_db()
    assert snap.status == Status.ACTIVE and snap.rows_stored == 4
    page = client.get(reverse("snapshots:list")).content.decode()
    assert "最新" in page and "县公安局" in page


def test_template_download_has_headers_and_an_example_row(client, county):
    client.force_login(county)
    response = client.get(reverse("snapshots:template", args=["fiscal_staff"]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers == [f.header for f in fields_for("fiscal_staff")]
    example = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    assert example["与工作人员关系"] == "父母" and example["工作人员姓名"] == "龙国强"
    assert client.get(reverse("snapshots:template", args=["weather"])).status_code == 404


def test_township_officer_sees_no_snapshot_pages(client, users, county):
    snap = preview(county)
    client.force_login(users["officer_a"])
    assert client.get(reverse("snapshots:list")).status_code == 404
    assert client.get(reverse("snapshots:detail", args=[snap.pk])).status_code == 404
    assert (
        client.post(reverse("snapshots:commit", args=[snap.pk]), {"good_rows": "1"}).status_code
        == 404
    )
    assert "比对数据</a>" not in client.get(reverse("registry:household_list")).content.decode()
