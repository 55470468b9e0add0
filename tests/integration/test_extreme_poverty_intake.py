"""Extreme-poverty cases: supporters decide the support condition, the six-item assessment
decides the care subsidy added to the basic living standard (S3, R11)."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from jiuzhu.cases import extreme_poverty, services
from jiuzhu.cases.benefit import calculate
from jiuzhu.core.errors import ValidationFailed
from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.programmes.seed import seed_county_defaults
from jiuzhu.registry.builders import build_household, build_person, household_number
from tests.conftest import TOWNSHIP_A, first_village


@pytest.fixture
def elder_case(users, regions):
    seed_county_defaults(county=regions["433123000000"])
    village = first_village(regions, TOWNSHIP_A)
    h = build_household(
        number=household_number(village.code, 90001),
        village=village,
        address="x",
        area_type="rural",
        head_name="麻老人",
    )
    h.save()
    born = date(1940, 5, 5)
    build_person(
        household=h,
        name="麻老人",
        id_number=make_resident_id(region_code="433123", birth_date=born, sequence=1, sex="M"),
        birth_date=born,
        sex="M",
        relation="self",
        hukou_type="rural",
        labour_capacity="none",
    ).save()
    app = services.application_register(
        actor=users["village_a"],
        household_id=h.pk,
        programme_code="extreme_poverty_dispersed",
        reason="孤寡老人",
    )
    services.application_accept(actor=users["officer_a"], application_id=app.pk)
    return app


def test_no_supporter_no_income_gets_the_r11_standard_plus_care(users, elder_case):
    today = timezone.localdate()
    base = calculate(elder_case, today)
    # R11: max(60% × 14,000 / 12 = 700.00, 1.3 × 450.00 = 585.00) = 700.00; no assessment yet
    assert base.eligible and base.amount == Decimal("700.00")
    extreme_poverty.self_care_assess(
        actor=users["officer_a"],
        application_id=elder_case.pk,
        failed_items=["bathing", "toilet", "indoor_walking", "eating"],
        assessed_on=today,
    )
    with_care = calculate(elder_case, today)
    assert with_care.amount == Decimal("1400.00")  # + full-loss care 700.00 (demo rate)
    assert any("完全丧失生活自理能力" in line for line in with_care.lines)


def test_a_capable_supporter_makes_the_person_ineligible(users, elder_case):
    extreme_poverty.supporter_add(
        actor=users["officer_a"],
        application_id=elder_case.pk,
        name="麻儿",
        relation="子",
        age=45,
        monthly_income=Decimal("4000"),
    )
    assert not calculate(elder_case, timezone.localdate()).eligible
    # a supporter in prison cannot support: eligible again when that is the only one
    elder_case.supporters.all().update(in_prison=True)
    assert calculate(elder_case, timezone.localdate()).eligible


def test_intake_is_only_for_extreme_poverty_and_validates_items(users, elder_case, make_household):
    with pytest.raises(ValidationFailed):
        extreme_poverty.self_care_assess(
            actor=users["officer_a"],
            application_id=elder_case.pk,
            failed_items=["flying"],
            assessed_on=timezone.localdate(),
        )
    other = services.application_register(
        actor=users["village_a"],
        household_id=make_household(TOWNSHIP_A).pk,
        programme_code="dibao_rural",
        reason="申请",
    )
    with pytest.raises(ValidationFailed, match="特困"):
        extreme_poverty.supporter_add(
            actor=users["officer_a"],
            application_id=other.pk,
            name="x",
            relation="子",
            age=40,
            monthly_income=Decimal("0"),
        )


def test_intake_forms_on_the_case_page(client, users, elder_case):
    client.force_login(users["officer_a"])
    page = client.get(f"/cases/{elder_case.pk}/").content.decode()
    assert "生活自理能力评估（六项）" in page and "登记赡养（扶养、抚养）义务人" in page
    client.post(
        f"/cases/{elder_case.pk}/do/self_care/",
        {"self_care-assessed_on": str(timezone.localdate()), "self_care-failed_items": ["bathing"]},
    )
    assert elder_case.self_care.get().level == "partial"
    assert "部分丧失生活自理能力" in client.get(f"/cases/{elder_case.pk}/").content.decode()


def test_single_person_inclusion_for_a_severely_disabled_member_of_an_edge_household(
    users, regions
):
    """S2 art. 8: the household is above the standard but below 1.5 ×; the disabled son alone."""
    from jiuzhu.registry.models import IncomeFact

    seed_county_defaults(county=regions["433123000000"])
    village = first_village(regions, TOWNSHIP_A)
    h = build_household(
        number=household_number(village.code, 90002),
        village=village,
        address="x",
        area_type="rural",
        head_name="吴父",
    )
    h.save()
    people = []
    for i, (name, born, rel, dis, grade) in enumerate(
        [
            ("吴父", date(1965, 1, 1), "self", "", None),
            ("吴子", date(1995, 1, 1), "son", "intellectual", 2),
        ]
    ):
        p = build_person(
            household=h,
            name=name,
            id_number=make_resident_id(
                region_code="433123", birth_date=born, sequence=10 + i, sex="M"
            ),
            birth_date=born,
            sex="M",
            relation=rel,
            hukou_type="rural",
            disability_type=dis,
            disability_grade=grade,
        )
        p.save()
        people.append(p)
    today = timezone.localdate()
    # father earns 12,000 a year: per capita 500.00/month ≥ 450.00 standard, < 1.5 × 450 = 675.00
    IncomeFact.objects.create(
        household=h,
        person=people[0],
        category="wages",
        amount=Decimal("12000"),
        period_start=date(today.year - 1, today.month, 1),
        period_end=today,
    )
    whole = services.application_register(
        actor=users["village_a"], household_id=h.pk, programme_code="dibao_rural", reason="全户申请"
    )
    assert not calculate(whole, today).eligible
    services.application_withdraw(
        actor=users["officer_a"], application_id=whole.pk, reason="改为单人保"
    )
    single = services.application_register(
        actor=users["village_a"],
        household_id=h.pk,
        programme_code="dibao_rural",
        reason="单人保",
        applicant_id=people[1].pk,
    )
    result = calculate(single, today)
    assert result.eligible and result.amount == Decimal("450.00")  # no own income: full gap
    assert any("单人保" in line for line in result.lines)
