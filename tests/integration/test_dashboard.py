"""The dashboard (R21): each series equals what an independent query counts, jurisdiction,
the refresh job (idempotent, a closed month computed once, audited) and GET writes nothing."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiuzhu.core.errors import PermissionDenied, ValidationFailed
from jiuzhu.core.models import AuditEntry, JobRun
from jiuzhu.core.month import Month
from jiuzhu.crosscheck.models import Finding
from jiuzhu.dashboard.models import SeriesMonth
from jiuzhu.dashboard.refresh import dashboard_refresh
from jiuzhu.dashboard.services import NOT_FOUND, dashboard_series
from jiuzhu.payments.models import Enrolment, Recovery
from jiuzhu.programmes.models import Programme

from .service_world import World
from .test_service_guards import _clue, _item

pytestmark = pytest.mark.django_db

THIS = Month.of(date.today())
LAST = THIS.prev()


@pytest.fixture
def world(regions, tmp_path, settings):
    settings.JIUZHU_JOBS_INLINE = True
    return World(regions, tmp_path)


def enrol(w, place, *, start, end="", members=2, amount="300.00", programme="dibao_rural"):
    app = w.case(place, "enrolled", programme=programme)
    return Enrolment.objects.create(
        household=app.household,
        programme=app.programme,
        application=app,
        county=place.county,
        township=place.township,
        village=place.village,
        members=members,
        monthly_amount=Decimal(amount),
        start_month=str(start),
        payroll_from=str(start),
        end_month=str(end) if end else "",
        created_by=place.head,
        status="stopped" if end else "active",
    )


@pytest.fixture
def filled(world):
    """Enrolments that start and stop in the window, open cases, findings, clues, entries and
    recoveries in two townships of the county (and one in another county)."""
    own, other, far = (world.places[k] for k in ("own", "other_township", "other_county"))
    enrol(world, own, start=THIS.add(-30), members=3)
    enrol(world, own, start=THIS.add(-5), amount="450.00")
    enrol(world, own, start=THIS.add(-20), end=THIS.add(-3))
    enrol(
        world,
        own,
        start=THIS.add(-2),
        programme="extreme_poverty_dispersed",
        members=1,
        amount="800.00",
    )
    enrol(world, other, start=THIS.add(-10), members=4)
    enrol(world, far, start=THIS.add(-10), members=5)
    for place, status in [(own, "investigating"), (own, "accepted"), (other, "draft")]:
        world.case(place, status)
    world.case(own, "accepted", accepted_on=date.today() - timedelta(days=90))  # overdue
    for place, status in [(own, "raised"), (own, "confirmed"), (other, "raised"), (far, "raised")]:
        world.finding(place, status)
    for place, status in [(own, "registered"), (own, "assigned"), (other, "registered")]:
        _clue(place, status=status)
    _clue(own, status="registered", is_overdue=True)
    _item(own)
    _item(other, status="submitted")
    for place, amount, paid in [
        (own, "100.00", "0"),
        (own, "90.00", "40.00"),
        (other, "70.00", "0"),
    ]:
        Recovery.objects.create(
            county=place.county,
            township=place.township,
            village=place.village,
            household=world.household(place),
            cause="other",
            amount=Decimal(amount),
            recovered_amount=Decimal(paid),
            status="partial" if paid != "0" else "pending",
            created_by=place.county_admin,
        )
    dashboard_refresh(actor=world.actors["county_admin"])
    return world


def paid_in(month: Month, township=None, programme=None) -> list[Enrolment]:
    """The independent count: enrolments paid in `month` by their months, in a loop (in the
    payroll from its month on; the findings' enrolments never entered the payroll)."""
    m = str(month)
    return [
        e
        for e in Enrolment.objects.select_related("programme")
        if e.payroll_from
        and e.payroll_from <= m
        and e.start_month <= m
        and (not e.end_month or e.end_month >= m)
        and (township is None or e.township_id == township.pk)
        and (programme is None or e.programme.code == programme)
        and e.county.code == "433123000000"
    ]


def test_recipients_and_amount_equal_an_independent_count_for_every_month(filled):
    admin = filled.actors["county_admin"]
    series = dashboard_series(actor=admin)
    assert series["missing"] == []
    for i, month in enumerate(series["months"]):
        for code in ("dibao_rural", "extreme_poverty_dispersed"):
            paid = paid_in(Month.parse(month), programme=code)
            assert series["recipients"]["households"][code][i] == len(
                {e.household_id for e in paid}
            )
            assert series["recipients"]["persons"][code][i] == sum(e.members for e in paid)
            assert Decimal(series["recipients"]["amount"][code][i]) == sum(
                (e.monthly_amount for e in paid), Decimal("0.00")
            )
    assert series["recipients"]["households"]["dibao_rural"][-1] == 3  # 2 own + 1 other township


def test_a_township_sees_its_own_share(filled):
    own = filled.places["own"]
    series = dashboard_series(actor=filled.actors["township_officer"])
    assert series["region"]["id"] == own.township.pk
    assert [t["id"] for t in series["townships"]] == [own.township.pk]
    for i, month in enumerate(series["months"]):
        paid = paid_in(Month.parse(month), township=own.township, programme="dibao_rural")
        assert series["recipients"]["households"]["dibao_rural"][i] == len(paid)


def test_village_movement_counts_households_newly_paid_and_no_longer_paid(filled):
    own = filled.places["own"]
    series = dashboard_series(actor=filled.actors["county_admin"])
    village = next(v for v in series["villages"]["items"] if v["id"] == own.village.pk)
    window = [Month.parse(m) for m in series["villages"]["window"]]
    new = exited = 0
    for m in window:
        now = {e.household_id for e in paid_in(m, own.township) if e.programme.payment == "monthly"}
        before = {
            e.household_id
            for e in paid_in(m.prev(), own.township)
            if e.programme.payment == "monthly"
        }
        new += len(now - before)
        exited += len(before - now)
    assert (village["new"], village["exited"]) == (new, exited)
    assert (new, exited) == (2, 1)  # started 5 and 2 months ago; stopped 3 months ago


def test_open_cases_findings_clues_items_and_recoveries_equal_their_lists(filled, client):
    own = filled.places["own"]
    admin = filled.actors["county_admin"]
    series = dashboard_series(actor=admin, region=own.township)
    from jiuzhu.cases.models import Application
    from jiuzhu.cases.queues import OPEN

    expected = Counter(
        Application.objects.filter(township=own.township, status__in=OPEN).values_list(
            "status", flat=True
        )
    )
    assert {i["key"]: i["count"] for i in series["applications"]["items"]} == dict(expected)
    assert series["applications"]["overdue"]["count"] >= 1
    findings = Counter(
        Finding.objects.filter(township=own.township).values_list("check_code", "status")
    )
    got = {(c["check"], c["status"]): c["count"] for c in series["findings"]["cells"] if c["count"]}
    assert got == dict(findings)
    clues = {i["key"]: i["count"] for i in series["clues"]["items"] if i["count"]}
    assert clues == {"registered": 2, "assigned": 1}
    assert series["clues"]["overdue"]["count"] == 1
    assert {i["key"]: i["count"] for i in series["rectifications"]["items"] if i["count"]} == {
        "in_progress": 1
    }
    owed = {i["key"]: (i["count"], i["outstanding"]) for i in series["recoveries"]["items"]}
    assert owed == {"pending": (1, "100.00"), "partial": (1, "50.00")}
    # each count is the length of the list its link opens (the list's own total)
    client.force_login(admin)
    for item in series["applications"]["items"] + [series["applications"]["overdue"]]:
        assert client.get(item["url"]).context["total"] == item["count"], item
    for cell in series["findings"]["cells"]:
        assert client.get(cell["url"]).context["total"] == cell["count"], cell
    for block in ("clues", "rectifications"):
        for item in series[block]["items"] + [series[block]["overdue"]]:
            page = client.get(item["url"]).context["page"]
            assert page.paginator.count == item["count"], item
    for item in series["recoveries"]["items"]:
        assert client.get(item["url"]).context["totals"]["count"] == item["count"], item
    month = series["months"][-1]
    for code, links in series["recipients"]["links"].items():
        roster = client.get(links[-1]).context["roster"]
        assert roster.households == series["recipients"]["households"][code][-1]
        assert str(roster.amount) == series["recipients"]["amount"][code][-1], month


def test_another_township_is_not_found_and_the_message_names_nothing(filled, client):
    officer = filled.actors["township_officer"]
    other = filled.places["other_township"]
    with pytest.raises(Http404) as caught:
        dashboard_series(actor=officer, region=other.township.pk)
    assert str(caught.value) == NOT_FOUND and other.township.name not in str(caught.value)
    far = filled.places["other_county"]
    with pytest.raises(Http404):
        dashboard_series(actor=filled.actors["county_admin"], region=far.county)
    with pytest.raises(Http404):  # a village is no dashboard region
        dashboard_series(actor=filled.actors["county_admin"], region=other.village)
    client.force_login(officer)
    response = client.get(reverse("dashboard:index"), {"region": other.township.pk})
    assert response.status_code == 404
    assert other.township.name not in response.content.decode()


def test_the_refresh_is_idempotent_and_a_closed_month_is_computed_once(filled):
    admin = filled.actors["county_admin"]
    county = filled.places["own"].county
    rows = {r.month: r for r in SeriesMonth.objects.filter(county=county)}
    assert len(rows) == 24 and rows[str(THIS)].final is False and rows[str(LAST)].final is True
    before = {m: (r.data, r.computed_at) for m, r in rows.items()}
    audits = AuditEntry.objects.filter(action="dashboard.refresh").count()
    job = dashboard_refresh(actor=admin)
    assert job.status == JobRun.Status.SUCCEEDED and job.result["skipped"] == 23
    after = {r.month: (r.data, r.computed_at) for r in SeriesMonth.objects.filter(county=county)}
    assert all(after[m] == before[m] for m in before if m != str(THIS))  # not recomputed
    assert after[str(THIS)][0] == before[str(THIS)][0]  # the same figures again
    assert after[str(THIS)][1] > before[str(THIS)][1]
    assert AuditEntry.objects.filter(action="dashboard.refresh").count() == audits + 1
    # a closed month's data does not follow later changes: computed once
    enrol(filled, filled.places["own"], start=LAST)
    dashboard_refresh(actor=admin, month=str(LAST))
    assert SeriesMonth.objects.get(county=county, month=str(LAST)).data == before[str(LAST)][0]


def test_only_the_county_administrator_or_the_system_refreshes(filled):
    with pytest.raises(PermissionDenied):
        dashboard_refresh(actor=filled.actors["township_officer"])
    with pytest.raises(PermissionDenied):
        dashboard_refresh(actor=filled.actors["county_reviewer"])
    with pytest.raises(ValidationFailed):
        dashboard_refresh(actor=filled.actors["county_admin"], month=str(THIS.next()))
    system = filled.actors["system"]
    job = dashboard_refresh(actor=system, county_id=filled.places["own"].county.pk, month=str(THIS))
    assert job.status == JobRun.Status.SUCCEEDED


def test_get_writes_nothing_and_a_missing_month_says_not_yet_generated(world, client):
    admin = world.actors["county_admin"]
    client.force_login(admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard:index"))
    page = response.content.decode()
    assert response.status_code == 200 and "尚未生成" in page and "重新生成月度数据" in page
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
        and "django_session" not in q["sql"]
    ]
    assert writes == [] and not SeriesMonth.objects.exists()
    response = client.post(reverse("dashboard:refresh"))
    assert response.status_code == 302 and SeriesMonth.objects.count() == 24
    page = client.get(reverse("dashboard:index")).content.decode()
    assert "尚未生成" not in page and 'id="dashboard-series"' in page


def test_the_command_refreshes_every_county_as_the_scheduler(filled):
    from django.core.management import call_command

    SeriesMonth.objects.all().delete()
    call_command("jiuzhu_dashboard", "refresh", "--month", str(THIS))
    assert SeriesMonth.objects.filter(month=str(THIS)).count() == 2  # both counties
    entry = AuditEntry.objects.filter(action="dashboard.refresh").last()
    assert entry.actor_name == "system-scheduler"


def test_a_staff_role_without_view_reports_is_refused(filled, monkeypatch):
    from jiuzhu.accounts import roles

    officer = filled.actors["township_officer"]
    table = dict(roles.PERMISSIONS)
    table[roles.Role.TOWNSHIP_OFFICER] = table[roles.Role.TOWNSHIP_OFFICER] - {
        roles.Perm.VIEW_REPORTS
    }
    monkeypatch.setattr(roles, "PERMISSIONS", table)
    with pytest.raises(PermissionDenied):
        dashboard_series(actor=officer)


def test_poverty_registry_coverage_counts_monitored_households_with_a_paid_member(
    world, settings, tmp_path
):
    """The 防返贫监测 registry is held only as a cross-check snapshot: coverage reads the latest
    one as of the month's end; a household counts once (by its number) and is covered when a
    member (by ID hash) is in a household paid this month."""
    from jiuzhu.crosscheck.models import RegistrySnapshot
    from jiuzhu.crosscheck.snapshot_store import write_atomic

    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snapshots"
    own, other = world.places["own"], world.places["other_township"]
    paid = enrol(world, own, start=THIS.add(-3))
    unpaid = world.household(own)  # in our registry, not paid

    def row(n, person=None, *, household_no, kind="edge", risk="open", region=""):
        number = world.id_numbers[person.pk] if person else ""
        return {
            "row_no": n + 1,
            "id_number": number,
            "id_status": "valid" if number else "missing",
            "id_masked": "",
            "name": f"监测{n}",
            "name_norm": f"监测{n}",
            "region_code": region,
            "household_no": household_no,
            "monitoring_type": kind,
            "risk_status": risk,
        }

    paid_people = list(paid.household.members.all())
    rows = [
        row(1, paid_people[0], household_no="P1"),
        row(2, paid_people[1], household_no="P1"),  # the same household: counted once
        row(3, unpaid.members.first(), household_no="P2"),
        row(4, household_no="P3", region=other.village.code),  # unlinked: by its region code
        row(5, household_no="P4", kind="lifted", risk="removed"),  # not monitored
    ]
    write_atomic(settings.JIUZHU_SNAPSHOT_DIR / "poverty.parquet", "poverty", rows)
    RegistrySnapshot.objects.create(
        county=own.county,
        kind="poverty",
        as_of=LAST.first_day,
        file_name="poverty.csv",
        file_sha256="0" * 64,
        parquet_path="poverty.parquet",
        uploaded_by=own.county_admin,
        status="active",
    )
    dashboard_refresh(actor=world.actors["county_admin"], month=str(THIS))
    county = dashboard_series(actor=world.actors["county_admin"])["coverage"]
    assert (county["monitored"], county["covered"]) == (3, 1)
    by_township = {t["id"]: (t["monitored"], t["covered"]) for t in county["townships"]}
    assert by_township == {own.township.pk: (2, 1), other.township.pk: (1, 0)}
    mine = dashboard_series(actor=world.actors["township_officer"])["coverage"]
    assert (mine["monitored"], mine["covered"], mine["rate"]) == (2, 1, 0.5)
    assert mine["as_of"] == LAST.first_day.isoformat()


def test_a_village_account_is_pointed_to_its_roster(world, client):
    client.force_login(world.actors["village_assistant"])
    response = client.get(reverse("dashboard:index"))
    page = response.content.decode()
    assert response.status_code == 200 and 'id="no-dashboard"' in page
    assert reverse("payments:roster") in page and "dashboard-series" not in page


def test_every_link_a_township_officer_is_shown_opens(filled, client):
    officer = filled.actors["township_officer"]
    series = dashboard_series(actor=officer)
    client.force_login(officer)
    page = client.get(reverse("dashboard:index")).content.decode()
    urls = {series["roster_url"], series["recipients"]["links"]["dibao_rural"][-1]}
    for block in ("applications", "clues", "rectifications", "recoveries"):
        if series[block]:
            urls |= {i["url"] for i in series[block]["items"]}
    urls |= {c["url"] for c in series["findings"]["cells"]}
    urls |= {v["url"] for v in series["villages"]["items"]}
    assert series["payroll"]["url"] == "" and reverse("payments:payroll_list") not in page
    for url in sorted(urls):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("value", ["²", "１２", "99999999999999999999", "-1", "\x00", "abc"])
def test_hostile_region_and_job_parameters_are_ignored_or_not_found(world, client, value):
    client.force_login(world.actors["county_admin"])
    response = client.get(reverse("dashboard:index"), {"region": value, "job": value})
    assert response.status_code == 200  # not a number: the actor's own region, no job shown


def test_each_townships_figures_equal_its_roster_with_a_household_in_two_programmes(filled, client):
    own = filled.places["own"]
    first = Enrolment.objects.filter(township=own.township, end_month="").first()
    second = Enrolment.objects.create(
        household=first.household,
        programme=Programme.objects.get(code="disability_living"),
        application=filled.case(
            own, "enrolled", programme="disability_living", household=first.household
        ),
        county=own.county,
        township=own.township,
        village=own.village,
        members=1,
        monthly_amount=Decimal("80.00"),
        start_month=str(THIS.add(-4)),
        payroll_from=str(THIS.add(-4)),
        created_by=own.head,
    )
    dashboard_refresh(actor=filled.actors["county_admin"], month=str(THIS))
    series = dashboard_series(actor=filled.actors["county_admin"])
    client.force_login(filled.actors["county_admin"])
    for t in series["by_township"]:
        roster = client.get(t["url"]).context["roster"]
        assert (t["households"], t["persons"], t["amount"]) == (
            roster.households,
            roster.persons,
            str(roster.amount),
        ), t["name"]
    mine = next(t for t in series["by_township"] if t["id"] == own.township.pk)
    assert mine["households"] == len({e.household_id for e in paid_in(THIS, own.township)})
    assert second.household_id == first.household_id and mine["series"][-1] == mine["households"]


def test_the_county_picks_a_township_and_sees_its_share(filled, client):
    own = filled.places["own"]
    client.force_login(filled.actors["county_admin"])
    response = client.get(reverse("dashboard:index"), {"region": own.township.pk})
    series = response.context["series"]
    assert series["region"]["id"] == own.township.pk
    assert [t["id"] for t in series["townships"]] == [own.township.pk]
    assert f'<option value="{own.township.pk}" selected>' in response.content.decode()
    assert all(f"township={own.township.pk}" in i["url"] for i in series["clues"]["items"])
