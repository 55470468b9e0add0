"""The monthly run end to end on the database: snapshot → run → finding → verify → act."""

from datetime import date
from decimal import Decimal

import duckdb
import pytest
from django.http import Http404
from django.utils import timezone

from jiuzhu.cases.models import Application
from jiuzhu.core.crypto import decrypt
from jiuzhu.core.errors import PermissionDenied, ValidationFailed
from jiuzhu.core.models import AuditEntry
from jiuzhu.core.month import Month
from jiuzhu.crosscheck import findings as services
from jiuzhu.crosscheck.models import CheckRun, Finding
from jiuzhu.crosscheck.run import crosscheck_run
from jiuzhu.crosscheck.snapshot_services import snapshot_commit, snapshot_preview
from jiuzhu.payments.models import Enrolment, EnrolmentChange
from jiuzhu.programmes.models import Programme

pytestmark = pytest.mark.django_db(transaction=False)

HEADER = "姓名,公民身份号码,性别,出生日期,所在地区划代码,死亡日期,死亡信息来源\n"


def enrol(household, user, *, amount="620.00", start="2026-01"):
    app = Application.objects.create(
        number=f"T{household.pk:06d}",
        household=household,
        programme=Programme.objects.get(code="dibao_rural"),
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
        start_month=start,
        created_by=user,
    )


def death_snapshot(user, rows: str, as_of=date(2026, 11, 1)):
    snap = snapshot_preview(
        actor=user,
        kind="death",
        as_of=as_of,
        source="县殡葬管理所",
        file_name="deaths.csv",
        data=(HEADER + rows).encode(),
    )
    return snapshot_commit(actor=user, snapshot_id=snap.pk, good_rows=True, inline=True)


@pytest.fixture
def recipient(users, make_household):
    household = make_household(size=1, head_name="龙老汉")
    person = household.members.get()
    enrolment = enrol(household, users["county"])
    return household, person, enrolment


def test_death_run_raises_once_and_the_officer_stops_payment(users, recipient, tmp_path, settings):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snap"
    household, person, enrolment = recipient
    id18 = decrypt(person.id_cipher)
    death_snapshot(
        users["county"],
        f"龙老汉,{id18},,,,2026-08-15,火化\n龙老汉,,男,1931-01-01,,2026-09-01,火化\n",
    )
    run = crosscheck_run(actor=users["county"], month="2026-11", inline=True)
    run.refresh_from_db()
    assert run.status == CheckRun.Status.DONE, run.message
    [finding] = Finding.objects.filter(check_code="death")
    assert finding.enrolment_id == enrolment.pk and finding.person_id == person.pk
    assert finding.months_paid == 3 and finding.amount_to_recover == Decimal("1860.00")
    assert finding.township_id == household.township_id and finding.tier == "exact"
    assert finding.snapshot.kind == "death" and finding.ref_row == 2
    assert run.summary["new"] == 1 and run.summary["by_check"]["death"]["new"] == 1
    assert AuditEntry.objects.filter(
        action="crosscheck.finding_raise", object_id=str(finding.pk)
    ).exists()

    # the same month again with the same snapshots: nothing new, nothing changed
    before = Finding.objects.values().get(pk=finding.pk)
    again = crosscheck_run(actor=users["county"], month="2026-11", inline=True)
    again.refresh_from_db()
    assert again.summary["new"] == 0 and again.summary["known"] == 1
    assert Finding.objects.count() == 1 and Finding.objects.values().get(pk=finding.pk) == before

    # another township's officer cannot see it
    with pytest.raises(Http404):
        services.finding_verify(
            actor=users["officer_b"], finding_id=finding.pk, is_true=True, note="x"
        )
    officer = users["officer_a"]
    services.finding_assign(actor=officer, finding_id=finding.pk, assignee_id=officer.pk)
    services.finding_verify(
        actor=officer,
        finding_id=finding.pk,
        is_true=True,
        note="入户核实：已于8月去世，有火化证明",
        attachment_name="火化证明.jpg",
        attachment=b"\xff\xd8fake-jpeg",
    )
    services.finding_act(
        actor=officer,
        finding_id=finding.pk,
        action="stop",
        note="死亡停发，追回多发资金",
        effective_month="2026-12",
    )
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.STOPPED and enrolment.end_month == "2026-11"
    change = EnrolmentChange.objects.get(enrolment=enrolment)
    assert change.effective_month == "2026-12" and change.source == f"核查发现#{finding.pk}"
    assert change.payroll_month >= str(Month.of(timezone.localdate()))  # counted in a payroll
    services.finding_close(actor=officer, finding_id=finding.pk)
    finding.refresh_from_db()
    assert finding.status == Finding.Status.CLOSED and finding.verdict is True
    assert services.finding_attachment(actor=officer, finding=finding) == b"\xff\xd8fake-jpeg"


def test_a_finding_verified_false_is_not_raised_again(users, recipient, tmp_path, settings):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snap"
    household, person, enrolment = recipient
    id18 = decrypt(person.id_cipher)
    death_snapshot(users["county"], f"龙老汉,{id18},,,,2026-10-15,火化\n")
    crosscheck_run(actor=users["county"], month="2026-11", inline=True)
    finding = Finding.objects.get(check_code="death")
    with pytest.raises(ValidationFailed):
        services.finding_verify(
            actor=users["officer_a"], finding_id=finding.pk, is_true=False, note=""
        )
    services.finding_verify(
        actor=users["officer_a"],
        finding_id=finding.pk,
        is_true=False,
        note="本人健在，殡葬数据录入错误，已函告殡葬管理所",
    )
    # a newer snapshot carrying the same record
    death_snapshot(users["county"], f"龙老汉,{id18},,,,2026-10-15,火化\n", as_of=date(2026, 11, 20))
    run = crosscheck_run(actor=users["county"], month="2026-12", inline=True)
    run.refresh_from_db()
    assert run.summary["new"] == 0 and Finding.objects.count() == 1


def test_only_county_users_with_the_permission_run_checks(users):
    with pytest.raises(PermissionDenied):
        crosscheck_run(actor=users["officer_a"], month="2026-11", inline=True)
    with pytest.raises(PermissionDenied):
        crosscheck_run(actor=users["inspector"], month="2026-11", inline=True)


def test_a_failed_run_writes_nothing(users, recipient, tmp_path, settings, monkeypatch):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snap"
    household, person, enrolment = recipient
    death_snapshot(users["county"], f"龙老汉,{decrypt(person.id_cipher)},,,,2026-08-15,火化\n")
    from jiuzhu.crosscheck.checks import rescreen

    def broken(ctx):
        raise duckdb.Error("磁盘已满")

    monkeypatch.setattr(rescreen, "run", broken)
    crosscheck_run(actor=users["county"], month="2026-11", inline=True)
    run = CheckRun.objects.get()
    assert run.status == CheckRun.Status.FAILED and "磁盘已满" in run.message
    assert Finding.objects.count() == 0


KIN_HEADER = "工作人员姓名,工作人员身份号码,工作单位,职务,姓名,公民身份号码,与工作人员关系\n"


def test_kin_finding_marks_the_case_and_a_cousin_is_not_raised(
    users, make_household, tmp_path, settings
):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snap"
    mother_home = make_household(size=1, head_name="田秀英")
    cousin_home = make_household(size=1, head_name="田小龙")
    mother_enrolment = enrol(mother_home, users["county"])
    enrol(cousin_home, users["county"])
    mother, cousin = mother_home.members.get(), cousin_home.members.get()
    staff_id = "433123198503031234"
    from jiuzhu.core.idnumber import check_digit

    staff_id = staff_id[:17] + check_digit(staff_id[:17])
    rows = (
        f"田大明,{staff_id},县财政局,科员,田秀英,{decrypt(mother.id_cipher)},父母\n"
        f"田大明,{staff_id},县财政局,科员,田小龙,{decrypt(cousin.id_cipher)},堂表兄弟姐妹\n"
    )
    snap = snapshot_preview(
        actor=users["county"],
        kind="fiscal_staff",
        as_of=date(2026, 11, 1),
        source="县委组织部",
        file_name="staff.csv",
        data=(KIN_HEADER + rows).encode(),
    )
    snapshot_commit(actor=users["county"], snapshot_id=snap.pk, good_rows=True, inline=True)
    crosscheck_run(actor=users["county"], month="2026-11", inline=True)
    [finding] = Finding.objects.filter(check_code="kin")
    assert finding.person_id == mother.pk and "父母" in finding.summary
    application = Application.objects.get(pk=mother_enrolment.application_id)
    assert application.kin_registered is True
    assert not Application.objects.get(
        pk=Enrolment.objects.get(household=cousin_home).application_id
    ).kin_registered


def test_review_queue_decisions(users, recipient, tmp_path, settings):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snap"
    household, person, enrolment = recipient
    death_snapshot(users["county"], f"龙老汉,{decrypt(person.id_cipher)},,,,2026-10-15,火化\n")
    crosscheck_run(actor=users["county"], month="2026-11", inline=True)
    finding = Finding.objects.get(check_code="death")
    Finding.objects.filter(pk=finding.pk).update(status=Finding.Status.REVIEW)
    with pytest.raises(ValidationFailed):  # not yet the same person: cannot verify
        services.finding_verify(
            actor=users["officer_a"], finding_id=finding.pk, is_true=True, note="x"
        )
    services.finding_review(
        actor=users["officer_a"],
        finding_id=finding.pk,
        same_person=False,
        note="出生日期和村组均不同，不是同一人",
    )
    finding.refresh_from_db()
    assert finding.status == Finding.Status.DISMISSED
    again = crosscheck_run(actor=users["county"], month="2026-11", inline=True)
    again.refresh_from_db()
    assert again.summary["new"] == 0 and Finding.objects.count() == 1


def test_acting_on_a_death_finding_opens_the_recovery_of_the_lines_paid(
    users, recipient, tmp_path, settings
):
    """R9: stopping on a confirmed death finding with a recovery month puts what the lines paid
    from the month after the death on the recovery ledger — not the enrolment's estimate."""
    from jiuzhu.crosscheck.finding_selectors import overpaid_from
    from jiuzhu.payments.models import Recovery

    from .recovery_world import paid_line

    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snap"
    household, person, enrolment = recipient
    officer = users["officer_a"]
    for month, amount, outcome in (
        ("2026-08", "620.00", "paid"),  # the month of the death: due
        ("2026-09", "620.00", "paid"),
        ("2026-10", "600.00", "paid"),  # the bank paid what the line said, not the enrolment
        ("2026-11", "620.00", "returned"),  # returned: nothing to recover
    ):
        paid_line(enrolment, month, officer, amount=amount, outcome=outcome)
    death_snapshot(users["county"], f"龙老汉,{decrypt(person.id_cipher)},,,,2026-08-15,火化\n")
    crosscheck_run(actor=users["county"], month="2026-11", inline=True)
    finding = Finding.objects.get(check_code="death")
    assert overpaid_from(finding) == "2026-09"
    services.finding_assign(actor=officer, finding_id=finding.pk, assignee_id=officer.pk)
    services.finding_verify(actor=officer, finding_id=finding.pk, is_true=True, note="已火化")

    with pytest.raises(ValidationFailed):  # a recovery goes with a stop or a reduction only
        services.finding_act(
            actor=officer,
            finding_id=finding.pk,
            action="keep",
            note="保留",
            recover_from_month="2026-09",
        )
    assert not Recovery.objects.exists()

    services.finding_act(
        actor=officer,
        finding_id=finding.pk,
        action="stop",
        note="死亡停发，追回多发资金",
        effective_month="2026-12",
        recover_from_month=overpaid_from(finding),
    )
    recovery = Recovery.objects.get()
    assert recovery.cause == "death" and recovery.person_id == person.pk
    assert recovery.amount == Decimal("1220.00") and recovery.lines.count() == 2
    assert recovery.source == f"核查发现#{finding.pk}" and recovery.created_by == officer
    assert AuditEntry.objects.filter(
        action="crosscheck.finding_act", object_id=str(finding.pk), new__recovery=recovery.pk
    ).exists()
