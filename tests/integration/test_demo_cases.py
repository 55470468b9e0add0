"""The demo's applications are made through the real services and leave a verifiable trail."""

from django.utils import timezone

from jiuzhu.cases.models import Application
from jiuzhu.core import audit
from jiuzhu.demo.cases_demo import create_demo_cases
from jiuzhu.demo.generator import generate_demo
from jiuzhu.demo.users import create_demo_users
from jiuzhu.payments.models import Enrolment
from jiuzhu.programmes.seed import seed_county_defaults
from jiuzhu.regions.models import Region


def test_demo_cases_cover_the_stages(db):
    generate_demo(households=1500, seed=7)
    seed_county_defaults(county=Region.objects.get(code="433123000000"))
    create_demo_users()
    assert create_demo_cases() == 32
    assert create_demo_cases() == 0  # only once
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {
        "draft",
        "incomplete",
        "accepted",
        "noticed",
        "township_reviewed",
        "enrolled",
        "refused",
    } <= statuses
    assert Enrolment.objects.count() == Application.objects.filter(status="enrolled").count() > 0
    assert Application.objects.filter(kin_registered=True).exists()
    # every step dated in order and none in the future; the backdated ones are 补录 with reason
    today = timezone.localdate()
    for app in Application.objects.prefetch_related("investigations", "verifications"):
        steps = [app.applied_on, app.accepted_on]
        steps += [i.visited_on for i in app.investigations.all()]
        steps += [v.checked_on for v in app.verifications.all()]
        steps += [app.notice_started_on]
        dated = [d for d in steps if d is not None]
        assert dated == sorted(dated) and dated[-1] <= today, app.number
        if (today - app.applied_on).days > 3:
            assert app.late_reasons.get("applied_on"), app.number
    # the amount is known before the notice; an ineligible case went on only with a reason
    for app in Application.objects.exclude(notice_started_on=None):
        assert app.calculation and (app.monthly_amount > 0 or app.continue_reason), app.number
    noticed = Application.objects.filter(status="noticed").first()
    assert (today - noticed.notice_started_on).days < 7  # still on notice
    assert audit.verify()[1] is None
