"""The officer's day: the home page's work queue per role (each count links to the list it was
counted from, and that list shows as many) and the household page as the family's home."""

import re
from datetime import date

import pytest

from jiuzhu.cases import services
from jiuzhu.core.crypto import decrypt
from jiuzhu.core.models import AuditEntry
from jiuzhu.crosscheck.models import Finding
from jiuzhu.crosscheck.run import crosscheck_run
from jiuzhu.payments.deaths import death_record
from jiuzhu.programmes.seed import seed_county_defaults
from tests.conftest import TOWNSHIP_A
from tests.integration.case_steps import applied, dated
from tests.integration.test_crosscheck_run import death_snapshot, enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(users, make_household, regions, settings, tmp_path):
    """A township's day: one case accepted long ago (its investigation is overdue), one just
    registered, and a death finding raised against an enrolled household."""
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snap"
    seed_county_defaults(county=regions["433123000000"])
    late_family = make_household(TOWNSHIP_A, size=2, head_name="田大贵")
    late = services.application_register(
        actor=users["officer_a"],
        household_id=late_family.pk,
        programme_code="dibao_rural",
        reason="因病致贫",
        **applied(60),
    )
    services.application_accept(
        actor=users["officer_a"], application_id=late.pk, **dated("accepted_on", 58)
    )
    fresh = services.application_register(
        actor=users["officer_a"],
        household_id=make_household(TOWNSHIP_A, size=1, head_name="石小妹").pk,
        programme_code="dibao_rural",
        reason="无劳动能力",
        **applied(1),
    )
    enrolled = make_household(TOWNSHIP_A, size=2, head_name="龙老汉")
    head = enrolled.members.get(relation="self")
    enrol(enrolled, users["county"], amount="900.00")
    death_snapshot(users["county"], f"龙老汉,{decrypt(head.id_cipher)},,,,2026-09-20,火化\n")
    crosscheck_run(actor=users["county"], month="2026-11", inline=True)
    return {"late": late, "fresh": fresh, "enrolled": enrolled, "head": head}


def tiles(page: str) -> dict[str, tuple[int, str]]:
    """label → (count, link) of the home page's tiles."""
    found = re.findall(
        r'<a class="desk-tile[^"]*" href="([^"]+)">\s*<span[^>]*data-count>(\d+)</span>\s*'
        r"<span[^>]*>([^<]+)</span>",
        page,
    )
    return {label: (int(count), url.replace("&amp;", "&")) for url, count, label in found}


def test_login_lands_on_the_work_queue(client, users):
    response = client.post(
        "/accounts/login/", {"username": "officer-a", "password": "Test-Password-2026"}
    )
    assert response.status_code == 302 and response.url == "/"
    client.force_login(users["officer_a"])
    assert "工作台" in client.get("/").content.decode()


def test_township_home_counts_link_to_lists_that_agree(client, users, day):
    client.force_login(users["officer_a"])
    home = tiles(client.get("/").content.decode())
    assert home["办理环节已逾期"][0] == 1 and home["登记待受理"][0] == 1
    assert home["待核实"][0] == 1
    for label in ("办理环节已逾期", "今日到期", "3个工作日内到期", "登记待受理"):
        count, url = home[label]
        listed = client.get(url).content.decode()
        assert re.search(rf"在办{count}件", listed), label
    overdue = client.get(home["办理环节已逾期"][1]).content.decode()
    assert day["late"].number in overdue and day["fresh"].number not in overdue
    count, url = home["待核实"]
    assert f"共 {count} 条" in client.get(url).content.decode()
    # officer B's township has none of it
    client.force_login(users["officer_b"])
    other = tiles(client.get("/").content.decode())
    assert other["办理环节已逾期"][0] == 0 and other["待核实"][0] == 0


def test_county_home_shows_each_township_and_what_waits_for_the_county(client, users, day):
    client.force_login(users["county"])
    page = client.get("/").content.decode()
    assert 'id="desk-townships"' in page and "沱江镇" in page
    row = page.split('id="desk-townships"')[1].split("沱江镇")[1].split("</tr>")[0]
    assert re.search(r"due=overdue\">1<", row.replace("&amp;", "&"))
    home = tiles(page)
    assert "待县级审核确认" in home and "异动待审批" in home and "发放名册待审核" in home


def test_finance_and_inspector_see_their_own_work(client, users, day):
    client.force_login(users["finance"])
    home = tiles(client.get("/").content.decode())
    assert "发放名册待发放" in home and "已发放待对账" in home
    assert "异动待审批" not in home  # finance does not approve changes
    client.force_login(users["inspector"])
    home = tiles(client.get("/").content.decode())
    assert home["待核实"][0] == 1 and "发放名册待发放" in home


def test_household_page_is_the_familys_home(client, users, day):
    client.force_login(users["officer_a"])
    late_family = day["late"].household
    page = client.get(f"/registry/households/{late_family.pk}/").content.decode()
    applications = page.split('id="applications"')[1].split("</table>")[0]
    assert day["late"].number in applications and "已受理" in applications
    assert "已逾期" in applications  # the next step's deadline has passed
    assert f'href="/cases/new/?household={late_family.pk}"' in page  # 登记救助申请
    enrolled = day["enrolled"]
    page = client.get(f"/registry/households/{enrolled.pk}/").content.decode()
    assert "死亡人员仍在保" in page.split('id="findings"')[1]
    assert "¥900.00" in page.split('id="enrolments"')[1] and "申报异动" in page
    assert "已故" not in page.split('id="members"')[1].split("</table>")[0]


def test_a_recorded_death_shows_on_the_member_with_its_date_and_source(client, users, day):
    death_record(
        actor=users["officer_a"],
        person_id=day["head"].pk,
        died_on=date(2026, 9, 20),
        source="公安户籍注销",
    )
    client.force_login(users["officer_a"])
    page = client.get(f"/registry/households/{day['enrolled'].pk}/").content.decode()
    members = page.split('id="members"')[1].split("</table>")[0]
    assert "已故 2026年9月20日" in members and "来源：公安户籍注销" in members
    assert "健康" not in members.split("data-deceased")[1].split("</tr>")[0]


def test_household_page_outside_the_jurisdiction_is_404_and_reading_writes_nothing(
    client, users, day
):
    client.force_login(users["officer_b"])
    before = AuditEntry.objects.count()
    assert client.get(f"/registry/households/{day['enrolled'].pk}/").status_code == 404
    client.force_login(users["officer_a"])
    client.get(f"/registry/households/{day['enrolled'].pk}/")
    client.get("/")
    assert AuditEntry.objects.count() == before
    assert Finding.objects.count() == 1


def test_queue_exports_the_filtered_whole_to_excel(client, users, day):
    import io

    from openpyxl import load_workbook

    client.force_login(users["officer_a"])
    response = client.get("/cases/?due=overdue&format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "申请编号" and len(rows) == 2
    assert rows[1][0] == day["late"].number and rows[1][9] == "已逾期"
    entry = AuditEntry.objects.get(action="case.export")
    assert entry.new["rows"] == 1 and "due=overdue" in entry.new["query"]


def test_every_number_in_the_township_table_is_the_count_of_its_list(client, users, day):
    client.force_login(users["county"])
    page = client.get("/").content.decode().split('id="desk-townships"')[1]
    links = re.findall(r'href="([^"]+)">(\d+)</a>', page.replace("&amp;", "&"))
    assert len(links) >= 5
    for url, count in links:
        listed = client.get(url).content.decode()
        assert f"在办{count}件" in listed or f"共 {count} 条" in listed, url


def test_a_clue_about_the_household_shows_on_its_page(client, users, day):
    from django.utils import timezone

    from jiuzhu.supervision.clues import clue_register

    household = day["late"].household
    clue = clue_register(
        actor=users["officer_a"],
        channel="hotline",
        received_on=timezone.localdate(),
        category="wrong_inclusion",
        subject_kind="household",
        content="反映该户有车辆",
        household_id=household.pk,
        village_id=household.village_id,
    )
    client.force_login(users["officer_a"])
    page = client.get(f"/registry/households/{household.pk}/").content.decode()
    assert clue.number in page.split('id="clues"')[1]
    assert f'href="/clues/new/?household={household.pk}"' in page  # 登记问题线索
    client.force_login(users["finance"])
    page = client.get(f"/registry/households/{household.pk}/").content.decode()
    assert "/clues/new/" not in page  # finance records no clues
