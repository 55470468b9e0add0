"""The demo tells one consistent story: every case's history is a path through the workflow's
transition table, its steps are dated in order, the cases at the township head's desk are
decided by the system's own calculation as their notes say, and the notes agree with the
household's data."""

from collections import Counter
from datetime import time

import pytest
from django.utils import timezone

from jiuzhu.cases.benefit import calculate
from jiuzhu.cases.models import Application
from jiuzhu.cases.workflow import TRANSITIONS, Action, Status, initial_status
from jiuzhu.demo.case_notes import PROPOSE_INCLUSION, PROPOSE_REFUSAL, refusal_reasons
from jiuzhu.demo.cases_demo import HOME_TOWNSHIP, create_demo_cases
from jiuzhu.demo.crosscheck import create_demo_crosscheck, demo_accounts
from jiuzhu.demo.generator import generate_demo
from jiuzhu.demo.users import create_demo_users
from jiuzhu.programmes.seed import seed_county_defaults
from jiuzhu.regions.models import Region

pytestmark = pytest.mark.django_db


def test_every_demo_case_tells_a_consistent_story(tmp_path, settings):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snapshots"
    generate_demo(households=1500, seed=7)
    seed_county_defaults(county=Region.objects.get(code="433123000000"))
    create_demo_users()
    create_demo_cases()
    create_demo_crosscheck(users=demo_accounts(), today=timezone.localdate(), seed=7)
    apps = list(
        Application.objects.select_related("household", "programme").prefetch_related(
            "events", "investigations", "verifications"
        )
    )
    assert len(apps) > 100  # the 沱江镇 cases and the county's recipients, refused and stopped
    for app in apps:
        _history_is_a_path_in_the_transition_table(app)
        _step_dates_run_forward(app)
    _cases_at_the_decision_step_are_decided_by_the_calculation(apps)
    _notes_agree_with_the_household(apps)
    _history_is_spread_over_office_hours(apps)


def _history_is_a_path_in_the_transition_table(app):
    events = sorted(app.events.all(), key=lambda e: (e.at, e.id))
    assert events, app.number
    first, *moves = events
    assert first.action == Action.REGISTER and first.from_status == "", app.number
    status = Status(first.to_status)
    assert status == initial_status(), app.number
    for event in moves:
        assert event.from_status == status, (app.number, event.action, status)
        target = TRANSITIONS.get((status, Action(event.action)))
        assert target is not None, (app.number, status, event.action)
        allowed = target if isinstance(target, tuple) else (target,)
        assert event.to_status in allowed, (app.number, status, event.action, event.to_status)
        status = Status(event.to_status)
    assert status == app.status, app.number
    # the history reads in the order it was written: re-dating kept every row in its place
    by_id = sorted(events, key=lambda e: e.id)
    assert [e.id for e in events] == [e.id for e in by_id], app.number


def _step_dates_run_forward(app):
    today = timezone.localdate()
    steps = [app.applied_on, app.accepted_on]
    steps += sorted(i.visited_on for i in app.investigations.all())
    steps += sorted(v.checked_on for v in app.verifications.all())
    steps += [app.notice_started_on, app.decided_on]
    dated = [d for d in steps if d is not None]
    assert dated == sorted(dated) and dated[-1] <= today, (app.number, dated)
    days = [timezone.localdate(e.at) for e in sorted(app.events.all(), key=lambda e: e.id)]
    assert days[0] == app.applied_on, app.number
    assert days == sorted(days) and days[-1] <= today, (app.number, days)
    # 登记于: the case page's registration date is the registration row's, before acceptance
    registered = timezone.localdate(app.created_at)
    assert registered == days[0] and (not app.accepted_on or registered <= app.accepted_on)


def _cases_at_the_decision_step_are_decided_by_the_calculation(apps):
    today = timezone.localdate()
    at_decision = [a for a in apps if a.status == Status.TOWNSHIP_REVIEWED]
    outcomes = Counter()
    for app in at_decision:
        result = calculate(app, today)
        notes = app.investigations.all()[0].asset_findings
        if PROPOSE_REFUSAL in app.township_opinion:
            outcomes["ineligible"] += 1
            assert not (result.eligible and result.amount > 0), app.number
            reasons = refusal_reasons(result.lines)
            assert reasons, app.number
            for reason in reasons:  # the notes say why, in the calculation's words
                assert reason in notes and reason in app.township_opinion, (app.number, reason)
            assert PROPOSE_REFUSAL in notes, app.number
        else:
            outcomes["eligible"] += 1
            assert app.township_opinion == PROPOSE_INCLUSION, app.number
            # application_confirm would succeed: it refuses exactly these two conditions
            assert result.eligible and result.amount > 0, (app.number, result.lines)
            assert "不予" not in notes, app.number
    assert outcomes["eligible"] > outcomes["ineligible"] >= 1, outcomes
    for app in apps:
        if app.status == Status.REFUSED and app.investigations.all():
            assert not calculate(app, today).eligible, app.number


def _notes_agree_with_the_household(apps):
    checked = 0
    for app in apps:
        for investigation in app.investigations.all():
            checked += 1
            assets = list(app.household.assets.all())
            notes = investigation.asset_findings
            vehicles = [a for a in assets if a.kind == "vehicle"]
            assert ("无机动车" in notes) == (not vehicles), (app.number, notes)
            deposits = [a for a in assets if a.kind == "deposit"]
            assert ("无银行存款" in notes) == (not deposits), (app.number, notes)
            homes = [a for a in assets if a.kind == "real_estate"]
            assert ("无房产" in notes) == (not homes), (app.number, notes)
            for vehicle in vehicles:
                assert vehicle.description in notes, (app.number, notes)
    assert checked >= 15


def _history_is_spread_over_office_hours(apps):
    today = timezone.localdate()
    home = [
        a for a in apps if a.household.township.code == HOME_TOWNSHIP and a.investigations.all()
    ]
    events = [e for a in home for e in a.events.all()]
    minutes = {timezone.localtime(e.at).replace(second=0, microsecond=0) for e in events}
    assert len(minutes) > 0.8 * len(events)
    assert len({timezone.localdate(e.at) for e in events}) >= 10
    for event in events:
        local = timezone.localtime(event.at)
        if local.date() < today:
            assert time(8, 30) <= local.time() <= time(18, 0), (event.action, local)
            assert local.weekday() < 5 or local.date() in _adjusted_workdays(), local


def _adjusted_workdays():
    from jiuzhu.core.models import HolidayDay

    return set(HolidayDay.objects.filter(is_workday=True).values_list("day", flat=True))
