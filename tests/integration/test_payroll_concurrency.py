"""Concurrent generations of one payroll give one payroll (the unique constraint, waited on by the
second insert), and every run reports it; concurrent approvals make one transition."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from jiuzhu.core.errors import Conflict
from jiuzhu.core.models import JobRun
from jiuzhu.payments.models import Payroll, PayrollLine
from jiuzhu.payments.payroll import ALREADY, payroll_generate
from jiuzhu.payments.payroll_services import payroll_approve
from tests.integration.test_payroll import MONTH, month_world, staff  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def _together(n: int, work) -> list:
    start = threading.Barrier(n)
    outcomes: list = []
    lock = threading.Lock()

    def run():
        try:
            start.wait()
            result = work()
        except Exception as exc:  # recorded, asserted below
            result = exc
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return outcomes


def test_concurrent_generations_make_one_payroll(staff, month_world):  # noqa: F811
    jobs = _together(
        4,
        lambda: payroll_generate(
            actor=staff["county"], month=MONTH, programme_code="dibao_rural", inline=True
        ),
    )
    assert all(isinstance(j, JobRun) for j in jobs), jobs
    assert [j.status for j in jobs] == [JobRun.Status.SUCCEEDED] * 4, [j.message for j in jobs]
    assert Payroll.objects.count() == 1
    payroll = Payroll.objects.get()
    assert {j.result["payroll_id"] for j in jobs} == {payroll.pk}
    assert sum(ALREADY in j.message for j in jobs) == 3
    assert PayrollLine.objects.count() == payroll.line_count == 6


def test_concurrent_approvals_make_one(staff, month_world):  # noqa: F811
    job = payroll_generate(
        actor=staff["county"], month=MONTH, programme_code="dibao_rural", inline=True
    )
    pk = job.result["payroll_id"]
    outcomes = _together(3, lambda: payroll_approve(actor=staff["reviewer"], payroll_id=pk))
    assert sum(isinstance(o, Payroll) for o in outcomes) == 1, outcomes
    assert all(isinstance(o, Conflict) for o in outcomes if not isinstance(o, Payroll))
    assert Payroll.objects.get(pk=pk).status == Payroll.Status.APPROVED
