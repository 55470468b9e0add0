"""Benchmark of the dashboard (issue 18: "charts render in under a second on the demo county").

In one run (``bash benchmarks/run.sh dashboard [--households N] [--loads L]``), on PostgreSQL:

  1. build the demo county (``jiuzhu demo --no-serve``, default 20,000 households);
  2. the refresh job: every stored month removed, then the first refresh (24 months) timed, then
     a second one (only the current month: closed months are computed once); the floor, in the
     same run: the roster's own due-for-month SQL (payments.roster.due_for_county) for the 25
     months the refresh reads, bare;
  3. the server: ``dashboard_series`` for the county administrator (median of 20) and the whole
     page through Django's test client (median of 20);
  4. the page in Chromium: ``jiuzhu serve`` (the run's settings, no worker) in a child process,
     the county administrator loads /dashboard/ L times (default 10); per load, the time from
     navigation start until every chart is drawn (the page's body[data-charts-ready]) and the
     drawing alone (body[data-charts-ms]).

Prints one JSON document (also written to benchmarks/out/dashboard-YYYYMMDD-HHMM.json).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from bench_portal import free_port, log  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

DEMO_PASSWORD = "Jiuzhu-Demo-2026"


def median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 1)


def refresh_figures(county) -> dict:
    from django.utils import timezone

    from jiuzhu.accounts.system import system_actor
    from jiuzhu.core.month import Month
    from jiuzhu.dashboard.models import SeriesMonth
    from jiuzhu.dashboard.refresh import dashboard_refresh
    from jiuzhu.dashboard.rules import months_back
    from jiuzhu.payments.roster import due_for_county

    actor = system_actor("scheduler")
    SeriesMonth.objects.filter(county=county).delete()
    t0 = time.perf_counter()
    first = dashboard_refresh(actor=actor, county_id=county.pk, inline=True)
    first_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = dashboard_refresh(actor=actor, county_id=county.pk, inline=True)
    again_s = time.perf_counter() - t0
    current = Month.of(timezone.localdate())
    t0 = time.perf_counter()
    for month in [str(current.add(-24)), *months_back(current, 24)]:
        due_for_county(county=county, month=month)
    floor_s = time.perf_counter() - t0
    return {
        "first_refresh_24_months_s": round(first_s, 2),
        "first_message": first.message,
        "second_refresh_s": round(again_s, 2),
        "second_message": again.message,
        "floor_due_sql_25_months_s": round(floor_s, 2),
    }


def server_figures(admin) -> dict:
    from jiuzhu.dashboard.services import dashboard_series

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    page = client.get("/dashboard/")
    assert page.status_code == 200 and b"dashboard-series" in page.content
    return {
        "dashboard_series_ms": median_ms(lambda: dashboard_series(actor=admin), 20),
        "page_render_ms": median_ms(lambda: client.get("/dashboard/"), 20),
        "page_bytes": len(page.content),
    }


def browser_figures(loads: int) -> dict:
    from playwright.sync_api import sync_playwright

    port = free_port()
    # the run's own settings (test: the demo's keys, DEBUG off): production would ask the demo
    # accounts for their second factor
    env = dict(os.environ, JIUZHU_VAR_DIR=str(ROOT / "benchmarks/out/dashboard-var"))
    server = subprocess.Popen(
        [sys.executable, "-m", "jiuzhu.cli", "serve", "--port", str(port), "--no-worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(ROOT / "benchmarks/out/dashboard-server.log").open("ab"),
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait(port, server)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(locale="zh-CN", viewport={"width": 1366, "height": 900})
            page.goto(base + "/accounts/login/")
            page.fill("#id_username", "county-admin")
            page.fill("#id_password", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            ready, drawn = [], []
            for _ in range(loads):
                page.goto(base + "/dashboard/")
                page.wait_for_selector("body[data-charts-ready]")
                ready.append(page.evaluate("performance.now()"))
                drawn.append(int(page.evaluate("document.body.dataset.chartsMs")))
            charts = int(page.evaluate("document.body.dataset.chartsReady"))
            browser.close()
    finally:
        server.terminate()
        server.wait(30)
    return {
        "charts": charts,
        "loads": loads,
        "ready_since_navigation_ms_median": round(statistics.median(ready)),
        "ready_since_navigation_ms_max": round(max(ready)),
        "charts_drawn_ms_median": statistics.median(drawn),
    }


def _wait(port: int, server) -> None:
    import socket

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("the server stopped: see dashboard-server.log") from None
            time.sleep(0.3)
    raise RuntimeError("the server did not start within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20000)
    parser.add_argument("--loads", type=int, default=10)
    args = parser.parse_args()
    from jiuzhu.accounts.models import User
    from jiuzhu.regions.models import Region

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("jiuzhu_demo", households=args.households, no_serve=True)
    log(f"demo county built in {time.perf_counter() - started:.0f} s")
    county = Region.objects.get(code="433123000000")
    admin = User.objects.get(username="county-admin")
    result = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_before": os.getloadavg()[0],
        "households": args.households,
        "refresh": refresh_figures(county),
        "server": server_figures(admin),
        "browser": browser_figures(args.loads),
    }
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    out = ROOT / "benchmarks/out" / f"dashboard-{time.strftime('%Y%m%d-%H%M')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
