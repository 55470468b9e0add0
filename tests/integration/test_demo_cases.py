"""The demo's applications are made through the real services and leave a verifiable trail."""

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
    assert audit.verify()[1] is None
