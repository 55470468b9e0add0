"""The inspector's audit pages render every kind of entry the services write."""

import pytest
from django.urls import reverse

from jiuzhu.accounts.system import system_actor
from jiuzhu.core.workdays_db import seed_holidays
from jiuzhu.registry import services
from jiuzhu.registry.services import PersonChanges
from tests.conftest import TOWNSHIP_A


@pytest.fixture
def busy_trail(users, make_household, client):
    household = make_household(TOWNSHIP_A, size=2)
    officer = users["officer_a"]
    person = household.members.get(relation="self")
    services.person_update(
        actor=officer,
        person_id=person.pk,
        reason="残联复核",
        changes=PersonChanges(
            relation="self",
            hukou_type="rural",
            labour_capacity="partial",
            disability_type="physical",
            disability_grade=2,
            health_status="chronic",
            ethnicity="苗族",
        ),
    )
    services.person_reveal_id(actor=officer, person_id=person.pk, reason="入户核查")
    seed_holidays([2026], actor=system_actor("cli"))
    client.force_login(officer)
    client.get(reverse("registry:household_export"), {"q": "龙"})
    client.logout()
    return household


def test_inspector_reads_the_whole_trail_in_chinese(client, users, busy_trail):
    client.force_login(users["inspector"])
    body = client.get(reverse("audit:list")).content.decode()
    for text in (
        "修改成员信息",
        "劳动能力：有劳动能力 → 部分丧失劳动能力",
        "残疾类别：无 → 肢体残疾",
        "查看完整身份证号码",
        "入户核查",
        "导出家庭名册",
        "载入节假日",
        "年份：2026",
    ):
        assert text in body, text


def test_household_and_user_trails_are_filtered(client, users, busy_trail):
    client.force_login(users["inspector"])
    household_page = client.get(reverse("audit:household", args=[busy_trail.pk])).content.decode()
    assert "修改成员信息" in household_page and "载入节假日" not in household_page
    user_page = client.get(reverse("audit:user", args=[users["officer_a"].pk])).content.decode()
    assert "导出家庭名册" in user_page and "载入节假日" not in user_page


def test_roles_without_audit_permission_get_404(client, users, busy_trail):
    client.force_login(users["officer_a"])
    assert client.get(reverse("audit:list")).status_code == 404
    assert client.get(reverse("audit:household", args=[busy_trail.pk])).status_code == 404


def test_not_found_page_is_chinese(client, users):
    client.force_login(users["officer_a"])
    response = client.get("/registry/households/999999/")
    assert response.status_code == 404 and "不在您的管辖范围内" in response.content.decode()
