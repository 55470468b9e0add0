"""The dashboard in Chromium (R21): every chart drawn from the embedded series and none empty,
a screenshot kept in test-artifacts/dashboard/, a click on a chart's bar opens its list with the
bar's count, and at 390 px the charts shrink with the page (no horizontal scrolling)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jiuzhu.dashboard.refresh import dashboard_refresh
from tests.conftest import PASSWORD
from tests.integration.service_world import World
from tests.integration.test_dashboard import THIS, enrol
from tests.integration.test_service_guards import _clue, _item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "dashboard"

# Every chart's series, as ECharts holds it: a chart is empty when no point has a value > 0.
CHART_VALUES = """() => [...document.querySelectorAll('.chart[data-chart]')].map(el => {
  const chart = echarts.getInstanceByDom(el);
  const series = chart ? chart.getOption().series : [];
  const values = series.flatMap(s => s.data.map(d => {
    const v = d !== null && typeof d === 'object' && 'value' in d ? d.value : d;
    return Array.isArray(v) ? Math.max(...v) : v;
  }));
  return {name: el.dataset.chart, canvas: !!el.querySelector('canvas'),
          points: values.filter(v => v !== null && v !== undefined && Number(v) > 0).length};
})"""


def _poverty_snapshot(world, settings, tmp_path) -> None:
    from jiuzhu.crosscheck.models import RegistrySnapshot
    from jiuzhu.crosscheck.snapshot_store import write_atomic

    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snapshots"
    own = world.places["own"]
    paid = enrol(world, own, start=THIS.add(-1))
    rows = [
        {
            "row_no": 2 + n,
            "id_number": world.id_numbers[person.pk],
            "id_status": "valid",
            "name": person.name,
            "name_norm": person.name,
            "household_no": f"P{n}",
            "monitoring_type": "edge",
            "risk_status": "open",
        }
        for n, person in enumerate([paid.household.members.first(), *_unpaid_heads(world, own)])
    ]
    write_atomic(settings.JIUZHU_SNAPSHOT_DIR / "poverty.parquet", "poverty", rows)
    RegistrySnapshot.objects.create(
        county=own.county,
        kind="poverty",
        as_of=THIS.first_day,
        file_name="poverty.csv",
        file_sha256="0" * 64,
        parquet_path="poverty.parquet",
        uploaded_by=own.county_admin,
        status="active",
    )


def _unpaid_heads(world, place) -> list:
    return [world.household(place).members.get(relation="self") for _ in range(2)]


@pytest.fixture
def world(regions, tmp_path, settings):
    from jiuzhu.payments.models import Recovery

    settings.JIUZHU_JOBS_INLINE = True
    w = World(regions, tmp_path)
    own, other = w.places["own"], w.places["other_township"]
    for place, start in [(own, 30), (own, 14), (own, 4), (other, 9), (other, 20)]:
        enrol(w, place, start=THIS.add(-start), members=2 + start % 3)
    enrol(w, own, start=THIS.add(-18), end=THIS.add(-6))
    for status in ("accepted", "accepted", "investigating", "draft"):
        w.case(own, status)
    w.finding(own, "raised")
    w.finding(other, "confirmed")
    _clue(own, status="registered")
    _clue(other, status="assigned", is_overdue=True)
    _item(own)
    Recovery.objects.create(
        county=own.county,
        township=own.township,
        village=own.village,
        household=w.household(own),
        cause="other",
        amount="120.00",
        created_by=own.county_admin,
    )
    _poverty_snapshot(w, settings, tmp_path)
    dashboard_refresh(actor=w.actors["county_admin"])
    return w


def _open(page, live_server, login, user, width: int):
    page.set_viewport_size({"width": width, "height": 900})
    login(user.username, PASSWORD)
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_selector("body[data-charts-ready]")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)


def test_every_chart_is_drawn_and_a_bar_opens_its_list(page, live_server, login, world):
    _open(page, live_server, login, world.actors["county_admin"], 1366)
    page.screenshot(path=str(ARTEFACTS / "dashboard.png"), full_page=True)
    charts = page.evaluate(CHART_VALUES)
    names = {c["name"] for c in charts}
    assert names >= {
        "households",
        "persons",
        "amount",
        "townships",
        "applications",
        "findings",
        "clues",
        "rectifications",
        "recoveries",
        "coverage",
        "villages",
    }
    empty = [c["name"] for c in charts if not c["canvas"] or c["points"] == 0]
    assert not empty, f"空白图表：{empty}"
    assert page.locator("#missing").count() == 0  # every month generated

    # click the applications chart's first bar where ECharts drew it (the locator scrolls to it)
    first = page.evaluate(
        """() => {
      const el = document.querySelector('.chart[data-chart=applications]');
      const chart = echarts.getInstanceByDom(el);
      const bar = chart.getOption().series[0].data[0];
      const [x, y] = chart.convertToPixel({seriesIndex: 0}, [0, bar.value / 2]);
      return {x: x, y: y, count: bar.value, url: bar.url};
    }"""
    )
    page.locator(".chart[data-chart=applications]").click(
        position={"x": first["x"], "y": first["y"]}
    )
    page.wait_for_url(lambda url: url.endswith(first["url"]))
    rows = page.locator("#queue tbody tr:not(:has(td[colspan]))").count()
    assert rows == first["count"] > 0


def test_a_township_on_a_phone_sees_its_charts_without_scrolling_sideways(
    page, live_server, login, world
):
    _open(page, live_server, login, world.actors["township_officer"], 390)
    page.screenshot(path=str(ARTEFACTS / "dashboard-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    widths = page.evaluate(
        "[...document.querySelectorAll('.chart canvas')].map(c => c.getBoundingClientRect().right)"
    )
    assert widths and max(widths) <= 390
    charts = page.evaluate(CHART_VALUES)
    assert "townships" not in {c["name"] for c in charts}  # one township: no township chart
    assert page.locator("#region").count() == 0  # no picker of other townships
