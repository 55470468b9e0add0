"""Twenty concurrent confirmations of one case: exactly one confirmation and one enrolment; the
other nineteen get a clear conflict message (row lock + compare-and-set)."""

import threading

import pytest
from django.db import connection, connections

from jiuzhu.cases import services
from jiuzhu.cases.models import CaseEvent
from jiuzhu.cases.workflow import Status
from jiuzhu.core.errors import Conflict
from jiuzhu.payments.models import Enrolment
from tests.conftest import TOWNSHIP_A
from tests.integration.case_steps import applied
from tests.integration.test_cases_workflow import take_to_township_review

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff(users, make_user, regions):
    from jiuzhu.programmes.seed import seed_county_defaults

    seed_county_defaults(county=regions["433123000000"])
    return {
        **users,
        "officer_a2": make_user("officer-a2", "township_officer", TOWNSHIP_A),
        "head_a": make_user("head-a", "township_head", TOWNSHIP_A),
    }


def test_twenty_concurrent_confirmations(staff, make_household):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL feature; CI runs this on PostgreSQL")
    app = services.application_register(
        actor=staff["village_a"],
        household_id=make_household(TOWNSHIP_A).pk,
        programme_code="dibao_rural",
        reason="申请",
        **applied(),
    )
    take_to_township_review(app, staff)
    start = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def confirm():
        try:
            start.wait()
            services.application_confirm(
                actor=staff["head_a"], application_id=app.pk, reason="同意"
            )
            result = "ok"
        except Conflict as exc:
            result = "conflict:" + exc.message
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=confirm) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert outcomes.count("ok") == 1, outcomes
    conflicts = [o for o in outcomes if o.startswith("conflict:")]
    assert len(conflicts) == 19
    assert all("不能执行" in c or "已被他人处理" in c for c in conflicts)
    assert Enrolment.objects.filter(application=app).count() == 1
    assert CaseEvent.objects.filter(application=app, to_status=Status.CONFIRMED).count() == 1
