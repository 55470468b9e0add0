"""Changes (异动, R17): the window and its roll-over, county approval and return, separation of
duties, jurisdiction, what each approved kind does to the enrolment, and arrears (补发) for a
month already generated."""

from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404

from jiuzhu.core import crypto
from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiuzhu.payments import changes
from jiuzhu.payments.models import Arrears, Enrolment, EnrolmentChange
from jiuzhu.payments.services import enrolment_create_from
from tests.conftest import TOWNSHIP_A

from .payment_builders import enrolment, payroll_with_line

IN_WINDOW, LATE = date(2026, 11, 15), date(2026, 11, 21)


@pytest.fixture
def actors(users, make_user):
    return {**users, "reviewer": make_user("reviewer", "county_reviewer", "433123000000")}


@pytest.fixture
def enrolled(make_household, actors):
    return enrolment(make_household(TOWNSHIP_A), created_by=actors["county"])


def submit(actor, e, kind, **kw):
    kw.setdefault("reason", "家庭收入变化")
    kw.setdefault("today", IN_WINDOW)
    return changes.change_submit(actor=actor, enrolment_id=e.pk, kind=kind, **kw)


def test_submitted_in_the_window_counts_this_month(actors, enrolled):
    change = submit(actors["officer_a"], enrolled, "amount", new_amount=Decimal("350"))
    assert change.payroll_month == "2026-11" and not change.submitted_late
    assert change.effective_month == "2026-11" and change.status == "submitted"
    assert change.note == "计入2026年11月发放"


def test_submitted_after_the_window_rolls_over_and_says_so(actors, enrolled):
    change = submit(actors["officer_a"], enrolled, "suspend", today=LATE)
    assert change.payroll_month == "2026-12" and change.submitted_late
    assert "顺延至2026年12月发放" in change.note


def test_reason_amount_and_duplicates_are_checked(actors, enrolled):
    officer = actors["officer_a"]
    with pytest.raises(ValidationFailed, match="理由"):
        submit(officer, enrolled, "stop", reason=" ")
    with pytest.raises(ValidationFailed, match="相同"):
        submit(officer, enrolled, "amount", new_amount=Decimal("300.00"))
    with pytest.raises(ValidationFailed, match="大于0"):
        submit(officer, enrolled, "amount", new_amount=Decimal("0"))
    submit(officer, enrolled, "amount", new_amount=Decimal("320"))
    with pytest.raises(Conflict, match="待审批"):
        submit(officer, enrolled, "amount", new_amount=Decimal("330"))


def test_township_outside_its_jurisdiction_gets_404(actors, enrolled):
    with pytest.raises(Http404):
        submit(actors["officer_b"], enrolled, "suspend")


def test_approve_applies_an_amount_change(actors, enrolled):
    change = submit(actors["officer_a"], enrolled, "amount", new_amount=Decimal("350"))
    changes.change_approve(actor=actors["reviewer"], change_id=change.pk, note="同意")
    enrolled.refresh_from_db()
    change.refresh_from_db()
    assert change.status == "approved" and change.reviewed_by == actors["reviewer"]
    assert enrolled.monthly_amount == Decimal("350.00")
    with pytest.raises(Conflict):
        changes.change_approve(actor=actors["county"], change_id=change.pk)


def test_return_needs_a_note_and_applies_nothing(actors, enrolled):
    change = submit(actors["officer_a"], enrolled, "amount", new_amount=Decimal("350"))
    with pytest.raises(ValidationFailed):
        changes.change_return(actor=actors["reviewer"], change_id=change.pk, note="")
    changes.change_return(actor=actors["reviewer"], change_id=change.pk, note="材料不全")
    enrolled.refresh_from_db()
    change.refresh_from_db()
    assert change.status == "returned" and change.review_note == "材料不全"
    assert enrolled.monthly_amount == Decimal("300.00")


def test_the_submitter_cannot_approve_and_a_township_cannot_either(actors, enrolled):
    change = submit(actors["county"], enrolled, "suspend")
    with pytest.raises(PermissionDenied, match="本人"):
        changes.change_approve(actor=actors["county"], change_id=change.pk)
    with pytest.raises(PermissionDenied):
        changes.change_approve(actor=actors["officer_a"], change_id=change.pk)
    changes.change_approve(actor=actors["reviewer"], change_id=change.pk)
    enrolled.refresh_from_db()
    assert enrolled.status == Enrolment.Status.SUSPENDED


def test_a_new_enrolment_enters_payroll_when_its_new_change_is_approved(
    actors, make_household, regions
):
    e = enrolment(make_household(TOWNSHIP_A), created_by=actors["county"])
    app = e.application
    e.delete()
    reviewer = actors["reviewer"]
    created = enrolment_create_from(
        application=app,
        actor=reviewer,
        monthly_amount=Decimal("300.00"),
        decided_on=date(2026, 11, 10),
    )
    new = created.changes.get()
    assert new.kind == "new" and new.status == "submitted" and new.payroll_month == "2026-11"
    assert created.payroll_from == "" and created.start_month == "2026-12"
    with pytest.raises(PermissionDenied):
        changes.change_approve(actor=reviewer, change_id=new.pk)
    changes.change_approve(actor=actors["county"], change_id=new.pk)
    created.refresh_from_db()
    assert created.payroll_from == "2026-12"
    assert created.next_review_on is not None and created.review_months in (6, 12)


def test_a_temporary_grant_is_paid_in_its_start_month_only(actors, make_household):
    e = enrolment(make_household(TOWNSHIP_A), created_by=actors["county"], programme="temporary")
    app = e.application
    e.delete()
    created = enrolment_create_from(
        application=app,
        actor=actors["reviewer"],
        monthly_amount=Decimal("1500.00"),
        decided_on=date(2026, 11, 10),
    )
    assert created.end_month == created.start_month == "2026-12"


def test_a_stop_sets_the_end_month_and_status(actors, enrolled):
    change = submit(actors["officer_a"], enrolled, "stop", effective_month="2027-01")
    changes.change_approve(actor=actors["reviewer"], change_id=change.pk)
    enrolled.refresh_from_db()
    assert enrolled.end_month == "2026-12" and enrolled.status == "stopped"
    assert enrolled.exit_reason == "家庭收入变化"
    with pytest.raises(ValidationFailed, match="已停保"):
        submit(actors["officer_a"], enrolled, "suspend")


def test_gradual_exit_with_the_countys_default_ends_in_august(actors, enrolled):
    change = submit(
        actors["officer_a"], enrolled, "gradual_exit", effective_month="2026-03", today=IN_WINDOW
    )
    changes.change_approve(actor=actors["reviewer"], change_id=change.pk)
    enrolled.refresh_from_db()
    assert enrolled.gradual_exit_from == "2026-03" and enrolled.end_month == "2026-08"


def test_gradual_exit_of_24_months_entered_for_a_poverty_registry_household(actors, enrolled):
    change = submit(
        actors["officer_a"],
        enrolled,
        "gradual_exit",
        effective_month="2026-03",
        gradual_exit_months=24,
    )
    changes.change_approve(actor=actors["reviewer"], change_id=change.pk)
    enrolled.refresh_from_db()
    assert enrolled.end_month == "2028-02"


def test_back_pay_for_a_month_already_generated(actors, enrolled):
    payroll_with_line(enrolled, month="2026-10", amount="300.00", generated_by=actors["county"])
    payroll_with_line(enrolled, month="2026-11", amount="300.00", generated_by=actors["county"])
    change = submit(
        actors["officer_a"],
        enrolled,
        "amount",
        new_amount=Decimal("380.00"),
        effective_month="2026-10",
    )
    assert change.payroll_month == "2026-12" and change.submitted_late
    changes.change_approve(actor=actors["reviewer"], change_id=change.pk)
    rows = list(Arrears.objects.filter(enrolment=enrolled).order_by("for_month"))
    assert [(a.for_month, a.amount) for a in rows] == [
        ("2026-10", Decimal("80.00")),
        ("2026-11", Decimal("80.00")),
    ]
    assert all(a.change_id == change.pk for a in rows)


def test_a_reduction_dated_into_a_generated_month_is_refused_with_the_recovery_hint(
    actors, enrolled
):
    payroll_with_line(enrolled, month="2026-11", amount="300.00", generated_by=actors["county"])
    with pytest.raises(ValidationFailed, match="追回"):
        submit(
            actors["officer_a"],
            enrolled,
            "reduce",
            new_amount=Decimal("200"),
            effective_month="2026-11",
        )


def test_a_name_correction_applies_at_once(actors, enrolled):
    head = enrolled.household.members.get(relation="self")
    change = submit(actors["officer_a"], enrolled, "name", person_id=head.pk, new_name="龙大川")
    head.refresh_from_db()
    enrolled.household.refresh_from_db()
    assert change.status == "approved" and head.name == "龙大川"
    assert enrolled.household.head_name == "龙大川"


def test_a_bank_change_is_stored_encrypted_and_applied_on_approval(actors, enrolled):
    with pytest.raises(ValidationFailed, match="12至30位"):
        submit(actors["officer_a"], enrolled, "bank", new_bank_name="农行", new_bank_account="12")
    change = submit(
        actors["officer_a"],
        enrolled,
        "bank",
        reason="",
        new_bank_name="农业银行",
        new_bank_account="6228480012345678901",
    )
    assert "6228480012345678901" not in change.new_bank_account_cipher
    assert change.new_text.endswith("8901") and "2345678" not in change.new_text
    changes.change_approve(actor=actors["reviewer"], change_id=change.pk)
    h = enrolled.household
    h.refresh_from_db()
    assert h.bank_name == "农业银行"
    assert crypto.decrypt(h.bank_account_cipher) == "6228480012345678901"
    assert EnrolmentChange.objects.get(pk=change.pk).status == "approved"


def test_the_pages_submit_approve_and_print_a_change(client, actors, enrolled):
    from django.urls import reverse

    client.force_login(actors["officer_a"])
    response = client.post(
        reverse("payments:change_new", args=[enrolled.pk]),
        {"kind": "amount", "new_amount": "360.00", "reason": "家庭人口增加"},
    )
    change = EnrolmentChange.objects.get(enrolment=enrolled, kind="amount")
    assert response.status_code == 302 and change.status == "submitted"
    listing = client.get(reverse("payments:change_list")).content.decode()
    assert "金额调整" in listing and "¥360.00" in listing
    client.force_login(actors["officer_b"])
    assert client.get(reverse("payments:change_detail", args=[change.pk])).status_code == 404

    client.force_login(actors["reviewer"])
    page = client.get(reverse("payments:change_detail", args=[change.pk])).content.decode()
    assert "审批通过" in page
    client.post(reverse("payments:change_approve", args=[change.pk]), {"note": "同意"})
    change.refresh_from_db()
    assert change.status == "approved"
    printed = client.get(reverse("payments:change_print", args=[change.pk])).content.decode()
    assert "社会救助对象异动审批表" in printed and "家庭人口增加" in printed
    assert "¥300.00" in printed and "¥360.00" in printed
