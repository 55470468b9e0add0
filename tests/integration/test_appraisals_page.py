"""The 民主评议 list: each village's appraisals by month within the reader's jurisdiction, the
filters, the link to the case, and the printable summary of one village and month."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from jiuzhu.cases import services
from jiuzhu.programmes.seed import seed_county_defaults
from tests.conftest import TOWNSHIP_A, TOWNSHIP_B, first_village

from .case_steps import LATE_REASON, on_date

FULL_ID = re.compile(r"\d{17}[\dX]")


@pytest.fixture
def staff(users, make_user, regions):
    seed_county_defaults(county=regions["433123000000"])
    return {
        **users,
        "officer_a2": make_user("officer-a2", "township_officer", TOWNSHIP_A),
        "officer_b2": make_user("officer-b2", "township_officer", TOWNSHIP_B),
    }


def _appraised(staff, household, *, officer, second, held_on, votes=(9, 2), record="同意纳入"):
    """A dibao case taken to a village appraisal and the appraisal recorded; its steps are
    dated in order before the meeting, entered late with their reason."""
    app = services.application_register(
        actor=staff[officer],
        household_id=household.pk,
        programme_code="dibao_rural",
        reason="申请",
        **on_date("applied_on", held_on - timedelta(days=10)),
    )
    services.application_accept(
        actor=staff[officer],
        application_id=app.pk,
        **on_date("accepted_on", held_on - timedelta(days=9)),
    )
    services.investigation_record(
        actor=staff[officer],
        application_id=app.pk,
        **on_date("visited_on", held_on - timedelta(days=8)),
        investigator_1=staff[officer],
        investigator_2=staff[second],
        living_conditions="住房简陋",
        income_findings="务农",
        asset_findings="无",
        family_signed=True,
    )
    services.verification_record(
        actor=staff[officer],
        application_id=app.pk,
        **on_date("checked_on", held_on - timedelta(days=7)),
        result="consistent",
        details="与申报一致",
        needs_appraisal=True,
    )
    services.appraisal_record(
        actor=staff[officer],
        application_id=app.pk,
        **on_date("held_on", held_on),
        attendees=12,
        votes_for=votes[0],
        votes_against=votes[1],
        record=record,
    )
    return app


@pytest.fixture
def cases(staff, regions, make_household):
    village_a = first_village(regions, TOWNSHIP_A)
    other_a = sorted(
        (r for r in regions.values() if r.parent_id == regions[TOWNSHIP_A].pk), key=lambda r: r.code
    )[1]
    a_oct = _appraised(
        staff,
        make_household(TOWNSHIP_A, village=village_a, head_name="龙大山"),
        officer="officer_a",
        second="officer_a2",
        held_on=date(2026, 10, 15),
        record="村民代表一致认为家庭困难属实",
    )
    a_nov = _appraised(
        staff,
        make_household(TOWNSHIP_A, village=village_a, head_name="麻小花"),
        officer="officer_a",
        second="officer_a2",
        held_on=date(2026, 11, 3),
        votes=(5, 6),
        record="多数代表认为其子有稳定收入",
    )
    a_other = _appraised(
        staff,
        make_household(TOWNSHIP_A, village=other_a, head_name="田三"),
        officer="officer_a2",
        second="officer_a",
        held_on=date(2026, 11, 5),
    )
    b = _appraised(
        staff,
        make_household(TOWNSHIP_B, head_name="石二妹"),
        officer="officer_b",
        second="officer_b2",
        held_on=date(2026, 11, 4),
    )
    return {
        "a_oct": a_oct,
        "a_nov": a_nov,
        "a_other": a_other,
        "b": b,
        "village_a": village_a,
        "other_a": other_a,
    }


def _rows(body: str) -> list[str]:
    table = re.search(r'id="appraisals".*?</table>', body, re.S).group(0)
    return re.findall(r'<tr data-appraisal="\d+">.*?</tr>', table, re.S)


def test_officer_sees_own_township_appraisals_grouped_by_month_and_village(client, staff, cases):
    client.force_login(staff["officer_a"])
    response = client.get(reverse("cases:appraisals"))
    assert response.status_code == 200
    body = response.content.decode()
    rows = _rows(body)
    assert len(rows) == 3
    # newest month first; within it, by village code
    assert cases["a_nov"].number in rows[0] and cases["a_other"].number in rows[1]
    assert cases["a_oct"].number in rows[2]
    nov = rows[0]
    assert "2026年11月3日" in nov and "麻小花" in nov and "多数代表认为其子有稳定收入" in nov
    assert re.search(r">12</td><td[^>]*>5</td><td[^>]*>6</td>", nov)
    assert "乡镇民政经办人员" in nov and "officer-a" not in nov  # the role, never the account
    assert f'href="{reverse("cases:detail", args=[cases["a_nov"].pk])}"' in nov
    village_a = cases["village_a"]
    assert f"2026年11月 · 沱江镇 {village_a.name}" in body
    assert reverse("cases:print_appraisals", args=[village_a.pk, 2026, 11]) in body
    # another township's appraisal is not shown, nor is its village offered as a filter
    assert cases["b"].number not in body and "石二妹" not in body
    assert "山江镇" not in body
    assert not FULL_ID.search(
        body.replace(cases["a_nov"].number, "")
        .replace(cases["a_oct"].number, "")
        .replace(cases["a_other"].number, "")
    )
    # reachable from the cases navigation
    queue = client.get(reverse("cases:queue")).content.decode()
    assert f'href="{reverse("cases:appraisals")}"' in queue


def test_filters_by_village_and_month(client, staff, cases):
    client.force_login(staff["officer_a"])
    url = reverse("cases:appraisals")
    rows = _rows(client.get(url, {"village": cases["village_a"].pk}).content.decode())
    assert len(rows) == 2 and not any(cases["a_other"].number in r for r in rows)
    rows = _rows(client.get(url, {"month": "2026-11"}).content.decode())
    assert len(rows) == 2 and not any(cases["a_oct"].number in r for r in rows)
    rows = _rows(
        client.get(url, {"village": cases["village_a"].pk, "month": "2026-10"}).content.decode()
    )
    assert len(rows) == 1 and cases["a_oct"].number in rows[0]


def test_other_township_and_village_assistant_see_only_their_own(client, staff, cases):
    client.force_login(staff["officer_b"])
    body = client.get(reverse("cases:appraisals")).content.decode()
    rows = _rows(body)
    assert len(rows) == 1 and cases["b"].number in rows[0] and "石二妹" in rows[0]
    for key in ("a_oct", "a_nov", "a_other"):
        assert cases[key].number not in body
    assert "龙大山" not in body and "麻小花" not in body
    # nor can it filter on, or print, a village of another township
    village_a = cases["village_a"]
    rows = _rows(
        client.get(reverse("cases:appraisals"), {"village": village_a.pk}).content.decode()
    )
    assert all(cases["a_nov"].number not in r for r in rows)
    response = client.get(reverse("cases:print_appraisals", args=[village_a.pk, 2026, 11]))
    assert response.status_code == 404

    client.force_login(staff["village_a"])  # the assistant of the first village of township A
    rows = _rows(client.get(reverse("cases:appraisals")).content.decode())
    assert len(rows) == 2 and all(cases["a_other"].number not in r for r in rows)

    client.force_login(staff["county"])
    assert len(_rows(client.get(reverse("cases:appraisals")).content.decode())) == 4


def test_printable_summary_of_one_village_and_month(client, staff, cases):
    client.force_login(staff["officer_a"])
    village_a = cases["village_a"]
    response = client.get(reverse("cases:print_appraisals", args=[village_a.pk, 2026, 11]))
    assert response.status_code == 200
    body = response.content.decode()
    sheet = re.search(r'id="appraisal-rows".*?</table>', body, re.S).group(0)
    assert "民主评议情况汇总表" in body and f"沱江镇 {village_a.name} · 2026年11月" in body
    assert (
        cases["a_nov"].number in sheet
        and "麻小花" in sheet
        and "多数代表认为其子有稳定收入" in sheet
    )
    assert cases["a_oct"].number not in sheet and cases["a_other"].number not in sheet
    # the meeting was entered weeks later: its date is marked 补录, with the reason
    assert f"（补录：{LATE_REASON}）" in sheet
    assert "不得张贴公示" in body
    empty = client.get(reverse("cases:print_appraisals", args=[village_a.pk, 2026, 9]))
    assert "本村（社区）本月没有民主评议记录" in empty.content.decode()
    assert (
        client.get(reverse("cases:print_appraisals", args=[village_a.pk, 2026, 13])).status_code
        == 404
    )


def test_case_page_links_to_the_village_month(client, staff, cases):
    client.force_login(staff["officer_a"])
    body = client.get(reverse("cases:detail", args=[cases["a_nov"].pk])).content.decode()
    assert (
        f"{reverse('cases:appraisals')}?village={cases['village_a'].pk}&amp;month=2026-11" in body
    )
