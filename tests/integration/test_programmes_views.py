"""The standards page's audited screens: delegation, county settings, add-ons, temporary tiers and
care rates are changed by the county administrator only, as new dated rows, one service per POST;
each parameter's history is listed with rows that take effect later marked 待生效."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jiuzhu.core.models import AuditEntry
from jiuzhu.programmes import selectors
from jiuzhu.programmes.models import AddOnRate, CareRate, CountySetting, Delegation, TemporaryTier
from jiuzhu.programmes.seed import seed_county_defaults

COUNTY = "433123000000"
PAGE = "/standards/"
EDIT_URLS = [
    "/standards/delegation/",
    "/standards/settings/",
    "/standards/add-ons/",
    "/standards/tiers/",
    "/standards/care-rates/",
]


@pytest.fixture
def county(regions):
    county = regions[COUNTY]
    seed_county_defaults(county=county)
    return county


@pytest.fixture
def today():
    return timezone.localdate()


def _table(html: str, table_id: str) -> str:
    match = re.search(rf'id="{table_id}".*?</table>', html, re.S)
    assert match, table_id
    return match.group(0)


def _rows(html: str, table_id: str) -> list[str]:
    return re.findall(r"<tr[ >].*?</tr>", _table(html, table_id), re.S)[1:]  # without the header


def test_county_admin_raises_temporary_cap_from_a_future_date(client, county, users, today):
    start = today + timedelta(days=40)
    client.force_login(users["county"])
    response = client.post(
        "/standards/settings/",
        {
            "key": "temporary_cap",
            "value": "3000",
            "effective_from": start.isoformat(),
            "note": "凤民发〔2026〕8号",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("/standards/#settings")
    page = response.content.decode()
    assert "已保存" in page and "已记入审计记录" in page
    assert selectors.setting_value(county=county, key="temporary_cap", on=start) == Decimal("3000")
    assert selectors.setting_value(
        county=county, key="temporary_cap", on=start - timedelta(days=1)
    ) == Decimal("2000")
    entry = AuditEntry.objects.get(action="settings.countysetting", new__key="temporary_cap")
    assert entry.actor == users["county"]
    # the page still shows the cap in force today, the pending change, and the history row
    assert "¥2,000.00" in page and "E+" not in page
    history = _rows(page, "setting-history")
    pending = [r for r in history if "凤民发〔2026〕8号" in r]
    assert len(pending) == 1 and "待生效" in pending[0] and "¥3,000.00" in pending[0]
    assert "县级管理员" in pending[0] and "county-admin" not in pending[0]  # role, no account
    assert f"{start.year}年{start.month}月{start.day}日起改为¥3,000.00" in _table(
        page, "settings-table"
    )


def test_township_officer_sees_no_forms_and_cannot_post(client, county, users, today):
    client.force_login(users["officer_a"])
    page = client.get(PAGE).content.decode()
    assert "历史" in page and "县级参数" in page
    for url in EDIT_URLS:
        assert f'action="{url}"' not in page
    assert 'name="effective_from"' not in page and "录入新标准" not in page
    before = CountySetting.objects.count()
    response = client.post(
        "/standards/settings/",
        {
            "key": "temporary_cap",
            "value": "50000",
            "effective_from": today.isoformat(),
            "note": "越权",
        },
    )
    assert response.status_code == 200
    assert "只有本县的县级管理员可以修改保障标准和参数" in response.content.decode()
    assert CountySetting.objects.count() == before
    assert not AuditEntry.objects.filter(
        action="settings.countysetting", actor=users["officer_a"]
    ).exists()
    client.post(
        "/standards/delegation/",
        {
            "programme": "temporary",
            "action": "withdraw",
            "effective_from": today.isoformat(),
            "note": "越权",
        },
    )
    assert not Delegation.objects.exists()


def test_county_admin_sees_every_form(client, county, users):
    client.force_login(users["county"])
    page = client.get(PAGE).content.decode()
    for url in EDIT_URLS:
        assert f'action="{url}"' in page
    assert "录入新标准" in page and "调整下放（下放／收回）" in page


def test_withdrawing_temporary_from_a_date(client, county, users, today):
    start = today + timedelta(days=10)
    client.force_login(users["county"])
    response = client.post(
        "/standards/delegation/",
        {
            "programme": "temporary",
            "action": "withdraw",
            "effective_from": start.isoformat(),
            "note": "县政府常务会议决定收回",
        },
    )
    assert response.status_code == 302
    assert "temporary" in selectors.delegated_programmes(
        county=county, on=start - timedelta(days=1)
    )
    assert "temporary" not in selectors.delegated_programmes(county=county, on=start)
    row = Delegation.objects.get()
    assert (
        row.delegated is False
        and row.created_by == users["county"]
        and row.note == "县政府常务会议决定收回"
    )
    assert AuditEntry.objects.filter(action="settings.delegation", actor=users["county"]).exists()
    page = client.get(PAGE).content.decode()
    temporary_row = next(r for r in _rows(page, "delegation-table") if "临时救助" in r)
    assert (
        "下放乡镇审核确认" in temporary_row
        and "待生效" in temporary_row
        and "县级审核确认" in temporary_row
    )
    assert "待生效" in next(r for r in _rows(page, "delegation-history") if "临时救助" in r)


def test_note_is_required(client, county, users, today):
    client.force_login(users["county"])
    response = client.post(
        "/standards/delegation/",
        {
            "programme": "heating",
            "action": "delegate",
            "effective_from": today.isoformat(),
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "请填写依据（文件名称、文号）" in response.content.decode()
    assert not Delegation.objects.exists()


def test_add_on_needs_rate_or_fixed(client, county, users, today):
    client.force_login(users["county"])
    before = AddOnRate.objects.count()
    response = client.post(
        "/standards/add-ons/",
        {
            "kind": "elderly",
            "rate": "",
            "fixed": "",
            "effective_from": today.isoformat(),
            "note": "测试",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "请填写按标准的比例或固定金额（二选一）" in page
    assert 'value="测试"' in page  # the entries are kept for correction
    assert AddOnRate.objects.count() == before
    assert not AuditEntry.objects.filter(
        action="settings.addonrate", actor=users["county"]
    ).exists()
    # a fixed amount alone is accepted, as money text
    response = client.post(
        "/standards/add-ons/",
        {
            "kind": "elderly",
            "rate": "",
            "fixed": "￥80元",
            "effective_from": today.isoformat(),
            "note": "测试",
        },
    )
    assert response.status_code == 302
    row = AddOnRate.objects.get(kind="elderly", effective_from=today)
    assert row.fixed == Decimal("80.00") and row.rate is None
    assert "¥80.00/月" in client.get(PAGE).content.decode()


def test_tier_and_care_rate_are_added_and_shown(client, county, users, today):
    client.force_login(users["county"])
    response = client.post(
        "/standards/tiers/",
        {
            "code": "e4",
            "label": "急难型四档",
            "category": "emergency",
            "multiple": "4",
            "max_amount": "8,000",
            "effective_from": today.isoformat(),
            "note": "凤民发〔2026〕9号",
        },
    )
    assert response.status_code == 302
    tier = TemporaryTier.objects.get(code="E4")
    assert tier.multiple == Decimal("4.00") and tier.max_amount == Decimal("8000.00")
    assert tier.created_by == users["county"]
    response = client.post(
        "/standards/care-rates/",
        {
            "level": "full_loss",
            "amount": "750",
            "effective_from": today.isoformat(),
            "note": "提标",
        },
    )
    assert response.status_code == 302
    assert {c.level: c.amount for c in selectors.care_rates_in_force(county=county, on=today)}[
        "full_loss"
    ] == Decimal("750.00")
    assert CareRate.objects.filter(level="full_loss").count() == 2
    assert AuditEntry.objects.filter(
        action="settings.temporarytier", actor=users["county"]
    ).exists()
    assert AuditEntry.objects.filter(action="settings.carerate", actor=users["county"]).exists()
    page = client.get(PAGE).content.decode()
    assert "急难型四档" in page and "月低保标准×4，最高¥8,000.00" in page
    assert "¥750.00/月" in page and "月低保标准×12，最高¥20,000.00" in page
    care = _rows(page, "care-history")
    assert any("¥750.00/月" in r and "现行" in r for r in care)
    assert any("¥700.00/月" in r and "已调整" in r for r in care)


def test_history_marks_future_rows(client, county, users, today):
    client.force_login(users["county"])
    later = today + timedelta(days=90)
    client.post(
        "/standards/care-rates/",
        {
            "level": "partial",
            "amount": "350",
            "effective_from": later.isoformat(),
            "note": "明年提标",
        },
    )
    client.post(
        "/standards/add-ons/",
        {
            "kind": "minor",
            "rate": "0.2",
            "fixed": "",
            "effective_from": later.isoformat(),
            "note": "明年提标",
        },
    )
    client.post(
        "/standards/",
        {
            "programme": "dibao_urban",
            "area": "urban",
            "amount": "720",
            "period": "monthly",
            "effective_from": later.isoformat(),
            "note": "明年提标",
        },
    )
    page = client.get(PAGE).content.decode()
    for table_id in ("care-history", "add-on-history", "standards-table"):
        rows = _rows(page, table_id)
        future = [r for r in rows if "明年提标" in r]
        assert len(future) == 1 and "待生效" in future[0], table_id
        assert all("待生效" not in r for r in rows if "明年提标" not in r), table_id
    # what is in force today is unchanged
    assert {c.level: c.amount for c in selectors.care_rates_in_force(county=county, on=today)}[
        "partial"
    ] == Decimal("300.00")
    assert "标准的20%" in page


def test_form_and_service_errors_save_nothing(client, county, users, today):
    client.force_login(users["county"])
    before = CountySetting.objects.count()
    for value, message in (
        ("abc", "取值应为数字"),
        ("1.5", "该参数应为整数"),
        ("-1", "取值不能小于0"),
    ):
        response = client.post(
            "/standards/settings/",
            {
                "key": "max_vehicles",
                "value": value,
                "effective_from": today.isoformat(),
                "note": "测试",
            },
        )
        assert response.status_code == 200 and message in response.content.decode(), value
    response = client.post(
        "/standards/settings/",
        {
            "key": "ep_consumption_share",
            "value": "60",
            "effective_from": today.isoformat(),
            "note": "测试",
        },
    )
    assert "比例应填0到1之间的小数" in response.content.decode()
    assert CountySetting.objects.count() == before
    # a second change for the same date: the service refuses, with its Chinese message
    data = {
        "key": "gradual_exit_months",
        "value": "12",
        "effective_from": today.isoformat(),
        "note": "测试",
    }
    assert client.post("/standards/settings/", data).status_code == 302
    response = client.post("/standards/settings/", {**data, "value": "3"})
    assert response.status_code == 200 and "起已有同一项设置" in response.content.decode()
    assert selectors.setting_value(county=county, key="gradual_exit_months", on=today) == Decimal(
        "12"
    )
    response = client.post(
        "/standards/tiers/",
        {
            "code": "E5",
            "label": "急难型五档",
            "category": "emergency",
            "multiple": "5",
            "max_amount": "-1",
            "effective_from": today.isoformat(),
            "note": "测试",
        },
    )
    assert response.status_code == 200 and "金额不能为负数" in response.content.decode()
    assert not TemporaryTier.objects.filter(code="E5").exists()


def test_get_on_an_edit_address_goes_back_to_the_page(client, county, users):
    client.force_login(users["county"])
    response = client.get("/standards/tiers/")
    assert response.status_code == 302 and response["Location"] == "/standards/#tiers"
