"""Standards and county parameters as dated data, set only by county administrators, audited."""

from datetime import date
from decimal import Decimal

import pytest

from jiuzhu.core.errors import PermissionDenied, ValidationFailed
from jiuzhu.core.models import AuditEntry
from jiuzhu.programmes import selectors, services
from jiuzhu.programmes.models import Programme
from jiuzhu.programmes.seed import seed_county_defaults

COUNTY = "433123000000"


@pytest.fixture
def county(regions):
    return regions[COUNTY]


def test_catalogue_is_loaded_by_migration(db):
    codes = set(Programme.objects.values_list("code", flat=True))
    assert {
        "dibao_urban",
        "dibao_rural",
        "extreme_poverty_dispersed",
        "temporary",
        "heating",
    } <= codes
    assert Programme.objects.get(code="unsupported_child").needs_notice is False


def test_standard_in_force_follows_effective_dates(county):
    seed_county_defaults(county=county)

    def rural(on):
        return selectors.standard_in_force(
            county=county, programme_code="dibao_rural", area="rural", on=on
        )

    assert rural(date(2019, 6, 30)).amount == Decimal("4350.00")  # R12: before the rise
    assert rural(date(2019, 7, 1)).amount == Decimal("4770.00")  # from 2019-07-01
    assert rural(date(2026, 11, 22)).amount == Decimal("5400.00")
    # a county-wide standard serves both areas
    assert selectors.standard_in_force(
        county=county, programme_code="orphan", area="urban", on=date(2026, 1, 1)
    ).amount == Decimal("1500.00")
    with pytest.raises(ValidationFailed, match="没有生效的保障标准"):
        rural(date(2018, 12, 31))


def test_only_county_admin_of_that_county_sets_standards(county, users):
    with pytest.raises(PermissionDenied):
        services.standard_set(
            actor=users["officer_a"],
            county=county,
            programme_code="dibao_urban",
            area="urban",
            amount="700",
            period="monthly",
            effective_from=date(2027, 1, 1),
        )
    row = services.standard_set(
        actor=users["county"],
        county=county,
        programme_code="dibao_urban",
        area="urban",
        amount="700",
        period="monthly",
        effective_from=date(2027, 1, 1),
        note="县政府提标通知",
    )
    entry = AuditEntry.objects.get(action="settings.standard")
    assert entry.actor == users["county"] and entry.new["amount"] == "700.00"
    assert entry.new["programme"] == "dibao_urban" and entry.object_id == str(row.pk)
    with pytest.raises(ValidationFailed, match="已有同一项设置"):
        services.standard_set(
            actor=users["county"],
            county=county,
            programme_code="dibao_urban",
            area="urban",
            amount="710",
            period="monthly",
            effective_from=date(2027, 1, 1),
        )
    with pytest.raises(ValidationFailed):
        services.standard_set(
            actor=users["county"],
            county=county,
            programme_code="dibao_urban",
            area="urban",
            amount="-1",
            period="monthly",
            effective_from=date(2027, 2, 1),
        )


def test_delegation_defaults_and_changes(county, users):
    on = date(2026, 11, 22)
    delegated = selectors.delegated_programmes(county=county, on=on)
    assert "dibao_rural" in delegated and "temporary" in delegated and "heating" not in delegated
    services.delegation_set(
        actor=users["county"],
        county=county,
        programme_code="temporary",
        delegated=False,
        effective_from=date(2026, 12, 1),
        note="收回",
    )
    assert "temporary" in selectors.delegated_programmes(county=county, on=on)
    assert "temporary" not in selectors.delegated_programmes(county=county, on=date(2026, 12, 1))


def test_settings_default_then_override(county, users):
    on = date(2026, 11, 22)
    assert selectors.setting_value(county=county, key="temporary_cap", on=on) == Decimal("2000")
    services.setting_set(
        actor=users["county"],
        county=county,
        key="temporary_cap",
        value="3000",
        effective_from=date(2026, 1, 1),
    )
    assert selectors.setting_value(county=county, key="temporary_cap", on=on) == Decimal("3000")
    with pytest.raises(ValidationFailed):
        services.setting_set(
            actor=users["county"], county=county, key="nonsense", value="1", effective_from=on
        )


def test_seeded_tiers_add_ons_and_care_rates(county):
    assert seed_county_defaults(county=county) is True
    assert seed_county_defaults(county=county) is False  # idempotent
    on = date(2026, 11, 22)
    tiers = {t.code: t for t in selectors.temporary_tiers_in_force(county=county, on=on)}
    assert tiers["E3"].multiple == Decimal("3.00") and tiers["X3"].max_amount == Decimal("20000.00")
    assert {a.kind for a in selectors.add_ons_in_force(county=county, on=on)} == {
        "elderly",
        "minor",
        "severe_disability",
        "serious_illness",
    }
    assert {c.level: c.amount for c in selectors.care_rates_in_force(county=county, on=on)}[
        "full_loss"
    ] == Decimal("700.00")


def test_settings_page_shows_and_saves_standards(client, county, users):
    seed_county_defaults(county=county)
    client.force_login(users["officer_a"])
    page = client.get("/standards/").content.decode()
    assert (
        "¥4,770.00 元/人·年" in page and "铁市民发〔2019〕45号" in page and "录入新标准" not in page
    )
    assert client.post("/standards/", {"programme": "dibao_urban"}).status_code == 200
    assert not AuditEntry.objects.filter(
        action="settings.standard", actor=users["officer_a"]
    ).exists()
    client.force_login(users["county"])
    response = client.post(
        "/standards/",
        {
            "programme": "dibao_urban",
            "area": "urban",
            "amount": "720",
            "period": "monthly",
            "effective_from": "2027-01-01",
            "note": "凤政发〔2026〕1号",
        },
    )
    assert response.status_code == 302
    assert selectors.standard_in_force(
        county=county, programme_code="dibao_urban", area="urban", on=date(2027, 1, 1)
    ).amount == Decimal("720.00")
    assert "凤政发〔2026〕1号" in client.get("/standards/").content.decode()


def test_a_tier_label_names_its_category_once():
    from jiuzhu.programmes.models import TemporaryTier

    assert str(TemporaryTier(label="急难型一档", category="emergency")) == "急难型一档"
    assert str(TemporaryTier(label="一档", category="expenditure")) == "支出型·一档"
