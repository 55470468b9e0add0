"""Every registry row is used or accounted for, on the database: blank or unknown values are
checked and say so, a row without a region code is placed by its ID, a disabled person's
mobility vehicle is a note and not a finding, and the run page lists what was not used and the
snapshot read for each registry."""

from datetime import date
from decimal import Decimal

import pytest

from jiuzhu.core.crypto import decrypt
from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.core.masking import mask_id_number
from jiuzhu.crosscheck import snapshot_services, snapshot_store
from jiuzhu.crosscheck.checks import assets
from jiuzhu.crosscheck.models import CheckRun, Finding
from jiuzhu.crosscheck.run import crosscheck_run
from tests.conftest import TOWNSHIP_A, first_village
from tests.integration.test_crosscheck_run import enrol

pytestmark = pytest.mark.django_db(transaction=False)

AS_OF = date(2026, 11, 1)


def imported(user, kind: str, header: str, rows: list[str], name: str):
    snap = snapshot_services.snapshot_preview(
        actor=user,
        kind=kind,
        as_of=AS_OF,
        source="测试",
        file_name=name,
        data=(header + "\n" + "\n".join(rows) + "\n").encode(),
    )
    assert not snap.report["errors"], snap.report["problems"]
    snap = snapshot_services.snapshot_commit(
        actor=user, snapshot_id=snap.pk, good_rows=False, inline=True
    )
    assert snap.status == "active"
    return snap


def registered_business(user, county, tmp_path, people: list[tuple[str, str, str | None]]):
    """A business registry written elsewhere (a province feed): statuses as they come."""
    rows = [
        {
            "row_no": n,
            "id_number": id18,
            "id_status": "valid",
            "id_masked": mask_id_number(id18),
            "name": name,
            "name_norm": name,
            "business_name": f"{name}商贸有限公司",
            "credit_code": f"91433123MA4L0{n:05d}",
            "role": "legal_rep",
            "registered_capital": Decimal("800000"),
            "business_status": status,
        }
        for n, (name, id18, status) in enumerate(people, start=2)
    ]
    path = tmp_path / "business.parquet"
    snapshot_store.write_atomic(path, "business", rows)
    return snapshot_services.snapshot_register_file(
        county=county,
        kind="business",
        as_of=AS_OF,
        source="省市场监管局",
        parquet_path=path,
        actor=user,
    )


def stranger(region6: str, n: int) -> str:
    return make_resident_id(
        region_code=region6, birth_date=date(1980, 1, n), sequence=40 + n, sex="M"
    )


@pytest.fixture
def world(users, regions, make_household, tmp_path, settings):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snap"
    county = users["county"]
    homes = {
        name: make_household(size=1, head_name=name)
        for name in ("钱空白", "钱暂停", "钱注销", "周无证")
    }
    for home in homes.values():
        enrol(home, county)
    ids = {name: decrypt(home.members.get().id_cipher) for name, home in homes.items()}
    registered_business(
        county,
        regions["433123000000"],
        tmp_path,
        [
            ("钱空白", ids["钱空白"], None),
            ("钱暂停", ids["钱暂停"], "suspended"),
            ("钱注销", ids["钱注销"], "closed"),
        ],
    )
    imported(
        county,
        "vehicle",
        "姓名,公民身份号码,号牌号码,车辆类型,评估价值（元）",
        [f"周无证,{ids['周无证']},湘U56789,残疾人专用车,6000"],
        "交管车辆.csv",
    )
    village = first_village(regions, TOWNSHIP_A).code
    imported(
        county,
        "disability",
        "姓名,公民身份号码,所在地区划代码,残疾类别,残疾等级",
        [
            f"本县无码,{stranger('433123', 1)},,精神残疾,二级",
            f"外县无码,{stranger('433101', 2)},,精神残疾,二级",
            f"外县有码,{stranger('433101', 3)},433101100200,肢体残疾,一级",
            f"本村有码,{stranger('433123', 4)},{village},肢体残疾,一级",
            "无号无码,,,肢体残疾,一级",
        ],
        "残联名单.csv",
    )
    run = crosscheck_run(actor=county, month="2026-11", inline=True)
    run.refresh_from_db()
    assert run.status == CheckRun.Status.DONE, run.message
    return run, homes


def test_blank_and_unknown_business_status_are_found_and_say_so(world):
    run, homes = world
    found = {f.household_id: f for f in Finding.objects.filter(check_code="asset_business")}
    assert set(found) == {homes["钱空白"].pk, homes["钱暂停"].pk}
    assert "经营状态未登记，按存续核查，请核实" in found[homes["钱空白"].pk].summary
    assert "经营状态“suspended”无法识别，按存续核查，请核实" in found[homes["钱暂停"].pk].summary
    unused = {(u["check"], u["reason"]): u for u in run.summary["unused_rows"]}
    line = unused[
        ("asset_business", "在保家庭成员登记的经营实体经营状态未登记或无法识别，按存续核查")
    ]
    assert line["rows"] == 2 and line["used"] is True and line["kind"] == "business"


def test_a_row_without_region_code_is_placed_by_its_id(world, users):
    run, _ = world
    missed = {f.subject_name: f for f in Finding.objects.filter(check_code="missed")}
    assert set(missed) == {"本县无码", "本村有码"}
    county_level = missed["本县无码"]
    assert county_level.township_id == users["county"].region_id  # the county level
    assert county_level.village_id is None and "由县级核实" in county_level.summary
    assert missed["本村有码"].township.code == TOWNSHIP_A
    reasons = {u["reason"]: u["rows"] for u in run.summary["unused_rows"] if u["check"] == "missed"}
    assert reasons == {
        "区划代码不在本县": 1,
        "无区划代码，身份证号码不属本县": 1,
        "无区划代码，身份证号码有误或未填写，无法确定所在地": 1,
        "无区划代码，按身份证号码属本县，交县级核实（无法确定乡镇）": 1,
    }
    # a township officer does not see the county-level finding; the county does
    from jiuzhu.crosscheck.finding_selectors import findings_for

    assert not findings_for(users["officer_a"]).filter(pk=county_level.pk).exists()
    assert findings_for(users["county"]).filter(pk=county_level.pk).exists()


def test_a_mobility_vehicle_without_our_disability_record_is_a_note(world):
    run, homes = world
    assert not Finding.objects.filter(check_code__startswith="asset_vehicle").exists()
    [note] = run.summary["notes"][assets.NOTE_MOBILITY]
    assert note["household_id"] == homes["周无证"].pk and note["plate_masked"] == "湘U***89"
    assert "56789" not in str(run.summary)


def test_the_run_page_lists_the_snapshots_used_and_the_unused_rows(world, client, users):
    run, homes = world
    used = run.summary["snapshots_used"]
    assert set(used) == {"business", "vehicle", "disability"}
    assert used["disability"]["file"] == "残联名单.csv" and used["disability"]["rows"] == 5
    assert (
        used["disability"]["as_of"] == "2026-11-01"
        and used["disability"]["label"] == "残疾人基础信息"
    )

    client.force_login(users["county"])
    page = client.get(f"/crosscheck/runs/{run.pk}/").content.decode()
    snapshots = page.split('id="run-snapshots"')[1].split("</table>")[0]
    assert "残疾人基础信息" in snapshots and "2026年11月1日" in snapshots
    assert "残联名单.csv" in snapshots and "交管车辆.csv" in snapshots
    unused = page.split('id="run-unused"')[1].split("</table>")[0]
    assert "疑似漏保" in unused and "区划代码不在本县" in unused and "登记经营实体" in unused
    notes = page.split('id="run-notes"')[1].split("</table>")[0]
    assert homes["周无证"].number in notes and "湘U***89" in notes and "56789" not in page

    client.force_login(users["officer_b"])  # another township: the note is not his
    page = client.get(f"/crosscheck/runs/{run.pk}/").content.decode()
    assert 'id="run-unused"' in page and 'id="run-notes"' not in page
    client.force_login(users["officer_a"])
    assert "湘U***89" in client.get(f"/crosscheck/runs/{run.pk}/").content.decode()


def test_a_run_made_before_the_accounting_still_shows_its_snapshots(world, client, users):
    run, _ = world
    summary = {k: v for k, v in run.summary.items() if k not in ("unused_rows", "snapshots_used")}
    CheckRun.objects.filter(pk=run.pk).update(summary=summary)
    client.force_login(users["county"])
    page = client.get(f"/crosscheck/runs/{run.pk}/").content.decode()
    snapshots = page.split('id="run-snapshots"')[1].split("</table>")[0]
    assert "残联名单.csv" in snapshots and "2026年11月1日" in snapshots  # from run.snapshots
    assert "未记录未能使用的行" in page and "所有比对数据行均已使用" not in page
