"""The runs' copy of persons, households and enrolments (crosscheck.mirror): refreshed from the
rows written since the previous run, it gives the tables a whole export gives. PostgreSQL only
(the copy is kept on the ADBC path, which needs committed rows: transactional tests)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from jiuzhu.core.models import RowGone
from jiuzhu.crosscheck import engine, export, mirror, mirror_derived
from jiuzhu.payments.models import Enrolment
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Household, Person
from tests.conftest import TOWNSHIP_B

from . import test_crosscheck_bulk as bulk_tests
from .test_crosscheck_bulk import TABLES, enrol

county_data = bulk_tests.county_data  # the fixture: three households, each enrolled

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def export_with_counts(county):
    """(tables, export_county's counts)."""
    con = engine.connect()
    try:
        counts = export.export_county(
            con, county=county, month="2026-11", refused_since=dt.date(2025, 1, 1)
        )
        tables = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}
    finally:
        con.close()
    return tables, counts


def export_once(county):
    """(tables, how each mirrored table was refreshed)."""
    tables, counts = export_with_counts(county)
    return tables, counts["refresh"]["rows"]


def rename_and_fail_once(home, name, county, monkeypatch, module, attr, message):
    """Rename the household's only member, then export once with `module.attr` failing."""
    person = home.members.get()
    person.name = name
    person.save()

    def broken(*args, **kwargs):
        raise RuntimeError(message)

    with monkeypatch.context() as m:
        m.setattr(module, attr, broken)
        with pytest.raises(RuntimeError, match=message):
            export_once(county)


def whole_export(county, monkeypatch):
    """The same tables fetched whole through COPY, without the copy: the truth."""
    with monkeypatch.context() as m:
        m.setattr(export, "_adbc_connect", lambda: None)
        tables, refreshed = export_once(county)
    assert refreshed == {}
    return tables


def test_the_copy_follows_inserts_updates_and_deletes(
    users, county_data, make_household, monkeypatch
):
    homes, enrolments = county_data
    county = users["county"].region
    first, refreshed = export_once(county)
    assert refreshed == {"_people_own": 6, "_household_places": 3, "enrolments": 3}  # whole
    assert mirror.path_for(county.pk).exists()
    assert first == whole_export(county, monkeypatch)

    again, refreshed = export_once(county)
    assert again == first and refreshed == {
        "_people_own": 0,
        "_household_places": 0,
        "enrolments": 0,
    }

    # a month of changes: a save(), a QuerySet.update(), a new household with an enrolment,
    # a member removed, an enrolment stopped
    head = homes[1].members.order_by("id").first()
    head.name = "龙新名"
    head.save()
    Person.objects.filter(pk=homes[0].members.get().pk).update(health_status="serious")
    newcomer = make_household(size=2)
    enrol(newcomer, users["county"])
    homes[2].members.order_by("id").first().delete()
    enrolments[0].status, enrolments[0].end_month = "stopped", "2026-10"
    enrolments[0].save()

    refreshed_tables, refreshed = export_once(county)
    assert refreshed_tables == whole_export(county, monkeypatch)
    assert refreshed_tables != first
    # only the rows written were fetched again: 2 persons changed + 2 new; 1 new household;
    # 1 enrolment changed + 1 new (the removed member is found in the log of rows gone)
    assert refreshed == {"_people_own": 4, "_household_places": 1, "enrolments": 2}
    people = {row[0]: row for row in refreshed_tables["people"]}
    assert people[head.pk][4] == "龙新名" and len(people) == 7


def test_a_failed_refresh_keeps_the_previous_copy(users, county_data, monkeypatch):
    homes, _ = county_data
    county = users["county"].region
    first, _ = export_once(county)
    rename_and_fail_once(homes[0], "龙改名", county, monkeypatch, mirror, "_record", "磁盘已满")
    # the copy is as before the failure, and the next run still fetches the change
    tables, refreshed = export_once(county)
    assert refreshed["_people_own"] == 1
    assert tables == whole_export(county, monkeypatch) and tables != first


def test_another_database_or_other_columns_mean_a_whole_fetch(users, county_data, monkeypatch):
    county = users["county"].region
    export_once(county)
    monkeypatch.setattr(mirror, "FORMAT", mirror.FORMAT + 1)  # as after an upgrade
    _, refreshed = export_once(county)
    assert refreshed == {"_people_own": 6, "_household_places": 3, "enrolments": 3}
    _, refreshed = export_once(county)
    assert refreshed == {"_people_own": 0, "_household_places": 0, "enrolments": 0}


def test_rows_of_a_transaction_running_during_the_refresh_are_fetched_next_time(
    users, county_data, monkeypatch
):
    """A transaction that began before a refresh and commits after it: its rows were not in
    the refresh's snapshot, and the watermark (the oldest transaction then running) makes the
    next refresh fetch them."""
    import psycopg

    homes, _ = county_data
    county = users["county"].region
    export_once(county)
    person = homes[0].members.get()
    settings_dict = connection.settings_dict
    other = psycopg.connect(
        host=settings_dict["HOST"],
        port=settings_dict.get("PORT") or None,
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        password=settings_dict.get("PASSWORD") or None,
    )
    try:
        with other.cursor() as cursor:  # the transaction writes, and stays open
            cursor.execute(
                "UPDATE registry_person SET name = %s WHERE id = %s", ["龙晚提交", person.pk]
            )
        tables, refreshed = export_once(county)  # does not see the uncommitted name
        assert all(row[4] != "龙晚提交" for row in tables["people"])
        other.commit()
    finally:
        other.close()
    tables, refreshed = export_once(county)
    assert refreshed["_people_own"] >= 1
    assert any(row[4] == "龙晚提交" for row in tables["people"])
    assert tables == whole_export(county, monkeypatch)


def test_people_and_coverage_kept_in_the_copy_follow_households_and_village_codes(
    users, county_data, make_household, monkeypatch
):
    """people and every person's coverage are kept in the copy and re-joined only for what
    changed: a household's place, a village's code, a single-person enrolment."""
    homes, _ = county_data  # three households (six persons) in one village of 沱江镇
    elsewhere = make_household(TOWNSHIP_B, size=3)  # not touched below
    enrol(elsewhere, users["county"])
    county = users["county"].region
    _, counts = export_with_counts(county)
    assert counts["refresh"]["derived"]["whole"] is True

    # the first household moves to another village; the village it left gets a new code
    village = homes[0].village
    other_village = (
        Region.objects.filter(parent_id=village.parent_id)
        .exclude(pk=village.pk)
        .order_by("code")
        .first()
    )
    home = Household.objects.get(pk=homes[0].pk)
    home.village = other_village
    home.save()
    Region.objects.filter(pk=village.pk).update(code="433123109999")
    single = make_household(TOWNSHIP_B, size=2)
    member = single.members.order_by("id").last()
    Enrolment.objects.filter(pk=enrol(single, users["county"]).pk).update(person=member)  # 单人保

    tables, counts = export_with_counts(county)
    assert tables == whole_export(county, monkeypatch)
    derived = counts["refresh"]["derived"]
    assert derived["whole"] is False
    # the six persons of the village (the moved household's one among them) and the two new
    # ones; not the three of the household elsewhere
    assert derived["persons"] == 6 + 2
    codes = {row[0]: row[11] for row in tables["people"]}
    assert {codes[p.pk] for p in homes[1].members.all()} == {"433123109999"}
    assert codes[homes[0].members.get().pk] == other_village.code
    covered = [row for row in tables["recipients"] if row[1] == single.pk]
    assert [row[0] for row in covered] == [member.pk] and covered[0][-1] is True


def test_a_run_failing_after_the_refresh_has_people_joined_whole_next_time(
    users, county_data, monkeypatch
):
    homes, _ = county_data
    county = users["county"].region
    export_once(county)
    rename_and_fail_once(
        homes[0], "龙中断", county, monkeypatch, mirror_derived, "_apply", "进程中断"
    )
    # persons were refreshed and committed; people was not: it is joined whole
    tables, counts = export_with_counts(county)
    assert counts["refresh"]["rows"]["_people_own"] == 0
    assert counts["refresh"]["derived"]["whole"] is True
    assert any(row[4] == "龙中断" for row in tables["people"])
    assert tables == whole_export(county, monkeypatch)


def _neighbour_village():
    """A village of another county (邻县), with its township."""
    county = Region.objects.create(code="433124000000", name="邻县", level="county")
    township = Region.objects.create(
        code="433124100000", name="邻镇", level="township", parent=county
    )
    return Region.objects.create(code="433124100001", name="邻村", level="village", parent=township)


def test_rows_leaving_the_county_leave_the_copy_and_join_the_other_county(
    users, county_data, make_household, monkeypatch
):
    """Rows that leave the county's set — a household that moves to another county with its
    members, a person who moves into a household there, an enrolment given to it — are dropped
    from the copy through the log of rows gone (no step counts the whole table), and the other
    county's copy fetches them."""
    homes, enrolments = county_data
    county = users["county"].region
    village = _neighbour_village()
    there = make_household(village=village, size=1)
    export_once(county)
    export_once(village.parent.parent)

    moved = Household.objects.get(pk=homes[0].pk)
    moved.county, moved.township, moved.village = village.parent.parent, village.parent, village
    moved.save()
    movers = list(moved.members.values_list("pk", flat=True))
    person = homes[2].members.order_by("id").last()
    person.household = there
    person.save()
    Enrolment.objects.filter(pk=enrolments[1].pk).update(county=village.parent.parent)
    # the members were logged and rewritten by the household's trigger, not by a save()
    # (the test database's flush logs an emptied table: rows without a key)
    assert set(
        RowGone.objects.filter(table_name="registry_person")
        .exclude(row_id=None)
        .values_list("row_id", flat=True)
    ) == {*movers, person.pk}
    moved.refresh_from_db()
    assert {p.row_xid for p in moved.members.all()} == {moved.row_xid}

    tables, counts = export_with_counts(county)
    assert tables == whole_export(county, monkeypatch)
    assert counts["refresh"]["whole"] == []
    ids = {row[0] for row in tables["people"]}
    assert ids.isdisjoint({*movers, person.pk}) and len(ids) == 6 - len(movers) - 1
    assert enrolments[1].pk not in {row[0] for row in tables["enrolments"]}

    there_tables, counts = export_with_counts(village.parent.parent)
    assert counts["refresh"]["whole"] == []
    assert {row[0] for row in there_tables["people"]} == {
        *there.members.values_list("pk", flat=True),
        *movers,
        person.pk,
    }
    assert there_tables == whole_export(village.parent.parent, monkeypatch)


def test_an_emptied_table_is_fetched_whole(users, county_data, monkeypatch):
    county = users["county"].region
    export_once(county)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE payments_enrolment CASCADE")
    tables, counts = export_with_counts(county)
    assert counts["refresh"]["whole"] == ["enrolments"]
    assert tables["enrolments"] == [] and tables["recipients"] == []
    assert tables == whole_export(county, monkeypatch)


def test_coverage_is_joined_again_only_where_its_columns_changed(users, county_data, monkeypatch):
    """A person re-joined in people whose columns in covered did not change (a health status)
    keeps their coverage rows; a new name re-joins that person's rows only."""
    homes, _ = county_data
    county = users["county"].region
    export_once(county)
    person = homes[1].members.order_by("id").first()
    Person.objects.filter(pk=person.pk).update(health_status="serious")
    tables, counts = export_with_counts(county)
    derived = counts["refresh"]["derived"]
    assert (derived["whole"], derived["persons"], derived["covered"]) == (False, 1, 0)
    assert derived["rewritten"] == 1
    assert tables == whole_export(county, monkeypatch)

    Person.objects.filter(pk=person.pk).update(name="龙改名")
    tables, counts = export_with_counts(county)
    assert counts["refresh"]["derived"]["covered"] == 1  # one enrolment covers them
    assert counts["refresh"]["derived"]["rewritten"] == 1
    assert [row[2] for row in tables["recipients"] if row[0] == person.pk] == ["龙改名"]
    assert tables == whole_export(county, monkeypatch)


def test_rows_rewritten_without_a_change_the_checks_read_are_not_written_again(
    users, county_data, monkeypatch
):
    """A household rewritten in PostgreSQL (an address: not exported) re-joins its members in
    people, but none of their rows differs, so none is written again; the copy still equals a
    whole export."""
    homes, _ = county_data
    county = users["county"].region
    export_once(county)
    home = Household.objects.get(pk=homes[0].pk)
    home.address = "改过的地址"
    home.save()
    tables, counts = export_with_counts(county)
    derived = counts["refresh"]["derived"]
    assert derived["persons"] == homes[0].members.count() > 0
    assert (derived["rewritten"], derived["covered"]) == (0, 0)
    assert tables == whole_export(county, monkeypatch)
