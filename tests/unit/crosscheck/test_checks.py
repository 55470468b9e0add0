"""Every check finds its planted cases and leaves the look-alikes alone."""

from datetime import date
from decimal import Decimal

import pytest

from jiuzhu.crosscheck.checks import assets, death, duplicates, kin, missed, rescreen
from jiuzhu.crosscheck.checks.base import Limits

from .planted import OTHER_TOWNSHIP, TOWNSHIP, County, new_id

KIN_SET = frozenset(
    {"spouse", "parent", "child", "sibling", "grandparent", "grandchild", "parent_in_law"}
)


# --- death (R9) -----------------------------------------------------------------------------


def test_months_paid_after_death():
    assert (
        death.months_paid_after_death(
            death_date=date(2026, 8, 15), start_month="2025-01", end_month=None, run_month="2026-11"
        )
        == 3
    )  # 9, 10, 11
    assert (
        death.months_paid_after_death(
            death_date=date(2026, 11, 3), start_month="2025-01", end_month=None, run_month="2026-11"
        )
        == 0
    )
    assert (
        death.months_paid_after_death(
            death_date=date(2026, 8, 15),
            start_month="2025-01",
            end_month="2026-09",
            run_month="2026-11",
        )
        == 1
    )
    assert (
        death.months_paid_after_death(
            death_date=date(2024, 5, 1), start_month="2026-10", end_month=None, run_month="2026-11"
        )
        == 2
    )


def test_death_finds_recipients_and_the_amount_to_recover():
    c = County()
    alone = c.person("王秀英", date(1940, 3, 1), household=1, sex="F")
    c.enrol(1, amount="620.00")
    head = c.person("李国华", date(1950, 5, 5), household=2)
    c.person("张桂兰", date(1952, 6, 6), household=2, relation="spouse", sex="F")
    c.enrol(2, amount="900.00", members=2)
    namesake = c.person("刘德华", date(1960, 1, 1), household=3)
    c.enrol(3)
    stopped = c.person("陈建国", date(1945, 2, 2), household=4)
    c.enrol(4, status="stopped", end="2026-06")
    c.ref("death", "王秀英", id18=alone["id18"], death_date=date(2026, 8, 15), source="殡葬")
    c.ref("death", "李国华", id18=head["id18"], death_date=date(2026, 10, 2), source="公安")
    # a namesake with another birth date and no ID: must not be taken for our 刘德华
    c.ref("death", "刘德华", birth=date(1961, 7, 9), sex="M", death_date=date(2026, 9, 1))
    # died after the last payment of a stopped enrolment
    c.ref("death", "陈建国", id18=stopped["id18"], death_date=date(2026, 9, 10))
    hits = {h.person_id: h for h in death.run(c.context())}
    assert set(hits) == {alone["person_id"], head["person_id"]}
    assert hits[alone["person_id"]].months_paid == 3
    assert hits[alone["person_id"]].amount == Decimal("1860.00")
    assert hits[head["person_id"]].months_paid == 1
    assert hits[head["person_id"]].amount == Decimal("450.00")  # per-person share of 900 for 2
    assert "户主" in hits[head["person_id"]].summary
    assert namesake["person_id"] not in hits
    ev = {e["field"]: e for e in hits[alone["person_id"]].evidence}
    assert ev["身份证号码"]["match"] is True and ev["姓名"]["match"] is True


def test_death_with_one_wrong_id_digit_is_found_by_tier_two():
    c = County()
    p = c.person("张伟", date(1955, 4, 4), household=1)
    c.enrol(1)
    wrong = p["id18"][:10] + ("9" if p["id18"][10] != "9" else "8") + p["id18"][11:]
    c.ref(
        "death",
        "张伟",
        birth=date(1955, 4, 4),
        death_date=date(2026, 10, 1),
        id_status="invalid",
        id_cipher=wrong,
        id_masked=wrong[:4] + "**********" + wrong[-4:],
    )
    [hit] = death.run(c.context())
    assert hit.person_id == p["person_id"] and hit.tier == "near"
    assert "第11位" in " ".join(e["ours"] for e in hit.evidence)


# --- kin (R5) and staff themselves (R6) ------------------------------------------------------


def test_kin_of_staff_within_the_configured_degree():
    c = County()
    mother = c.person("赵秀兰", date(1950, 1, 1), household=1, sex="F")
    c.enrol(1)
    cousin = c.person("赵小龙", date(1980, 1, 1), household=2)
    c.enrol(2)
    staff = c.person("赵大明", date(1975, 3, 3), household=3)
    c.enrol(3)
    not_covered = c.person("赵二妹", date(1978, 1, 1), household=4, sex="F")
    for row in [(mother, "parent"), (cousin, "cousin"), (not_covered, "sibling")]:
        c.ref(
            "fiscal_staff",
            row[0]["name"],
            id18=row[0]["id18"],
            staff_name="赵大明",
            staff_id_masked="4331**********1234",
            unit="县财政局",
            post="科员",
            kin=row[1],
        )
    c.ref(
        "village_cadre",
        "赵大明",
        id18=staff["id18"],
        staff_name="赵大明",
        kin="self",
        unit="一村",
        post="村委会主任",
    )
    hits = kin.run(c.context(limits=Limits(close_relatives=KIN_SET)))
    found = {(h.check, h.person_id) for h in hits}
    assert found == {("kin", mother["person_id"]), ("staff_self", staff["person_id"])}
    [mine] = [h for h in hits if h.check == "kin"]
    assert "父母" in mine.summary and mine.rule == "R5" and mine.application_id == 1001


# --- assets (R6) -------------------------------------------------------------------------------


def test_assets_over_the_limits():
    c = County()
    car = c.person("孙强", date(1970, 1, 1), household=1)
    c.enrol(1)
    disabled = c.person(
        "周平", date(1965, 1, 1), household=2, disability_type="physical", disability_grade=2
    )
    c.enrol(2)
    farmer = c.person("吴刚", date(1972, 1, 1), household=3)
    c.enrol(3)
    boss = c.person("郑红", date(1980, 1, 1), household=4, sex="F")
    c.enrol(4)
    landlord = c.person("冯军", date(1968, 1, 1), household=5)
    c.enrol(5)
    c.ref("vehicle", "孙强", id18=car["id18"], plate="湘U12345", vehicle_type="car")
    c.ref(
        "vehicle", "周平", id18=disabled["id18"], plate="湘U00001", vehicle_type="disabled_mobility"
    )
    c.ref(
        "vehicle",
        "吴刚",
        id18=farmer["id18"],
        plate="农机01",
        vehicle_type="farm_machine",
        value=Decimal("80000"),
    )
    c.ref(
        "vehicle",
        "吴刚",
        id18=farmer["id18"],
        plate="农机02",
        vehicle_type="farm_machine",
        value=Decimal("12000"),
    )
    c.ref(
        "business",
        "郑红",
        id18=boss["id18"],
        business_name="红红商贸有限公司",
        credit_code="91433123X",
        role="legal_rep",
        registered_capital=Decimal("500000"),
        business_status="active",
    )
    c.ref(
        "business",
        "郑红",
        id18=boss["id18"],
        business_name="已注销小店",
        credit_code="92X",
        role="owner",
        registered_capital=Decimal("900000"),
        business_status="closed",
    )
    c.ref(
        "real_estate",
        "冯军",
        id18=landlord["id18"],
        address="凤凰县沱江镇1号",
        usage="residential",
        area_m2=Decimal("90"),
    )
    c.ref(
        "real_estate",
        "冯军",
        id18=landlord["id18"],
        address="凤凰县沱江镇2号",
        usage="residential",
        area_m2=Decimal("120"),
    )
    hits = assets.run(c.context(limits=Limits(max_vehicles=0, max_dwellings=1)))
    found = {(h.check, h.household_id) for h in hits}
    assert found == {
        ("asset_vehicle", 1),
        ("asset_machinery", 3),
        ("asset_business", 4),
        ("asset_real_estate", 5),
    }
    machinery = next(h for h in hits if h.check == "asset_machinery")
    assert "农机01" in str(machinery.evidence) and "农机02" not in str(machinery.evidence)


# --- missed inclusion (R7) -------------------------------------------------------------------------


def test_missed_inclusion():
    c = County()
    monitored = c.person("黄大山", date(1960, 1, 1), household=1)
    covered = c.person("黄小山", date(1962, 1, 1), household=2)
    c.enrol(2)
    severe = c.person("林静", date(1990, 1, 1), household=3, sex="F")
    mild = c.person("林动", date(1991, 1, 1), household=4)
    c.person("何病", date(1970, 1, 1), household=5, health_status="serious")
    c.ref(
        "poverty",
        "黄大山",
        id18=monitored["id18"],
        household_no="P001",
        monitoring_type="edge",
        risk_status="open",
    )
    c.ref(
        "poverty",
        "黄小山",
        id18=covered["id18"],
        household_no="P002",
        monitoring_type="unstable",
        risk_status="open",
    )
    c.ref(
        "poverty",
        "外来户",
        id18=new_id(date(1970, 2, 2), 91),
        household_no="P003",
        monitoring_type="sudden_hardship",
        risk_status="open",
        region_code="433123112201",
    )
    c.ref(
        "poverty",
        "已脱贫",
        id18=new_id(date(1971, 2, 2), 92),
        household_no="P004",
        monitoring_type="lifted",
        risk_status="removed",
        region_code="433123112201",
    )
    c.ref("disability", "林静", id18=severe["id18"], disability_type="physical", disability_grade=1)
    c.ref("disability", "林动", id18=mild["id18"], disability_type="physical", disability_grade=3)
    estimate = lambda ids: {hid: ("可能符合", "人均收入低于标准") for hid in ids}  # noqa: E731
    hits = missed.run(c.context(estimate=estimate))
    households = {h.household_id for h in hits if h.household_id}
    assert households == {1, 3, 5}
    [outsider] = [h for h in hits if h.household_id is None]
    assert outsider.township_id == OTHER_TOWNSHIP and "外来户" in outsider.summary
    assert all("可能符合" in h.summary for h in hits if h.household_id)


# --- duplicates ------------------------------------------------------------------------------------


def test_duplicates():
    c = County()
    twice = c.person("马丽", date(1980, 8, 8), household=1, sex="F")
    c.enrol(1)
    typo = twice["id18"][:16] + ("1" if twice["id18"][16] != "1" else "3")
    from jiuzhu.core.idnumber import check_digit

    typo = typo[:17] + check_digit(typo[:17])
    c.person("马丽", date(1980, 8, 8), household=2, sex="F", id18=typo)
    c.enrol(2)
    # namesakes born the same day with quite different IDs: not a duplicate
    c.person("王伟", date(1985, 1, 1), household=3)
    c.enrol(3)
    c.person(
        "王伟", date(1985, 1, 1), household=4, id18=new_id(date(1985, 1, 1), 77, region="433101")
    )
    both = c.person("老孤", date(1940, 1, 1), household=5)
    c.enrol(5, programme="dibao_rural")
    c.enrol(5, programme="extreme_poverty_dispersed", person_id=both["person_id"])
    abroad = c.person("邻县人", date(1966, 6, 6), household=6)
    c.enrol(6)
    c.ref(
        "neighbour",
        "邻县人",
        id18=abroad["id18"],
        county_name="吉首市",
        programme="dibao",
        monthly_amount=Decimal("500"),
    )
    hits = duplicates.run(c.context())
    found = {(h.check, h.household_id) for h in hits}
    assert ("dup_household", 1) in found
    assert ("dup_programme", 5) in found and ("dup_county", 6) in found
    assert not any(h.subject_name == "王伟" for h in hits)


# --- re-screening lists (R8) -----------------------------------------------------------------------


def test_rescreen_lists():
    c = County()
    c.person("拒绝户", date(1970, 1, 1), household=1)
    c.applications.append(
        {
            "application_id": 1,
            "number": "A1",
            "household_id": 1,
            "programme_code": "dibao_rural",
            "status": "refused",
            "decided_on": date(2026, 3, 1),
            "township_id": TOWNSHIP,
            "village_id": 101,
        }
    )
    c.person("早拒户", date(1970, 1, 1), household=2)
    c.applications.append(
        {
            "application_id": 2,
            "number": "A2",
            "household_id": 2,
            "programme_code": "dibao_rural",
            "status": "refused",
            "decided_on": date(2023, 3, 1),
            "township_id": TOWNSHIP,
            "village_id": 101,
        }
    )
    c.person("退出户", date(1970, 1, 1), household=3)
    c.enrol(3, status="stopped", end="2026-05")
    c.person("在保户", date(1970, 1, 1), household=4)
    c.enrol(4)
    c.person("空白村民", date(1970, 1, 1), household=5, village=201)
    hits = rescreen.run(c.context(limits=Limits(rescreen_since=date(2026, 1, 1))))
    codes = {(h.check, h.household_id or h.village_id) for h in hits}
    assert ("rescreen_refused", 1) in codes and ("rescreen_refused", 2) not in codes
    assert ("rescreen_exited", 3) in codes
    exited = next(h for h in hits if h.check == "rescreen_exited")
    assert exited.summary == "2026年5月退出（农村最低生活保障），现未纳入保障，需复查"
    assert ("rescreen_blank_village", 201) in codes
    assert ("rescreen_blank_village", 101) not in codes


@pytest.mark.parametrize("check", [death, kin, assets, missed, duplicates, rescreen])
def test_every_check_is_stable(check):
    """Running twice over the same data gives the same fingerprints (no new findings)."""
    c = County()
    p = c.person("王秀英", date(1940, 3, 1), household=1, sex="F")
    c.enrol(1)
    c.ref("death", "王秀英", id18=p["id18"], death_date=date(2026, 8, 15))
    first = sorted(h.fingerprint for h in check.run(c.context()))
    second = sorted(h.fingerprint for h in check.run(c.context()))
    assert first == second


# --- income (R6): pensions not recorded ------------------------------------------------------


def test_pension_income_over_the_standard():
    from jiuzhu.crosscheck.checks import income
    from jiuzhu.crosscheck.estimate import Means

    c = County()
    retired = c.person("钱退休", date(1955, 1, 1), household=1)
    c.enrol(1)
    resident = c.person("孙农民", date(1950, 1, 1), household=2)
    c.enrol(2)
    small = c.person("李小额", date(1952, 1, 1), household=3)
    c.person("李老伴", date(1953, 1, 1), household=3, relation="spouse", sex="F")
    c.enrol(3, members=2)
    c.ref(
        "pension",
        "钱退休",
        id18=retired["id18"],
        benefit_type="employee_pension",
        monthly_amount=Decimal("2800"),
    )
    c.ref(
        "pension",
        "孙农民",
        id18=resident["id18"],
        benefit_type="resident_pension",
        monthly_amount=Decimal("3000"),
    )  # not counted under S2 art. 13
    c.ref(
        "pension",
        "李小额",
        id18=small["id18"],
        benefit_type="employee_pension",
        monthly_amount=Decimal("300"),
    )  # 150 a head: still below the standard
    means = {
        1: Means(1, Decimal("0"), Decimal("397.50"), False),
        2: Means(1, Decimal("0"), Decimal("397.50"), False),
        3: Means(2, Decimal("200"), Decimal("397.50"), True),
    }
    ctx = c.context()
    ctx.means = lambda ids: {i: means[i] for i in ids}
    hits = income.run(ctx)
    assert [h.household_id for h in hits] == [1]
    assert "¥2,800.00" in hits[0].summary and hits[0].rule == "R6"


def test_illness_flag_alone_is_raised_only_when_income_looks_eligible():
    c = County()
    c.person("何病", date(1970, 1, 1), household=1, health_status="serious")
    c.person("何富", date(1971, 1, 1), household=2, health_status="serious")
    estimate = {1: ("可能符合", "人均收入低于标准"), 2: ("收入高于标准", "人均收入高于标准")}
    ctx = c.context(estimate=lambda ids: {i: estimate[i] for i in ids})
    hits = missed.run(ctx)
    assert [h.household_id for h in hits] == [1]
    assert ctx.notes["missed_ill_not_eligible"] == 1
