"""What the API answers: the roster masked (no phone, bank, address, health; nothing of a
minor but the row), paginated with a bounded page size, and within the key's regions; a form's
figures equal to the reports' own form_build; the dashboard's series without internal links."""

from __future__ import annotations

import json
from datetime import date

import pytest

from jiuzhu.core.crypto import decrypt
from jiuzhu.registry.builders import build_person
from jiuzhu.registry.models import Person
from jiuzhu.reports.catalogue import FORMS
from jiuzhu.reports.services import form_build
from tests.conftest import first_village
from tests.integration.api_world import COUNTY, TOWNSHIP_A, TOWNSHIP_B, call, fresh_counters, issue
from tests.integration.payment_builders import enrolment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_counters")]
assert fresh_counters
MONTH = "2026-11"
FULL_ACCOUNT = "6230901234567890123"  # make_household's
PHONE = "13812345678"


@pytest.fixture
def recipients(users, make_household, regions):
    county = users["county"]
    a = make_household(TOWNSHIP_A, head_name="龙大山")
    b = make_household(TOWNSHIP_B, head_name="吴二妹")
    child_home = make_household(TOWNSHIP_A, head_name="石三")
    child = build_person(
        household=child_home,
        name="石小妹",
        id_number="433123201503010028",
        birth_date=date(2015, 3, 1),
        sex="F",
        relation="daughter",
        hukou_type="rural",
    )
    child.save()
    ea = enrolment(a, created_by=county, amount="300.00")
    eb = enrolment(b, created_by=county, amount="400.00")
    ec = enrolment(child_home, created_by=county, programme="unsupported_child", members=1)
    type(ec).objects.filter(pk=ec.pk).update(person=child)
    return {"a": ea, "b": eb, "child": ec, "child_person": child}


def test_the_roster_is_masked_and_within_the_key_regions(users, recipients):
    _key, plaintext = issue(users["county"], regions=(TOWNSHIP_A,))
    response = call("get", f"/api/v1/roster?region={TOWNSHIP_A}&month={MONTH}", plaintext)
    assert response.status_code == 200, response.content
    body = response.json()
    numbers = {i["household_number"] for i in body["items"]}
    assert recipients["a"].household.number in numbers
    assert recipients["b"].household.number not in numbers  # township B
    text = json.dumps(body, ensure_ascii=False)
    head = Person.objects.get(household=recipients["a"].household, relation="self")
    full_id = decrypt(head.id_cipher)
    assert len(full_id) == 18 and full_id not in text and full_id[6:14] not in text  # birth date
    assert FULL_ACCOUNT not in text and FULL_ACCOUNT[-4:] not in text and PHONE not in text
    assert "1组" not in text  # no address
    row = next(
        i for i in body["items"] if i["household_number"] == recipients["a"].household.number
    )
    assert row["name"] == "龙大山" and row["amount"] == "300.00"
    assert row["id_number"].count("*") == 13 and row["id_number"][:2] == "43"
    assert set(row) == set(type_fields())
    child_row = next(
        i for i in body["items"] if i["household_number"] == recipients["child"].household.number
    )
    assert child_row["name"] == "" and child_row["id_number"] == ""
    assert child_row["withheld"] == "未成年人信息不提供" and "石小妹" not in text


def type_fields():
    from jiuzhu.api.schemas import RosterItem

    return RosterItem.model_fields


def test_the_roster_pages_are_bounded(users, recipients):
    _key, plaintext = issue(users["county"])
    url = f"/api/v1/roster?region={COUNTY}&month={MONTH}"
    first = call("get", url + "&page_size=2", plaintext).json()
    second = call("get", url + "&page_size=2&page=2", plaintext).json()
    assert first["count"] == 3 and first["pages"] == 2
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    seen = {i["household_number"] for i in first["items"] + second["items"]}
    assert len(seen) == 3
    assert first["amount"] == str(sum_amounts(recipients))
    assert call("get", url + "&page_size=501", plaintext).status_code == 422


def sum_amounts(recipients):
    from decimal import Decimal

    return sum((recipients[k].monthly_amount for k in ("a", "b", "child")), Decimal("0.00"))


@pytest.mark.parametrize("code", list(FORMS))
def test_a_forms_figures_are_the_reports_own(users, recipients, code):
    _key, plaintext = issue(users["county"])
    response = call("get", f"/api/v1/forms/{code}?region={COUNTY}&month={MONTH}", plaintext)
    assert response.status_code == 200, response.content
    body = response.json()
    expected = form_build(actor=users["county"], code=code, region=COUNTY, month=MONTH)
    leaves = [c.key for c in expected.leaves()]
    assert [c["key"] for c in body["columns"]] == leaves
    assert len(body["rows"]) == len(expected.rows)
    if expected.total is not None:
        for key in leaves:
            want = expected.total.cells[key].value if key in expected.total.cells else None
            got = body["total"]["values"][key]
            assert str(got) == str(want), (code, key)


def test_the_forms_list_names_every_form(users):
    _key, plaintext = issue(users["county"], scopes=["reports:read"])
    body = call("get", "/api/v1/forms", plaintext).json()
    assert [f["code"] for f in body] == list(FORMS)


def test_a_forms_township_figures_and_unknown_form(users, recipients):
    _key, plaintext = issue(users["county"], regions=(TOWNSHIP_A,))
    code = "assistance_monthly" if "assistance_monthly" in FORMS else next(iter(FORMS))
    ok = call("get", f"/api/v1/forms/{code}?region={TOWNSHIP_A}&month={MONTH}", plaintext)
    assert ok.status_code == 200 and ok.json()["region"]["code"] == TOWNSHIP_A
    unknown = call("get", f"/api/v1/forms/nope?region={TOWNSHIP_A}&month={MONTH}", plaintext)
    assert unknown.status_code == 404 and unknown.json()["detail"] == "没有该报表"
    far = call("get", f"/api/v1/forms/{code}?region={TOWNSHIP_A}&month=1999-01", plaintext)
    assert far.status_code == 422


def test_the_dashboard_series_without_internal_links(users, recipients, regions):
    _key, plaintext = issue(users["county"], regions=(TOWNSHIP_A,))
    response = call("get", f"/api/v1/dashboard?region={TOWNSHIP_A}&months=6", plaintext)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["region"]["name"] == regions[TOWNSHIP_A].name and len(body["months"]) == 6
    text = json.dumps(body)
    assert '"url"' not in text and "/payments/" not in text and '"links"' not in text
    # counts by stage and status; the complaint, rectification and recovery ledgers are not given
    assert body["applications"] is not None and body["findings"] is not None
    assert body["clues"] is None and body["rectifications"] is None and body["recoveries"] is None
    village = first_village(regions, TOWNSHIP_A)
    refused = call("get", f"/api/v1/dashboard?region={village.code}", plaintext)
    assert refused.status_code == 404


def test_a_missing_parameter_is_named_as_missing(users):
    _key, plaintext = issue(users["county"])
    response = call("get", f"/api/v1/roster?month={MONTH}", plaintext)
    assert response.status_code == 422
    assert response.json() == {"detail": "缺少必填参数：region", "fields": ["region"]}
    response = call("get", f"/api/v1/roster?region={COUNTY}&month=2026-11&page_size=abc", plaintext)
    assert response.status_code == 422
    assert response.json()["detail"] == "请求参数不正确：page_size"
