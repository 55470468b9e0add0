"""Registry rows with a blank or unknown column are checked (and say so) or accounted for."""

from datetime import date
from decimal import Decimal

from jiuzhu.crosscheck.checks import assets, death, income, kin, missed
from jiuzhu.crosscheck.checks.base import Limits
from jiuzhu.crosscheck.estimate import Means

from .planted import KEY, TOWNSHIP, County, new_id

KIN_SET = frozenset({"spouse", "parent", "child"})


def county_key(code6: str) -> str:
    """The planted county's keyed hash of an ID's county (what snapshot_store would store)."""
    import hashlib
    import hmac

    return hmac.new(KEY, f"id:county:{code6}".encode(), hashlib.sha256).hexdigest()


def context(c: County, **kw):
    ctx = c.context(**kw)
    ctx.id_county_key = county_key
    return ctx


def unused(ctx, check: str) -> dict[str, tuple[int, bool]]:
    return {u["reason"]: (u["rows"], u["used"]) for u in ctx.unused if u["check"] == check}


# --- businesses --------------------------------------------------------------------------------


def test_a_business_of_blank_or_unknown_status_is_checked_and_says_so():
    c = County()
    blank = c.person("郑空", date(1980, 1, 1), household=1)
    c.enrol(1)
    odd = c.person("郑怪", date(1981, 1, 1), household=2)
    c.enrol(2)
    closed = c.person("郑关", date(1982, 1, 1), household=3)
    c.enrol(3)
    for person, status, code in (
        (blank, None, "91A"),
        (odd, "suspended", "91B"),
        (closed, "closed", "91C"),
    ):
        c.ref(
            "business",
            person["name"],
            id18=person["id18"],
            business_name=f"{person['name']}有限公司",
            credit_code=code,
            role="legal_rep",
            registered_capital=Decimal("500000"),
            business_status=status,
        )
    ctx = context(c)
    hits = {h.household_id: h for h in assets.run(ctx)}
    assert set(hits) == {1, 2}
    assert "经营状态未登记，按存续核查，请核实" in hits[1].summary
    assert "经营状态“suspended”无法识别，按存续核查，请核实" in hits[2].summary
    assert "经营状态未登记" in str(hits[1].evidence)
    reason = "在保家庭成员登记的经营实体经营状态未登记或无法识别，按存续核查"
    assert unused(ctx, assets.CODE_BUSINESS)[reason] == (2, True)


def test_a_business_without_registered_capital_is_checked_and_says_so():
    c = County()
    owner = c.person("钱无资", date(1975, 1, 1), household=1)
    c.enrol(1)
    c.ref(
        "business",
        "钱无资",
        id18=owner["id18"],
        business_name="无资小店",
        credit_code="92X",
        role="owner",
        business_status="active",
    )
    hits = assets.run(context(c))
    assert [h.household_id for h in hits] == [1]
    assert "注册资本未登记" in hits[0].summary and "注册资本未登记" in str(hits[0].evidence)


# --- vehicles ----------------------------------------------------------------------------------


def test_a_mobility_vehicle_is_never_a_car_and_a_missing_disability_is_a_note():
    c = County()
    recorded = c.person(
        "周有证", date(1965, 1, 1), household=1, disability_type="physical", disability_grade=2
    )
    c.enrol(1)
    unrecorded = c.person("周无证", date(1966, 1, 1), household=2)
    c.enrol(2)
    c.ref(
        "vehicle",
        "周有证",
        id18=recorded["id18"],
        plate="湘U00001",
        vehicle_type="disabled_mobility",
    )
    c.ref(
        "vehicle",
        "周无证",
        id18=unrecorded["id18"],
        plate="湘U00002",
        vehicle_type="disabled_mobility",
    )
    ctx = context(c, limits=Limits(max_vehicles=0))
    assert assets.run(ctx) == []
    [note] = ctx.notes[assets.NOTE_MOBILITY]
    assert note["household_id"] == 2 and note["owner_name"] == "周无证"
    assert note["plate_masked"] == "湘U***02" and "00002" not in str(note)
    assert note["township_id"] == TOWNSHIP and note["row_no"] == 3
    reason = "残疾人专用车不计入车辆；本系统无车主残疾登记的，列为待核实事项"
    assert unused(ctx, assets.CODE_VEHICLE)[reason] == (1, False)


def test_a_vehicle_of_blank_type_counts_and_a_machine_without_value_is_checked():
    c = County()
    driver = c.person("孙无类", date(1970, 1, 1), household=1)
    c.enrol(1)
    farmer = c.person("吴无价", date(1972, 1, 1), household=2)
    c.enrol(2)
    c.ref("vehicle", "孙无类", id18=driver["id18"], plate="湘U12345", vehicle_type=None)
    c.ref("vehicle", "吴无价", id18=farmer["id18"], plate="农机09", vehicle_type="farm_machine")
    ctx = context(c, limits=Limits(max_vehicles=0))
    hits = {h.check: h for h in assets.run(ctx)}
    assert hits[assets.CODE_VEHICLE].household_id == 1
    assert "车辆类型未登记或无法识别，按机动车核查，请核实" in hits[assets.CODE_VEHICLE].summary
    assert hits[assets.CODE_MACHINE].household_id == 2
    assert "未登记评估价值" in hits[assets.CODE_MACHINE].summary
    assert "价值未登记" in str(hits[assets.CODE_MACHINE].evidence)
    assert unused(ctx, assets.CODE_MACHINE) == {
        "在保家庭成员名下农业机械未登记评估价值，按大型农机具核查": (1, True)
    }


def test_a_property_of_blank_usage_counts_as_a_dwelling():
    c = County()
    owner = c.person("冯两处", date(1968, 1, 1), household=1)
    c.enrol(1)
    c.ref("real_estate", "冯两处", id18=owner["id18"], address="一号", usage="residential")
    c.ref("real_estate", "冯两处", id18=owner["id18"], address="二号", usage=None)
    c.ref("real_estate", "冯两处", id18=owner["id18"], address="车库", usage="other")
    ctx = context(c, limits=Limits(max_dwellings=1))
    [hit] = assets.run(ctx)
    assert "住宅2套" in hit.summary and "用途未登记或无法识别，按住宅核查" in hit.summary
    assert "车库" not in str(hit.evidence)


def test_mask_plate():
    assert assets.mask_plate("湘U12345") == "湘U***45"
    assert assets.mask_plate(" 湘 U 1234D ") == "湘U***4D"
    assert assets.mask_plate("农机") == "**" and assets.mask_plate(None) == ""


# --- missed inclusion: rows without a region code ------------------------------------------------


def test_a_disability_row_without_region_code_is_placed_by_its_id():
    c = County()
    ours = new_id(date(1990, 5, 5), 41)
    theirs = new_id(date(1991, 5, 5), 42, region="433101")
    c.ref(
        "disability",
        "本县人",
        id18=ours,
        id_county_hash=county_key(ours[:6]),
        disability_type="mental",
        disability_grade=2,
    )
    c.ref(
        "disability",
        "外县人",
        id18=theirs,
        id_county_hash=county_key(theirs[:6]),
        disability_type="mental",
        disability_grade=2,
    )
    c.ref("disability", "无号人", disability_type="physical", disability_grade=1)
    c.ref(
        "disability",
        "别县村",
        id18=new_id(date(1992, 5, 5), 43, region="433101"),
        region_code="433101100200",
        disability_type="physical",
        disability_grade=1,
    )
    ctx = context(c)
    [hit] = missed.run(ctx)
    assert hit.subject_name == "本县人" and hit.household_id is None
    assert hit.township_id is None and hit.village_id is None  # the county level
    assert "身份证号码属本县" in hit.summary and "由县级核实" in hit.summary
    assert unused(ctx, missed.CODE) == {
        "区划代码不在本县": (1, False),
        "无区划代码，身份证号码不属本县": (1, False),
        "无区划代码，身份证号码有误或未填写，无法确定所在地": (1, False),
        "无区划代码，按身份证号码属本县，交县级核实（无法确定乡镇）": (1, True),
    }


def test_a_snapshot_written_without_the_id_county_column_still_runs():
    c = County()
    c.ref(
        "disability",
        "旧文件",
        id18=new_id(date(1990, 5, 5), 44),
        disability_type="mental",
        disability_grade=2,
    )
    ctx = context(c)
    ctx.con.execute("ALTER TABLE snap_disability DROP COLUMN id_county_hash")
    assert missed.run(ctx) == []
    assert unused(ctx, missed.CODE) == {
        "无区划代码，身份证号码有误或未填写，无法确定所在地": (1, False)
    }


def test_blank_monitoring_and_risk_status_and_disability_type_are_screened_and_say_so():
    c = County()
    lifted = c.person("脱贫甲", date(1960, 1, 1), household=1)
    untyped = c.person("类别乙", date(1961, 1, 1), household=2)
    removed = c.person("消除丙", date(1962, 1, 1), household=3)
    grade3 = c.person("三级丁", date(1963, 1, 1), household=4)
    nograde = c.person("无级戊", date(1964, 1, 1), household=5)
    c.ref("poverty", "脱贫甲", id18=lifted["id18"], monitoring_type="lifted", risk_status=None)
    c.ref("poverty", "类别乙", id18=untyped["id18"], monitoring_type=None, risk_status="open")
    c.ref(
        "poverty", "消除丙", id18=removed["id18"], monitoring_type="lifted", risk_status="removed"
    )
    c.ref("disability", "三级丁", id18=grade3["id18"], disability_type=None, disability_grade=3)
    c.ref(
        "disability",
        "无级戊",
        id18=nograde["id18"],
        disability_type="mental",
        disability_grade=None,
    )
    estimate = lambda ids: {i: ("可能符合", "人均收入低于标准") for i in ids}  # noqa: E731
    ctx = context(c, estimate=estimate)
    hits = {h.household_id: h for h in missed.run(ctx)}
    assert set(hits) == {1, 2, 4}
    assert "风险状态未登记，按风险未消除筛查，请核实" in hits[1].summary
    assert "监测对象类别未登记，按监测对象筛查，请核实" in hits[2].summary
    assert "残疾类别未登记，残疾3级，按精神或智力残疾筛查，请核实" in hits[4].summary
    assert unused(ctx, missed.CODE) == {
        "脱贫户风险状态未登记或无法识别，按风险未消除筛查": (1, True),
        "监测对象类别未登记或无法识别，按监测对象筛查": (1, True),
        "三级残疾的残疾类别未登记或无法识别，按精神或智力残疾筛查": (1, True),
        "残疾等级为空，未能筛查": (1, False),
    }


# --- kin, income, death ----------------------------------------------------------------------------


def test_a_relative_of_unknown_relation_is_raised_and_says_so():
    c = County()
    relative = c.person("田未知", date(1950, 1, 1), household=1)
    c.enrol(1)
    cousin = c.person("田表亲", date(1951, 1, 1), household=2)
    c.enrol(2)
    common = {"staff_name": "田大明", "staff_id_masked": "4331**********1234", "unit": "县财政局"}
    c.ref("fiscal_staff", "田未知", id18=relative["id18"], kin=None, **common)
    c.ref("fiscal_staff", "田表亲", id18=cousin["id18"], kin="cousin", **common)
    ctx = context(c, limits=Limits(close_relatives=KIN_SET))
    [hit] = kin.run(ctx)
    assert hit.person_id == relative["person_id"] and hit.check == kin.CODE_KIN
    assert "关系未登记，按近亲属核查，请核实" in hit.summary
    reason = "与工作人员关系未登记或无法识别，按近亲属核查"
    assert unused(ctx, kin.CODE_KIN)[reason] == (1, True)


def test_a_pension_without_amount_is_accounted_and_an_unknown_type_counts():
    c = County()
    blank = c.person("钱无额", date(1955, 1, 1), household=1)
    c.enrol(1)
    odd = c.person("钱怪类", date(1956, 1, 1), household=2)
    c.enrol(2)
    c.ref("pension", "钱无额", id18=blank["id18"], benefit_type="employee_pension")
    c.ref("pension", "钱怪类", id18=odd["id18"], benefit_type=None, monthly_amount=Decimal("2600"))
    ctx = context(c)
    ctx.means = lambda ids: {i: Means(1, Decimal("0"), Decimal("397.50"), False) for i in ids}
    [hit] = income.run(ctx)
    assert hit.household_id == 2 and "待遇类别未登记或无法识别，按计入收入核查" in hit.summary
    assert unused(ctx, income.CODE) == {
        "在保人员的待遇金额为空，未能核算收入": (1, False),
        "在保人员的待遇类别未登记或无法识别，按计入收入核查": (1, True),
    }


def test_death_rows_without_a_date_or_a_readable_id_are_accounted():
    c = County()
    person = c.person("王无期", date(1940, 3, 1), household=1)
    c.enrol(1)
    c.ref("death", "王无期", id18=person["id18"], death_date=None)
    c.ref(
        "death",
        "查无此号",
        id_status="invalid",
        id_cipher="43312319400301001X",
        death_date=date(2026, 1, 1),
    )
    c.ref("death", "无号无名", death_date=date(2026, 1, 1))
    ctx = context(c)
    assert death.run(ctx) == []
    assert unused(ctx, death.CODE) == {
        "与在保人员匹配，但死亡日期为空": (1, False),
        "身份证号码有误，且未能按姓名等匹配": (1, False),
        "未填写身份证号码，且未能按姓名等匹配": (1, False),
    }
