"""Findings pages: overview counts, list filters and Excel, evidence side by side, the steps."""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from jiuzhu.core.crypto import decrypt
from jiuzhu.core.models import AuditEntry
from jiuzhu.crosscheck.models import Finding
from jiuzhu.crosscheck.run import crosscheck_run
from jiuzhu.payments.models import Enrolment
from tests.integration.test_crosscheck_run import death_snapshot, enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(users, make_household, settings, tmp_path):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snap"
    household = make_household(size=2, head_name="龙老汉")
    head = household.members.get(relation="self")
    enrol(household, users["county"], amount="900.00")
    death_snapshot(users["county"], f"龙老汉,{decrypt(head.id_cipher)},,,,2026-09-20,火化\n")
    crosscheck_run(actor=users["county"], month="2026-11", inline=True)
    return Finding.objects.get(check_code="death")


def test_overview_counts_by_check_and_township(client, users, finding):
    client.force_login(users["inspector"])
    page = client.get("/crosscheck/").content.decode()
    assert "死亡人员仍在保" in page and "沱江镇" in page
    row = page.split('id="by-check"')[1].split("死亡人员仍在保")[1].split("</tr>")[0]
    assert row.count(">1<") >= 1  # one raised


def test_list_filters_and_jurisdiction(client, users, finding):
    client.force_login(users["officer_a"])
    page = client.get("/crosscheck/findings/?check=death").content.decode()
    assert f"#{finding.pk}" in page and "应追回" in page
    client.force_login(users["officer_b"])
    page = client.get("/crosscheck/findings/").content.decode()
    assert f"#{finding.pk}" not in page
    assert client.get(f"/crosscheck/findings/{finding.pk}/").status_code == 404


def test_excel_export_has_masked_ids_only(client, users, finding):
    client.force_login(users["county"])
    response = client.get("/crosscheck/findings/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "核查项目" and rows[1][1] == "死亡人员仍在保"
    assert "*" in rows[1][6] and rows[1][10] == 900.0


def test_detail_shows_evidence_and_the_officer_works_it(client, users, finding):
    client.force_login(users["officer_a"])
    page = client.get(f"/crosscheck/findings/{finding.pk}/").content.decode()
    assert 'id="evidence"' in page and "一致" in page and "死亡日期" in page
    assert "2026年9月20日" in page
    url = f"/crosscheck/findings/{finding.pk}"
    client.post(f"{url}/verify_true/", {"note": "入户核实属实"})
    response = client.post(
        f"{url}/act/",
        {"action": "stop", "note": "死亡停发", "effective_month": "2026-12"},
        follow=True,
    )
    assert "已保存" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == Finding.Status.ACTED and finding.action_month == "2026-12"
    assert Enrolment.objects.get(pk=finding.enrolment_id).end_month == "2026-11"
    page = client.get(f"{url}/").content.decode()
    assert "停发" in page and "核实属实" in page  # action and history shown
    # the person is now marked dead on the registry's date, with the finding as the source
    person = finding.person
    person.refresh_from_db()
    assert person.died_on == date(2026, 9, 20)
    death = AuditEntry.objects.get(action="person.death", object_id=str(person.pk))
    assert f"核查发现#{finding.pk}" in death.reason


def test_act_before_verifying_is_refused_with_a_message(client, users, finding):
    client.force_login(users["officer_a"])
    response = client.post(
        f"/crosscheck/findings/{finding.pk}/act/",
        {"action": "stop", "note": "x", "effective_month": "2026-12"},
        follow=True,
    )
    assert "当前状态下不能执行" in response.content.decode()
    assert Enrolment.objects.get(pk=finding.enrolment_id).status == "active"


def test_run_page_starts_a_run_and_shows_the_summary(client, users, finding):
    client.force_login(users["county"])
    response = client.post("/crosscheck/runs/", {"month": "2026-11"}, follow=True)
    page = response.content.decode()
    assert "新发现 <strong>0</strong>" in page and "以前已发现（未重复提出） 1" in page
    assert date.today().year  # the page rendered a finished run


def _copies(finding, n: int) -> None:
    """`n` more findings like `finding` (fresh keys), for paging."""
    copies = []
    for i in range(n):
        f = Finding.objects.get(pk=finding.pk)
        f.pk = None
        f.fingerprint = f"{finding.fingerprint[:56]}-{i}"
        copies.append(f)
    Finding.objects.bulk_create(copies)


def test_list_pages_with_numbers_and_keeps_filters(client, users, finding):
    _copies(finding, 60)
    client.force_login(users["county"])
    first = client.get("/crosscheck/findings/?check=death").content.decode()
    assert "共 61 条" in first and "显示前200条" not in first
    rows = re.compile(r'href="/crosscheck/findings/\d+/"')
    assert len(rows.findall(first)) == 50  # one link per row on a page
    assert "check=death&page=2" in first and "第1页，共2页" in first
    second = client.get("/crosscheck/findings/?check=death&page=2").content.decode()
    assert len(rows.findall(second)) == 11


def test_overview_numbers_link_to_their_lists(client, users, finding):
    Finding.objects.filter(pk=finding.pk).update(verdict=True, status="confirmed")
    client.force_login(users["inspector"])
    page = client.get("/crosscheck/").content.decode()
    assert "/crosscheck/findings/?check=death&verdict=true" in page
    town = finding.township_id
    assert f"/crosscheck/findings/?township={town}&overdue=1" in page
    listed = client.get("/crosscheck/findings/?check=death&verdict=true").content.decode()
    assert f"#{finding.pk}" in listed and "（核实属实）" in listed
    assert (
        f"#{finding.pk}"
        not in client.get("/crosscheck/findings/?check=death&verdict=false").content.decode()
    )
