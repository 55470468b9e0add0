"""Nothing outside an officer's jurisdiction leaks through what the officer can do: an import
preview says a person is registered elsewhere without naming the household, the kin list shows
only the officer's own relatives and declarants, and declaring a relative who lives in another
township marks nothing there. (Every service's own guard: test_service_guards.)"""

import pytest
from django.utils import timezone

from jiuzhu.cases import services as case_services
from jiuzhu.cases.kin_services import kin_declare
from jiuzhu.cases.selectors import kin_declarations_for
from jiuzhu.core.crypto import decrypt
from jiuzhu.programmes.seed import seed_county_defaults
from jiuzhu.registry import import_services
from tests.conftest import TOWNSHIP_A, TOWNSHIP_B, first_village
from tests.integration.test_import import csv_bytes, idn, row


@pytest.fixture
def setup(regions, users, make_household):
    seed_county_defaults(county=regions["433123000000"])
    home_a = make_household(TOWNSHIP_A, size=2, head_name="龙甲")
    home_b = make_household(TOWNSHIP_B, size=2, head_name="吴乙")
    return home_a, home_b


def _id_of(household, relation="self"):
    return decrypt(household.members.get(relation=relation).id_cipher)


def test_import_preview_does_not_name_another_townships_household(regions, users, setup):
    home_a, home_b = setup
    village_b = first_village(regions, TOWNSHIP_B).code
    rows = [
        row("1", "户主", "吴乙", _id_of(home_b), **{"村（社区）代码": village_b}),
        row("2", "户主", "新人", idn(1980, 5, 5, 7), **{"村（社区）代码": village_b}),
    ]
    batch = import_services.import_preview(
        actor=users["officer_b"], file_name="b.csv", data=csv_bytes(rows)
    )
    texts = [p["message"] for p in batch.report["problems"]]
    assert any(home_b.number in t for t in texts)  # own township: the household is named

    rows = [row("1", "户主", "吴乙", _id_of(home_b))]
    check = import_services.check_file(
        actor=users["officer_a"], file_name="a.csv", data=csv_bytes(rows)
    )
    texts = [p.message for p in check.problems]
    assert any("已在其他地方登记（不在您的管辖范围内）" in t for t in texts)
    assert not any(home_b.number in t for t in texts)


def _declare(actor, household, name):
    member = household.members.get(relation="daughter")
    return kin_declare(
        actor=actor,
        declarant_name=name,
        declarant_role="village_cadre",
        declarant_unit="村委会",
        relative_name=member.name,
        relative_id_number=decrypt(member.id_cipher),
        kin="child",
        declared_on=timezone.localdate(),
    )


def test_kin_list_shows_only_the_officers_own_relatives(users, setup):
    home_a, home_b = setup
    _declare(users["officer_a"], home_a, "沱江干部")
    _declare(users["officer_b"], home_b, "山江干部")
    seen_by = {
        key: {d.declarant_name for d in kin_declarations_for(users[key])}
        for key in ("officer_a", "officer_b", "village_a", "county", "inspector")
    }
    assert seen_by["officer_a"] == {"沱江干部"}
    assert seen_by["officer_b"] == {"山江干部"}
    assert seen_by["county"] == seen_by["inspector"] == {"沱江干部", "山江干部"}
    assert "山江干部" not in seen_by["village_a"]


def test_kin_page_of_one_township_hides_the_other(client, users, setup):
    home_a, home_b = setup
    _declare(users["officer_b"], home_b, "山江干部")
    client.force_login(users["officer_a"])
    page = client.get("/cases/kin/").content.decode()
    assert "山江干部" not in page
    assert home_b.members.get(relation="daughter").name not in page


def test_declaring_a_relative_in_another_township_marks_nothing_there(users, setup):
    home_a, home_b = setup
    app_b = case_services.application_register(
        actor=users["officer_b"],
        household_id=home_b.pk,
        programme_code="dibao_rural",
        reason="申请",
    )
    declaration = _declare(users["officer_a"], home_b, "沱江干部")
    app_b.refresh_from_db()
    assert declaration.pk and not app_b.kin_registered
    # the same declaration by the relative's own township marks the case
    _declare(users["officer_b"], home_b, "山江干部")
    app_b.refresh_from_db()
    assert app_b.kin_registered
