"""The payroll's SQL (inforce.due_query) pays what the reference rule (rules.due_for_month) says,
on random histories of approved amount and pause changes (Hypothesis, on PostgreSQL)."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiuzhu.payments import inforce, rules
from jiuzhu.payments.models import EnrolmentChange
from tests.conftest import TOWNSHIP_A

from .payment_builders import enrolment

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
change_st = st.tuples(
    st.sampled_from(["amount", "reduce", "reprice", "suspend", "resume", "stop"]),
    st.sampled_from(MONTHS),
    st.integers(min_value=1, max_value=900),
    st.integers(min_value=1, max_value=900),
    st.sampled_from(["approved", "approved", "submitted", "returned"]),
)


@pytest.fixture
def enrolled(users, make_household):
    return enrolment(
        make_household(TOWNSHIP_A),
        created_by=users["county"],
        start_month="2026-02",
        payroll_from="2026-03",
    )


def _sql_due(e, month):
    sql, params = inforce.due_query(
        county_id=e.county_id, programme_id=e.programme_id, payment="monthly", month=month
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = {r[0]: r for r in cursor.fetchall()}
    row = rows.get(e.pk)
    return None if row is None else (Decimal(row[7]), row[8])


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(change_st, max_size=6), end=st.sampled_from(["", "2026-09", "2026-12"]))
def test_due_query_equals_the_reference_rule(enrolled, history, end):
    sid = transaction.savepoint()
    try:
        enrolled.end_month = end
        enrolled.save(update_fields=["end_month"])
        facts = []
        for kind, month, old, new, status in history:
            c = EnrolmentChange.objects.create(
                enrolment=enrolled,
                kind=kind,
                status=status,
                effective_month=month,
                old_amount=Decimal(old),
                new_amount=Decimal(new),
                reason="测试",
                created_by=enrolled.created_by,
            )
            if status == "approved":
                facts.append(rules.ChangeFact(c.pk, kind, month, c.old_amount, c.new_amount))
        for month in ["2026-01", *MONTHS[1:], "2027-01"]:
            want = rules.due_for_month(
                month=month,
                payroll_from=enrolled.payroll_from,
                start_month=enrolled.start_month,
                end_month=end,
                current_amount=enrolled.monthly_amount,
                changes=facts,
            )
            got = _sql_due(enrolled, month)
            if want.paid:
                assert got == (want.amount, want.change_id), (month, history)
            else:
                assert got is None, (month, history)
    finally:
        transaction.savepoint_rollback(sid)
