"""The demo's cross-checks: recipients, registry files imported through the real snapshot
services, and a month's run whose findings are the planted ones and not the look-alikes."""

from decimal import Decimal

import pytest
from django.utils import timezone

from jiuzhu.accounts.models import User
from jiuzhu.cases.models import Application
from jiuzhu.core import audit
from jiuzhu.core.models import AuditEntry
from jiuzhu.crosscheck.finding_selectors import findings_for
from jiuzhu.crosscheck.models import CheckRun, Finding, RegistrySnapshot
from jiuzhu.demo.cases_demo import create_demo_cases
from jiuzhu.demo.crosscheck import HOME_TOWNSHIP, create_demo_crosscheck, demo_accounts
from jiuzhu.demo.generator import generate_demo
from jiuzhu.demo.users import create_demo_users
from jiuzhu.payments.models import Enrolment
from jiuzhu.programmes.seed import seed_county_defaults
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Person

pytestmark = pytest.mark.django_db


def test_the_demo_leaves_realistic_findings_for_every_check(tmp_path, settings):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snapshots"
    generate_demo(households=1500, seed=7)
    seed_county_defaults(county=Region.objects.get(code="433123000000"))
    create_demo_users()
    create_demo_cases()  # the 沱江镇 cases come first: numbers and households must not collide
    demo = create_demo_crosscheck(users=demo_accounts(), today=timezone.localdate(), seed=7)
    _recipients_are_written_once_and_audited(demo)
    _deaths_are_found_in_every_linkage_tier_with_an_amount_to_recover(demo)
    _kin_within_the_close_degree_is_flagged_and_the_cousin_is_not(demo)
    _assets_over_the_limits_but_not_the_allowed_ones(demo)
    _missed_inclusion_duplicates_and_rescreening(demo)
    _the_township_officer_sees_findings_of_his_township_only(demo)


def _of(check: str, **kw):
    return Finding.objects.filter(check_code=check, **kw)


def _recipients_are_written_once_and_audited(demo):
    assert demo is not None and demo.findings > 0
    run = CheckRun.objects.get()
    assert run.status == CheckRun.Status.DONE and run.month == demo.month
    assert RegistrySnapshot.objects.filter(status="active").count() == demo.snapshots == 10
    live = Enrolment.objects.filter(status="active", programme__code__startswith="dibao")
    assert live.count() >= 80 and live.filter(township__code=HOME_TOWNSHIP).exists()
    assert Enrolment.objects.filter(status="stopped", end_month__startswith=demo.month[:4]).exists()
    assert (
        Enrolment.objects.filter(
            person__isnull=False, programme__code="extreme_poverty_dispersed"
        ).count()
        >= 2
    )
    assert (
        Application.objects.filter(status="refused", decided_on__year=int(demo.month[:4])).count()
        > 3
    )
    numbers = list(Application.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) and all(n.startswith("SQ") for n in numbers)
    assert AuditEntry.objects.filter(action="demo.generate", new__part="crosscheck").count() == 1
    assert audit.verify()[1] is None
    # only once
    assert create_demo_crosscheck(users=demo_accounts(), today=timezone.localdate()) is None


def _deaths_are_found_in_every_linkage_tier_with_an_amount_to_recover(demo):
    planted = demo.planted
    deaths = _of("death", status=Finding.Status.RAISED)
    assert deaths.count() == sum(
        len(planted[k])
        for k in (
            "death_head",
            "death_typo",
            "death_no_id",
            "death_traditional",
            "death_ep",
            "death_other",
        )
    )
    head = deaths.get(person_id=planted["death_head"][0])
    assert head.tier == "exact" and head.months_paid >= 1 and head.amount_to_recover > Decimal("0")
    assert Person.objects.get(pk=head.person_id).relation == "self"
    assert head.enrolment.members >= 3  # the rest of the family stays covered: a share only
    assert head.amount_to_recover < head.enrolment.monthly_amount * head.months_paid
    assert deaths.get(person_id=planted["death_typo"][0]).tier == "near"
    assert deaths.get(person_id=planted["death_no_id"][0]).tier == "probable"
    assert deaths.get(person_id=planted["death_traditional"][0]).tier == "exact"
    ep = deaths.get(person_id=planted["death_ep"][0])
    assert ep.amount_to_recover == ep.enrolment.monthly_amount * ep.months_paid  # alone: all of it
    # the namesake born ten years earlier in the same village, with no ID, is no finding: at
    # most a question for a person (the review queue), never a payment to stop
    namesake = Finding.objects.filter(person_id__in=planted["namesake_alive"])
    assert set(namesake.values_list("status", flat=True)) <= {Finding.Status.REVIEW}


def _kin_within_the_close_degree_is_flagged_and_the_cousin_is_not(demo):
    planted = demo.planted
    kin = _of("kin")
    assert set(kin.values_list("person_id", flat=True)) == set(planted["kin"])
    assert len(planted["kin"]) == 8
    assert not Finding.objects.filter(person_id__in=planted["cousin"]).exists()
    assert all(f.enrolment.application.kin_registered for f in kin)  # 单独登记备案
    assert set(_of("staff_self").values_list("person_id", flat=True)) == set(planted["cadre_self"])


def _assets_over_the_limits_but_not_the_allowed_ones(demo):
    planted = demo.planted
    assert set(_of("asset_vehicle").values_list("household_id", flat=True)) == set(
        planted["vehicle"]
    )
    assert planted["mobility"], "the demo has a disabled recipient with a mobility vehicle"
    # a disabled member's mobility vehicle alone raises nothing, nor does a small tractor
    assert not Finding.objects.filter(
        household_id__in=planted["mobility"] + planted["small_tractor"],
        check_code__startswith="asset_",
    ).exists()
    assert set(_of("asset_machinery").values_list("household_id", flat=True)) == set(
        planted["machinery"]
    )
    assert set(_of("asset_business").values_list("household_id", flat=True)) == set(
        planted["business"]
    )
    assert not Finding.objects.filter(
        household_id__in=planted["business_closed"] + planted["small_business"]
    ).exists()
    assert set(_of("asset_real_estate").values_list("household_id", flat=True)) == set(
        planted["real_estate"]
    )


def _missed_inclusion_duplicates_and_rescreening(demo):
    planted = demo.planted
    missed = _of("missed")
    monitored = set(missed.values_list("household_id", flat=True)) & set(planted["monitored"])
    assert len(monitored) == len(planted["monitored"]) == 20
    severe = Person.objects.filter(pk__in=planted["severe_disability"])
    assert missed.filter(household_id__in=severe.values("household_id")).count() == severe.count()
    assert missed.filter(household__isnull=True, summary__contains="本系统未登记").count() == 5
    assert "估算" in str(missed.filter(household_id__in=monitored).first().evidence)
    assert _of("dup_programme").get().person_id == planted["ep_duplicate"][0]
    assert set(_of("dup_county").values_list("person_id", flat=True)) == set(planted["neighbour"])
    # employee pensions above the standard are raised; residents' basic pensions never are
    assert set(_of("income_pension").values_list("person_id", flat=True)) == set(planted["pension"])
    assert _of("rescreen_refused").count() > 3 and _of("rescreen_exited").count() > 3


def _the_township_officer_sees_findings_of_his_township_only(demo):
    officer = User.objects.get(username="township-officer")
    mine = findings_for(officer)
    assert mine.count() == demo.home_findings > 0
    assert set(mine.values_list("township__code", flat=True)) == {HOME_TOWNSHIP}
    assert {"death", "kin", "missed"} <= set(mine.values_list("check_code", flat=True))
    other = findings_for(User.objects.get(username="township-officer-b"))
    assert not other.filter(township__code=HOME_TOWNSHIP).exists()
    assert findings_for(User.objects.get(username="inspector")).count() == demo.findings
