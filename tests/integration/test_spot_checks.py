"""R3: the county draws ≥30% of confirmed cases at random, reproducibly from the stored seed,
plus every mandatory case; a failed visit reopens the case."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jiuzhu.cases import spot_checks
from jiuzhu.cases.models import Application
from jiuzhu.cases.workflow import Status
from jiuzhu.core.errors import PermissionDenied, ValidationFailed
from jiuzhu.programmes.models import Programme
from tests.conftest import TOWNSHIP_A


@pytest.fixture
def confirmed_cases(users, make_household):
    programme = Programme.objects.get(code="dibao_rural")
    today = timezone.localdate()
    cases = []
    for i in range(20):
        h = make_household(TOWNSHIP_A, size=1, head_name=f"龙{i}")
        cases.append(
            Application.objects.create(
                number=f"T{i:04d}",
                household=h,
                programme=programme,
                county_id=h.county_id,
                township_id=h.township_id,
                village_id=h.village_id,
                status=Status.ENROLLED,
                created_by=users["village_a"],
                decided_on=today - timedelta(days=i % 10),
                kin_registered=(i == 3),
                has_complaint=(i == 7),
                supporter_incapable_claim=(i == 11),
            )
        )
    return cases


def test_draw_is_reproducible_and_contains_every_mandatory_case(users, make_user, confirmed_cases):
    reviewer = make_user("reviewer", "county_reviewer", "433123000000")
    today = timezone.localdate()
    draw = spot_checks.spot_check_draw(
        actor=reviewer, period_start=today - timedelta(days=30), period_end=today, seed=12345
    )
    selected = set(draw.selected_ids)
    assert {confirmed_cases[i].pk for i in (3, 7, 11)} <= selected
    assert len(selected) >= 6  # ceil(0.3 × 20)
    assert tuple(sorted(selected)) == spot_checks.redraw(draw)
    assert any("12345" in line for line in draw.lines)
    again = spot_checks.spot_check_draw(
        actor=reviewer, period_start=today - timedelta(days=30), period_end=today, seed=12345
    )
    assert again.selected_ids == draw.selected_ids
    reasons = {v.application_id: v.reasons for v in draw.visits.all()}
    assert "kin" in reasons[confirmed_cases[3].pk] and "complaint" in reasons[confirmed_cases[7].pk]


def test_failed_visit_reopens_the_case(users, make_user, confirmed_cases):
    reviewer = make_user("reviewer", "county_reviewer", "433123000000")
    today = timezone.localdate()
    draw = spot_checks.spot_check_draw(
        actor=reviewer, period_start=today - timedelta(days=30), period_end=today, seed=7
    )
    visit = draw.visits.get(application=confirmed_cases[3])
    spot_checks.spot_check_record(
        actor=reviewer,
        visit_id=visit.pk,
        passed=False,
        findings="家中新购小汽车一辆，收入明显高于申报",
    )
    assert Application.objects.get(pk=confirmed_cases[3].pk).status == Status.REOPENED
    other = draw.visits.exclude(pk=visit.pk).first()
    spot_checks.spot_check_record(
        actor=reviewer, visit_id=other.pk, passed=True, findings="情况属实"
    )
    assert Application.objects.get(pk=other.application_id).status == Status.ENROLLED


def test_only_county_draws_and_not_below_thirty_percent(users, make_user, confirmed_cases):
    reviewer = make_user("reviewer", "county_reviewer", "433123000000")
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        spot_checks.spot_check_draw(actor=users["officer_a"], period_start=today, period_end=today)
    with pytest.raises(ValidationFailed, match="30%"):
        spot_checks.spot_check_draw(
            actor=reviewer,
            period_start=today - timedelta(days=30),
            period_end=today,
            fraction=Decimal("0.2"),
        )


def test_spot_check_pages(client, users, make_user, confirmed_cases):
    reviewer = make_user("reviewer", "county_reviewer", "433123000000")
    client.force_login(users["officer_a"])
    assert client.get("/spot-checks/").status_code == 404
    client.force_login(reviewer)
    today = timezone.localdate()
    response = client.post(
        "/spot-checks/",
        {
            "period_start": str(today - timedelta(days=30)),
            "period_end": str(today),
            "fraction": "0.30",
            "seed": "99",
        },
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "<code>99</code>" in page and "结果一致" in page and "近亲属备案" in page
    visit = confirmed_cases[7].spot_checks.get()
    client.post(f"/spot-checks/visits/{visit.pk}/", {"result": "failed", "findings": "收入不实"})
    assert Application.objects.get(pk=confirmed_cases[7].pk).status == Status.REOPENED


def test_a_visit_is_dated_after_the_draw_and_a_late_one_gives_its_reason(
    users, make_user, confirmed_cases
):
    reviewer = make_user("reviewer", "county_reviewer", "433123000000")
    today = timezone.localdate()
    draw = spot_checks.spot_check_draw(
        actor=reviewer, period_start=today - timedelta(days=30), period_end=today, seed=7
    )
    visit = draw.visits.first()
    with pytest.raises(ValidationFailed, match="抽查入户核查日期不能早于"):
        spot_checks.spot_check_record(
            actor=reviewer,
            visit_id=visit.pk,
            passed=True,
            findings="情况属实",
            visited_on=today - timedelta(days=1),
            late_reason="补录",
        )
    with pytest.raises(ValidationFailed, match="不能填写将来的日期"):
        spot_checks.spot_check_record(
            actor=reviewer,
            visit_id=visit.pk,
            passed=True,
            findings="情况属实",
            visited_on=today + timedelta(days=1),
        )
    visit.refresh_from_db()
    assert visit.result == "pending" and visit.visited_on is None
    recorded = spot_checks.spot_check_record(
        actor=reviewer, visit_id=visit.pk, passed=True, findings="情况属实", visited_on=today
    )
    assert recorded.visited_on == today and recorded.late_reason == ""


def test_spot_check_forms_keep_what_was_typed_and_rows_link_to_their_case(
    client, make_user, confirmed_cases
):
    reviewer = make_user("reviewer", "county_reviewer", "433123000000")
    client.force_login(reviewer)
    today = timezone.localdate()
    start = today - timedelta(days=30)
    refused = client.post(
        "/spot-checks/",
        {"period_start": str(start), "period_end": str(today), "fraction": "abc", "seed": "12"},
    ).content.decode()
    assert "请正确填写抽查期间" in refused
    assert f'value="{start.isoformat()}"' in refused and 'value="abc"' in refused
    assert 'value="12"' in refused
    draw = spot_checks.spot_check_draw(actor=reviewer, period_start=start, period_end=today, seed=7)
    visit = draw.visits.select_related("application").first()
    detail = client.get(f"/spot-checks/{draw.pk}/").content.decode()
    assert f'href="/cases/{visit.application_id}/"' in detail
    # a visit dated before the draw is refused; the row keeps the findings, date and result
    early = (today - timedelta(days=1)).isoformat()
    page = client.post(
        f"/spot-checks/visits/{visit.pk}/",
        {"result": "failed", "findings": "收入不实待查", "visited_on": early, "late_reason": "补"},
    ).content.decode()
    assert "抽查入户核查日期不能早于" in page
    assert 'value="收入不实待查"' in page and f'value="{early}"' in page
    assert '<option value="failed" selected>' in page
