"""低保分档 as a county setting (S1 art. 12, S2 art. 23): the mode setting and the dated tier
tables change the computed benefit; tables are set by the county administrator only, audited,
and entered on the standards page."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jiuzhu.cases import services as case_services
from jiuzhu.core.errors import PermissionDenied, ValidationFailed
from jiuzhu.core.models import AuditEntry
from jiuzhu.programmes import selectors, services
from jiuzhu.programmes.models import CountySetting, DibaoTier
from jiuzhu.programmes.seed import seed_county_defaults
from jiuzhu.registry.models import IncomeFact
from tests.conftest import TOWNSHIP_A

COUNTY = "433123000000"
PAGE = "/standards/"


@pytest.fixture
def county(regions):
    county = regions[COUNTY]
    seed_county_defaults(county=county)
    return county


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def application(county, users, make_household, today):
    """A rural household of two with 4,800 yuan of wages over the last 12 months: counted
    income 400.00/month, per capita 200.00 against the 450.00 monthly standard."""
    household = make_household(TOWNSHIP_A, size=2)
    IncomeFact.objects.create(
        household=household,
        person=household.members.get(relation="self"),
        category="wages",
        amount=Decimal("4800"),
        period_start=today - timedelta(days=365),
        period_end=today,
    )
    return case_services.application_register(
        actor=users["village_a"],
        household_id=household.pk,
        programme_code="dibao_rural",
        reason="因病致贫",
    )


def _calculate(app, users, on=None):
    return case_services.application_calculate(
        actor=users["officer_a"], application_id=app.pk, on=on
    )


def _set_mode(county, users, mode: int, start: date):
    return services.setting_set(
        actor=users["county"],
        county=county,
        key="dibao_mode",
        value=mode,
        effective_from=start,
        note="县政府文件",
    )


def test_setting_the_mode_to_tiered_changes_the_benefit(county, users, application, today):
    gap = _calculate(application, users)
    # gap: (450.00 − 200.00) × 2
    assert gap.monthly_amount == Decimal("500.00")
    assert any("按差额计发" in line for line in gap.calculation)
    assert not any("分档" in line for line in gap.calculation)

    assert selectors.dibao_mode(county=county, on=today) == "gap"  # the demo default
    _set_mode(county, users, 1, today)
    assert selectors.dibao_mode(county=county, on=today) == "tiered"
    assert selectors.dibao_mode(county=county, on=today - timedelta(days=1)) == "gap"

    tiered = _calculate(application, users)
    # seeded rural table from 2025-07-01: ≤150 → 360, ≤300 → 240, ≤450 → 110 per person
    assert tiered.monthly_amount == Decimal("480.00")
    lines = "\n".join(tiered.calculation)
    assert "本县低保计发方式：分档计发，适用农村低保分档（2025年7月1日起执行" in lines
    assert "人均月收入¥200.00属第2档（上限¥300.00），每人¥240.00 × 2人 = ¥480.00" in lines
    assert "按差额计发" not in lines
    # the day before the change the gap mode still applies (R12: parameters in force that day)
    assert _calculate(application, users, on=today - timedelta(days=1)).monthly_amount == Decimal(
        "500.00"
    )


def test_tiered_mode_without_a_table_in_force_is_a_clear_error(county, users, application):
    _set_mode(county, users, 1, date(2020, 1, 1))
    # the seeded tier tables start on 2024-01-01; the 2019-07-01 standard is in force on this day
    with pytest.raises(
        ValidationFailed,
        match="本县低保计发方式为分档计发，但2023年6月1日没有生效的低保分档设置（农村）",
    ):
        _calculate(application, users, on=date(2023, 6, 1))


def test_a_table_that_does_not_reach_the_income_is_a_clear_error(county, users, application, today):
    _set_mode(county, users, 1, today)
    services.dibao_tiers_set(
        actor=users["county"],
        county=county,
        area="rural",
        tiers=[("100", "400")],
        effective_from=today,
        note="测试",
    )
    with pytest.raises(
        ValidationFailed, match="分档设置未覆盖人均月收入¥200.00.*请县级管理员调整低保分档设置"
    ):
        _calculate(application, users)


def test_county_wide_table_serves_an_area_without_its_own(county, users, today):
    start = today + timedelta(days=1)
    services.dibao_tiers_set(
        actor=users["county"],
        county=county,
        area="all",
        tiers=[("500", "200"), ("250", "350")],  # any order: numbered from the lowest income
        effective_from=start,
        note="城乡统一分档",
    )
    DibaoTier.objects.filter(area="rural").delete()
    assert selectors.dibao_tiers_in_force(county=county, area="rural", on=today) == []
    rows = selectors.dibao_tiers_in_force(county=county, area="rural", on=start)
    assert [(r.level, r.max_per_capita_income, r.amount_per_person) for r in rows] == [
        (1, Decimal("250.00"), Decimal("350.00")),
        (2, Decimal("500.00"), Decimal("200.00")),
    ]
    # urban keeps its own table: tables are whole and never mixed
    urban = selectors.dibao_tiers_in_force(county=county, area="urban", on=start)
    assert [r.max_per_capita_income for r in urban] == [
        Decimal("220.00"),
        Decimal("450.00"),
        Decimal("680.00"),
    ]


def test_tier_table_is_audited_and_refused_to_a_township_officer(county, users, today):
    before = DibaoTier.objects.count()
    with pytest.raises(PermissionDenied):
        services.dibao_tiers_set(
            actor=users["officer_a"],
            county=county,
            area="rural",
            tiers=[("200", "300"), ("450", "100")],
            effective_from=today,
            note="越权",
        )
    assert DibaoTier.objects.count() == before
    assert not AuditEntry.objects.filter(
        action="settings.dibaotier", actor=users["officer_a"]
    ).exists()

    rows = services.dibao_tiers_set(
        actor=users["county"],
        county=county,
        area="rural",
        tiers=[("200", "300"), ("450", "100")],
        effective_from=today,
        note="凤民发〔2026〕12号",
    )
    assert [r.level for r in rows] == [1, 2] and all(r.created_by == users["county"] for r in rows)
    entry = AuditEntry.objects.get(action="settings.dibaotier", actor=users["county"])
    assert entry.new["area"] == "rural" and entry.new["note"] == "凤民发〔2026〕12号"
    assert entry.new["tiers"] == [
        {"level": 1, "max_per_capita_income": "200.00", "amount_per_person": "300.00"},
        {"level": 2, "max_per_capita_income": "450.00", "amount_per_person": "100.00"},
    ]
    # a second table for the same area and date, bad orders and amounts: refused, nothing saved
    for tiers, message in (
        ([("300", "200")], "已有同一项设置"),
        ([("200", "100"), ("450", "300")], "收入越低的档次保障金应越高"),
        ([("200", "100"), ("200", "50")], "上限相同"),
        ([("200", "0")], "都应大于零"),
        ([], "请至少填写一档"),
    ):
        with pytest.raises(ValidationFailed, match=message):
            services.dibao_tiers_set(
                actor=users["county"],
                county=county,
                area="rural",
                tiers=tiers,
                effective_from=today if message == "已有同一项设置" else today + timedelta(days=1),
            )
    assert DibaoTier.objects.filter(created_by=users["county"]).count() == 2
    with pytest.raises(ValidationFailed, match="低保计发方式应为0"):
        _set_mode(county, users, 2, today)
    with pytest.raises(PermissionDenied):
        services.setting_set(
            actor=users["officer_a"], county=county, key="dibao_mode", value=1, effective_from=today
        )


def _table(html: str, table_id: str) -> str:
    match = re.search(rf'id="{table_id}".*?</table>', html, re.S)
    assert match, table_id
    return match.group(0)


def test_standards_page_saves_a_tier_table_and_the_mode(client, county, users, today):
    client.force_login(users["county"])
    page = client.get(PAGE).content.decode()
    assert 'action="/standards/dibao-tiers/"' in page and 'action="/standards/dibao-mode/"' in page
    assert "现行计发方式：<strong>差额计发</strong>" in page
    in_force = _table(page, "dibao-tier-table")
    assert "¥360.00" in in_force and "¥680.00" in in_force  # seeded rural and urban tables

    start = today + timedelta(days=30)
    response = client.post(
        "/standards/dibao-tiers/",
        {
            "area": "rural",
            "effective_from": start.isoformat(),
            "note": "凤民发〔2026〕12号",
            "upper_1": "160",
            "amount_1": "380",
            "upper_2": "￥480元",
            "amount_2": "120",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("/standards/#dibao-tiers")
    page = response.content.decode()
    assert "已保存：农村低保分档（共2档）" in page and "已记入审计记录" in page
    rows = selectors.dibao_tiers_in_force(county=county, area="rural", on=start)
    assert [(r.max_per_capita_income, r.amount_per_person) for r in rows] == [
        (Decimal("160.00"), Decimal("380.00")),
        (Decimal("480.00"), Decimal("120.00")),
    ]
    assert rows[0].created_by == users["county"]
    history = re.findall(r"<tr[ >].*?</tr>", _table(page, "dibao-tier-history"), re.S)
    pending = [r for r in history if "凤民发〔2026〕12号" in r]
    assert len(pending) == 2 and all("待生效" in r for r in pending)
    assert any("农村第2档" in r and "人均月收入不超过¥480.00，每人¥120.00/月" in r for r in pending)
    assert AuditEntry.objects.filter(action="settings.dibaotier", actor=users["county"]).exists()

    response = client.post(
        "/standards/dibao-mode/",
        {"mode": "tiered", "effective_from": today.isoformat(), "note": "凤政发〔2026〕3号"},
        follow=True,
    )
    page = response.content.decode()
    assert "已保存：低保计发方式：分档计发" in page
    assert "现行计发方式：<strong>分档计发</strong>" in page
    assert CountySetting.objects.get(key="dibao_mode").value == Decimal("1")


def test_tier_form_errors_save_nothing_and_officers_cannot_post(client, county, users, today):
    before = DibaoTier.objects.count()
    client.force_login(users["county"])
    response = client.post(
        "/standards/dibao-tiers/",
        {
            "area": "urban",
            "effective_from": today.isoformat(),
            "note": "测试",
            "upper_1": "200",
            "amount_1": "",
        },
    )
    assert response.status_code == 200 and "请填写金额" in response.content.decode()
    response = client.post(
        "/standards/dibao-tiers/",
        {"area": "urban", "effective_from": today.isoformat(), "note": "测试"},
    )
    assert "请至少填写一档的收入上限和保障金" in response.content.decode()
    assert DibaoTier.objects.count() == before

    client.force_login(users["officer_a"])
    page = client.get(PAGE).content.decode()
    assert "低保计发方式与分档" in page and 'action="/standards/dibao-tiers/"' not in page
    response = client.post(
        "/standards/dibao-tiers/",
        {
            "area": "urban",
            "effective_from": today.isoformat(),
            "note": "越权",
            "upper_1": "700",
            "amount_1": "100",
        },
    )
    assert "只有本县的县级管理员可以修改保障标准和参数" in response.content.decode()
    response = client.post(
        "/standards/dibao-mode/",
        {"mode": "tiered", "effective_from": today.isoformat(), "note": "越权"},
    )
    assert response.status_code == 200
    assert (
        DibaoTier.objects.count() == before
        and not CountySetting.objects.filter(key="dibao_mode").exists()
    )
