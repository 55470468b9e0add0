"""The inspector's audit pages render every kind of entry the services write."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jiuzhu.accounts.system import system_actor
from jiuzhu.core.models import AuditEntry
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


def _rows(response) -> str:
    """The table of entries (the action dropdown above it names every action)."""
    body = response.content.decode()
    return body[body.index('id="audit"') :]


def test_household_and_user_trails_are_filtered(client, users, busy_trail):
    client.force_login(users["inspector"])
    household_page = _rows(client.get(reverse("audit:household", args=[busy_trail.pk])))
    assert "修改成员信息" in household_page and "载入节假日" not in household_page
    user_page = _rows(client.get(reverse("audit:user", args=[users["officer_a"].pk])))
    assert "导出家庭名册" in user_page and "载入节假日" not in user_page


def test_filters_by_chinese_action_person_household_and_dates(client, users, busy_trail):
    client.force_login(users["inspector"])
    url = reverse("audit:list")
    officer = users["officer_a"]
    by_group = _rows(client.get(url, {"action": "group:registry"}))
    assert "修改成员信息" in by_group and "载入节假日" not in by_group
    by_label = _rows(client.get(url, {"q": "节假日"}))
    assert "载入节假日" in by_label and "修改成员信息" not in by_label
    by_person = client.get(url, {"actor": officer.pk})
    assert "载入节假日" not in _rows(by_person) and "导出家庭名册" in _rows(by_person)
    by_number = _rows(client.get(url, {"household": busy_trail.number}))
    by_name = _rows(client.get(url, {"household": "龙大山"}))
    for page in (by_number, by_name):
        assert "修改成员信息" in page and "导出家庭名册" not in page
    today = timezone.localdate()
    assert "修改成员信息" in _rows(client.get(url, {"from": str(today), "to": str(today)}))
    before = _rows(client.get(url, {"to": str(today - timedelta(days=1))}))
    assert "修改成员信息" not in before and "没有符合条件的记录" in before


def test_the_filters_stay_in_the_pager_and_the_export(client, users, busy_trail):
    client.force_login(users["inspector"])
    response = client.get(reverse("audit:list"), {"q": "修改", "page": "1"})
    assert response.context["query"] == "q=%E4%BF%AE%E6%94%B9"
    assert "共1条" in response.content.decode()
    export = client.get(reverse("audit:export"), {"q": "修改"})
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "操作" and len(rows) == 2 and rows[1][3] == "修改成员信息"
    assert "劳动能力：有劳动能力 → 部分丧失劳动能力" in rows[1][5]
    assert (
        "officer-a" not in str(rows) and AuditEntry.objects.filter(action="audit.export").exists()
    )


def test_malformed_filters_give_one_chinese_message(client, users, busy_trail):
    client.force_login(users["inspector"])
    response = client.get(
        reverse("audit:list"),
        {
            "from": "2026-02-30",
            "to": "9" * 5000,
            "actor": "99999999999999999999",
            "action": "x\x00",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.count('id="filter-error"') == 1
    assert "开始日期、结束日期" in body and "操作人" in body


def test_roles_without_audit_permission_get_404(client, users, busy_trail):
    client.force_login(users["officer_a"])
    assert client.get(reverse("audit:list")).status_code == 404
    assert client.get(reverse("audit:household", args=[busy_trail.pk])).status_code == 404


def test_not_found_page_is_chinese(client, users):
    client.force_login(users["officer_a"])
    response = client.get("/registry/households/999999/")
    assert response.status_code == 404 and "不在您的管辖范围内" in response.content.decode()
