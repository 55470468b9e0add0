"""A run's writes and export at province scale: findings and their audit rows go in with COPY on
PostgreSQL (the same rows as bulk_create), kin cases are marked in a fixed number of queries, and
the export fetches through ADBC on PostgreSQL (the same DuckDB tables as the COPY path, which
stays the fallback) with the `people` table's columns unchanged."""

import datetime as dt
import logging
from decimal import Decimal

import adbc_driver_manager
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jiuzhu.cases.models import Application
from jiuzhu.cases.services import applications_kin_register
from jiuzhu.core import audit, bulk
from jiuzhu.core.models import AuditEntry
from jiuzhu.crosscheck import engine, export
from jiuzhu.crosscheck.checks.base import Hit
from jiuzhu.crosscheck.finding_writes import write_findings
from jiuzhu.crosscheck.models import CheckRun, Finding, RegistrySnapshot
from jiuzhu.payments.models import Enrolment
from jiuzhu.programmes.models import Programme

PEOPLE_COLUMNS = [
    ("person_id", "BIGINT"),
    ("household_id", "BIGINT"),
    ("id_hash", "VARCHAR"),
    ("id_masked", "VARCHAR"),
    ("name", "VARCHAR"),
    ("birth_date", "DATE"),
    ("sex", "VARCHAR"),
    ("relation", "VARCHAR"),
    ("disability_type", "VARCHAR"),
    ("disability_grade", "INTEGER"),
    ("health_status", "VARCHAR"),
    ("region_code", "VARCHAR"),
    ("village_id", "BIGINT"),
    ("township_id", "BIGINT"),
    ("area_type", "VARCHAR"),
    ("name_norm", "VARCHAR"),
]
TABLES = ("people", "enrolments", "applications", "villages", "recipients")


def enrol(household, user, *, amount="620.00", code="dibao_rural"):
    app = Application.objects.create(
        number=f"B{household.pk:06d}{code[:2]}",
        household=household,
        programme=Programme.objects.get(code=code),
        county_id=household.county_id,
        township_id=household.township_id,
        village_id=household.village_id,
        status="enrolled",
        created_by=user,
    )
    return Enrolment.objects.create(
        household=household,
        programme=app.programme,
        application=app,
        county_id=household.county_id,
        township_id=household.township_id,
        village_id=household.village_id,
        members=household.members.count(),
        monthly_amount=Decimal(amount),
        start_month="2026-01",
        created_by=user,
    )


@pytest.fixture
def county_data(users, make_household):
    homes = [make_household(size=n) for n in (1, 2, 3)]
    enrolments = [enrol(h, users["county"]) for h in homes]
    person = homes[2].members.order_by("id").last()
    person.disability_type, person.disability_grade = "physical", 2
    person.name = "田 秀·英"
    person.save()
    return homes, enrolments


# --- findings --------------------------------------------------------------------------------


def known_hit(homes):
    return Hit(
        check="dup_county",
        rule="R6",
        key="dup|known",
        township_id=homes[2].township_id,
        summary="已知",
        subject_name="已知",
    )


def make_hits(homes, enrolments, n_extra=0):
    h0, h1, h2 = homes
    e0, e1, _ = enrolments
    p0 = h0.members.get()
    hits = [
        Hit(
            check="death",
            rule="R5",
            key="death|1",
            township_id=h0.township_id,
            village_id=h0.village_id,
            household_id=h0.pk,
            person_id=p0.pk,
            enrolment_id=e0.pk,
            summary="死亡后仍在领取",
            subject_name=p0.name,
            subject_id_masked=p0.id_masked,
            snapshot_kind="death",
            ref_row=2,
            tier="exact",
            score=1.0,
            evidence=[
                {
                    "项目": "死亡日期",
                    "本系统": dt.date(2026, 8, 15),
                    "金额": Decimal("1.50"),
                    "空": None,
                }
            ],
            months_paid=3,
            amount=Decimal("1860.00"),
        ),
        Hit(
            check="death",
            rule="R5",
            key="death|1",
            township_id=h0.township_id,  # again
            summary="重复",
            subject_name="重复",
        ),
        Hit(
            check="kin",
            rule="R5",
            key="kin|1",
            township_id=h1.township_id,
            household_id=h1.pk,
            application_id=e1.application_id,
            enrolment_id=e1.pk,
            summary="近" * 320,
            subject_name="名" * 70,
            snapshot_kind="fiscal_staff",
            ref_row=7,
            evidence=[],
        ),
        Hit(
            check="missed",
            rule="R7",
            key="missed|1",
            township_id=h2.township_id,
            summary="疑似漏保",
            subject_name="龙某",
            tier="review",
            score=0.93,
            review=True,
        ),
        known_hit(homes),
    ]
    hits += [
        Hit(
            check="asset_vehicle",
            rule="R6",
            key=f"car|{i}",
            township_id=h2.township_id,
            village_id=h2.village_id,
            household_id=h2.pk,
            summary=f"车辆{i}",
            subject_name="龙小1",
            snapshot_kind="vehicle",
            ref_row=i,
            score=0.5 + i / 10**4,
            evidence=[{"号牌": f"湘U{i:05d}"}],
        )
        for i in range(n_extra)
    ]
    return hits


def start_run(users, homes):
    county = users["county"]
    run = CheckRun.objects.create(county=county.region, month="2026-11", started_by=county)
    snapshots = {
        kind: RegistrySnapshot.objects.create(
            county=county.region,
            kind=kind,
            as_of=dt.date(2026, 11, 1),
            file_name=f"{kind}.csv",
            file_sha256="0" * 64,
            uploaded_by=county,
            status="active",
        )
        for kind in ("death", "fiscal_staff", "vehicle")
    }
    known = known_hit(homes)
    Finding.objects.create(
        county=county.region,
        township_id=known.township_id,
        run=run,
        check_code=known.check,
        rule=known.rule,
        fingerprint=known.fingerprint,
        subject_name="已知",
        summary="已知",
        tier="rule",
    )
    return run, snapshots


def findings_and_audit(run):
    """The run's new findings with their audit rows, without the ids, keyed by fingerprint."""
    out = {}
    for f in Finding.objects.filter(run=run).exclude(subject_name="已知").values():
        entry = AuditEntry.objects.get(action="crosscheck.finding_raise", object_id=str(f["id"]))
        assert entry.object_type == "crosscheck.finding"
        assert entry.object_repr == str(Finding.objects.get(pk=f["id"]))
        assert f["raised_at"] is not None
        out[f["fingerprint"]] = (
            {k: v for k, v in f.items() if k not in ("id", "raised_at")},
            (entry.actor_id, entry.household_id, entry.new, entry.reason),
        )
    return out


def test_new_hits_become_findings_with_their_values_and_audit_rows(users, county_data):
    homes, enrolments = county_data
    run, snapshots = start_run(users, homes)
    hits = make_hits(homes, enrolments)
    summary = write_findings(run=run, actor=users["county"], hits=hits, snapshots=snapshots)
    assert (summary["new"], summary["review"], summary["known"]) == (2, 1, 2)

    death = Finding.objects.get(check_code="death")
    assert (death.household_id, death.person_id, death.enrolment_id) == (
        homes[0].pk,
        hits[0].person_id,
        enrolments[0].pk,
    )
    assert death.snapshot == snapshots["death"] and death.ref_row == 2 and death.score == 1.0
    assert death.months_paid == 3 and death.amount_to_recover == Decimal("1860.00")
    assert death.evidence == [
        {"项目": "死亡日期", "本系统": "2026-08-15", "金额": "1.50", "空": None}
    ]
    assert death.status == Finding.Status.RAISED and death.tier == "exact"
    assert death.due_date > timezone.localdate() and death.raised_at <= timezone.now()
    assert (death.assignee_id, death.verdict, death.action, death.verification_note) == (
        None,
        None,
        "",
        "",
    )
    kin = Finding.objects.get(check_code="kin")
    assert kin.subject_name == "名" * 60 and kin.summary == "近" * 300 and kin.evidence == []
    assert kin.village_id is None and kin.person_id is None and kin.amount_to_recover is None
    assert Application.objects.get(pk=hits[2].application_id).kin_registered
    missed = Finding.objects.get(check_code="missed")
    assert missed.status == Finding.Status.REVIEW and missed.tier == "probable"
    assert missed.snapshot is None and missed.household_id is None and missed.score == 0.93

    rows = findings_and_audit(run)
    assert rows[death.fingerprint][1] == (
        users["county"].pk,
        homes[0].pk,
        {
            "check": "death",
            "status": "raised",
            "summary": "死亡后仍在领取",
            "snapshot": snapshots["death"].pk,
            "ref_row": 2,
        },
        "",
    )
    assert len(rows) == 3 and audit.verify()[1] is None


@pytest.mark.postgres
def test_copy_writes_the_same_findings_and_audit_rows_as_bulk_create(
    users, county_data, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is used on PostgreSQL only")
    homes, enrolments = county_data
    run, snapshots = start_run(users, homes)
    hits = make_hits(homes, enrolments, n_extra=600)  # audit rows with COPY too (≥ 500)
    copied, copy_insert, copy_append = [], bulk.copy_insert, bulk.copy_append
    monkeypatch.setattr(
        bulk, "copy_insert", lambda model, *a: copied.append(model) or copy_insert(model, *a)
    )
    monkeypatch.setattr(
        bulk,
        "copy_append",  # the audit rows, streamed as they are chained
        lambda model, *a: copied.append(model) or copy_append(model, *a),
    )

    sid = transaction.savepoint()
    with monkeypatch.context() as m:
        m.setattr(bulk, "copy_supported", lambda: False)
        slow_summary = write_findings(
            run=run, actor=users["county"], hits=hits, snapshots=snapshots
        )
        slow = findings_and_audit(run)
    transaction.savepoint_rollback(sid)
    assert not copied and not Application.objects.filter(kin_registered=True).exists()

    summary = write_findings(run=run, actor=users["county"], hits=hits, snapshots=snapshots)
    assert copied == [Finding, AuditEntry]
    fast = findings_and_audit(run)
    assert summary == slow_summary and len(fast) == 603
    assert fast == slow
    ids = list(
        Finding.objects.filter(run=run)
        .exclude(subject_name="已知")
        .order_by("id")
        .values_list("ref_row", flat=True)
    )
    assert ids[:3] == [2, 7, None] and ids[3:] == list(range(600))  # ids in the hits' order
    assert Application.objects.get(pk=hits[2].application_id).kin_registered
    assert audit.verify()[1] is None


def test_marking_kin_cases_takes_a_fixed_number_of_queries(users, make_household):
    apps = [enrol(make_household(size=1), users["county"]).application for _ in range(6)]
    with CaptureQueriesContext(connection) as two:
        assert (
            applications_kin_register(
                actor=users["county"], reason="R5", application_ids=[a.pk for a in apps[:2]]
            )
            == 2
        )
    with CaptureQueriesContext(connection) as four:
        assert (
            applications_kin_register(
                actor=users["county"], reason="R5", application_ids=[a.pk for a in apps[2:]]
            )
            == 4
        )
    assert len(two.captured_queries) == len(four.captured_queries)
    reprs = AuditEntry.objects.filter(action="case.kin_registered").values_list(
        "object_repr", flat=True
    )
    assert sorted(reprs) == sorted(str(a) for a in apps)  # "number（programme name）"


# --- export ----------------------------------------------------------------------------------


def exported(county):
    con = engine.connect()
    try:
        counts = export.export_county(
            con, county=county, month="2026-11", refused_since=dt.date(2025, 1, 1)
        )
        counts.pop("refresh")  # how the copy was refreshed: compared apart
        tables = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}
        types = {t: con.execute(f"DESCRIBE {t}").fetchall() for t in TABLES}
        names = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    finally:
        con.close()
    return counts, tables, types, names


def test_people_keep_their_columns_and_values(users, county_data):
    homes, _ = county_data
    county = users["county"].region
    counts, tables, types, names = exported(county)
    assert [(name, kind) for name, kind, *_ in types["people"]] == PEOPLE_COLUMNS
    assert names == set(TABLES)  # the parts are dropped once joined
    assert counts["people"] == 6 and counts["enrolments"] == 3 and counts["recipients"] == 6
    person = homes[2].members.order_by("id").last()
    [row] = [r for r in tables["people"] if r[0] == person.pk]
    household = homes[2]
    assert row == (
        person.pk,
        household.pk,
        person.id_hash,
        person.id_masked,
        "田 秀·英",
        person.birth_date,
        person.sex,
        person.relation,
        "physical",
        2,
        person.health_status,
        household.village.code,
        household.village_id,
        household.township_id,
        household.area_type,
        "田秀英",
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_adbc_export_equals_the_copy_export_and_falls_back_to_it(
    users, county_data, monkeypatch, caplog
):
    """ADBC needs the rows committed (it is a second connection): a transactional test."""
    if connection.vendor != "postgresql":
        pytest.skip("ADBC is used on PostgreSQL only")
    county = users["county"].region
    opened, fetched = [], []
    connect, fetch = export._adbc_connect, export._fetch_adbc
    monkeypatch.setattr(export, "_adbc_connect", lambda: opened.append(connect()) or opened[-1])
    monkeypatch.setattr(
        export, "_fetch_adbc", lambda con, table, *a: fetched.append(table) or fetch(con, table, *a)
    )
    through_adbc = exported(county)
    # two connections: the persons on one, the other tables on the other, in parallel; the
    # first run fetches the mirrored tables whole
    assert (
        len(opened) == 2
        and None not in opened
        and sorted(fetched)
        == sorted(
            [
                "_whole__people_own",
                "_whole__household_places",
                "_whole_enrolments",
                "applications",
                "villages",
            ]
        )
    )
    assert all(source.closed for source in opened)  # after the export
    with pytest.raises(adbc_driver_manager.ProgrammingError), opened[0].query("SELECT 1"):
        pass

    monkeypatch.setattr(export, "_adbc_connect", lambda: None)
    assert exported(county) == through_adbc  # the COPY path
    assert through_adbc[0]["people"] == 6 and len(through_adbc[1]["villages"]) > 0

    monkeypatch.setattr(export, "_adbc_connect", connect)
    monkeypatch.setattr(
        export,
        "_adbc_uri",
        lambda settings: "postgresql:///nowhere?host=%2Fnonexistent-socket-dir&port=5432",
    )
    with caplog.at_level(logging.WARNING, logger="jiuzhu.crosscheck.export"):
        assert exported(county) == through_adbc
    assert "ADBC cannot connect" in caplog.text and len(fetched) == 5

    with transaction.atomic():  # inside a transaction a second connection would not see it
        assert exported(county) == through_adbc
    assert len(fetched) == 5


def test_adbc_uri_from_the_database_settings():
    uri = export._adbc_uri(
        {
            "HOST": "/tmp/pg sock",
            "PORT": "5433",
            "NAME": "jiu zhu",
            "USER": "jiuzhu",
            "PASSWORD": "p@ss:w/rd%",
            "OPTIONS": {"sslmode": "require", "isolation_level": 3},
        }
    )
    assert uri == (
        "postgresql://jiuzhu:p%40ss%3Aw%2Frd%25@/jiu%20zhu"
        "?host=%2Ftmp%2Fpg%20sock&port=5433&sslmode=require"
    )
    assert (
        export._adbc_uri({"HOST": "", "PORT": "", "NAME": "jiuzhu", "USER": "", "PASSWORD": ""})
        == "postgresql:///jiuzhu"
    )


def test_the_export_reads_only_the_county_s_people_when_the_database_holds_another(
    users, county_data, make_household
):
    """A one-county database is read without the semi-join on households; with a second county's
    households in it, the semi-join keeps them out."""
    from jiuzhu.regions.models import Region
    from jiuzhu.registry.selectors import households_for_export, people_for_export

    county = users["county"].region
    mine = set(people_for_export(county_id=county.pk).values_list("id", flat=True))
    other = Region.objects.create(
        code="433124000000", name="邻县", level="county", parent=county.parent
    )
    township = Region.objects.create(
        code="433124100000", name="邻县镇", level="township", parent=other
    )
    village = Region.objects.create(
        code="433124100001", name="邻县村", level="village", parent=township, urban_rural_code="220"
    )
    stranger = make_household(village=village, size=2)
    assert stranger.county_id == other.pk
    stranger.members.update(disability_type="physical", disability_grade=1)
    assert set(people_for_export(county_id=county.pk).values_list("id", flat=True)) == mine
    # the rows written since a transaction: the same set, narrowed (all of them here on SQLite,
    # where row_xid stays empty and nothing is "written since")
    since = people_for_export(county_id=county.pk, written_since=0)
    assert set(since.values_list("id", flat=True)) <= mine
    assert stranger.pk not in set(
        households_for_export(county_id=county.pk, written_since=0).values_list("id", flat=True)
    )
    theirs = set(people_for_export(county_id=other.pk).values_list("id", flat=True))
    assert theirs == set(stranger.members.values_list("id", flat=True))
