"""Issue 15: every page usable on a 390 px phone (village assistants work on phones).

Every named page of the URL list (django.urls.get_resolver()) is opened at 390 × 844 by a user
who may see it: a page without arguments is visited automatically; a page with arguments is
filled from the objects built here (VISIT) or skipped with its reason (SKIP); a route that is in
neither fails the test, so a new page cannot be forgotten. On each page: no horizontal scrolling
(`scrollWidth <= 390`), no label squeezed to one character per line, and the menu collapsed
behind its 菜单 button, which opens it with 退出 inside the screen. A full-page screenshot of
each page is kept in test-artifacts/phone/ (git-ignored), and a few pages at 1366 px in
test-artifacts/desktop/, where the menu must stay expanded as before.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Routes that are not pages a person opens, with the reason. Arg-less ones are checked below to
# still be what this says (a POST-only address answers GET with 405, a download is no HTML page).
POST = "POST only: a form's action, answers GET with 405"
DOWNLOAD = "a file download (Excel, CSV, template, attachment), not an HTML page"
JSON = "the JSON API for other agencies (API key, no session), not an HTML page"
SKIP: dict[str, str] = {
    "accounts:logout": POST,
    "reports:seal": POST,
    "reports:export": DOWNLOAD,
    "reports:trace_export": DOWNLOAD,
    "registry:household_export": DOWNLOAD,
    "registry:person_reveal": POST,
    "registry:import_template": DOWNLOAD,
    "registry:import_errors": DOWNLOAD,
    "registry:import_commit": POST,
    "registry:import_discard": POST,
    "cases:act": POST,
    "programmes:delegation_add": "a form's action; GET redirects to the standards page",
    "programmes:setting_add": "a form's action; GET redirects to the standards page",
    "programmes:add_on_add": "a form's action; GET redirects to the standards page",
    "programmes:tier_add": "a form's action; GET redirects to the standards page",
    "programmes:care_rate_add": "a form's action; GET redirects to the standards page",
    "programmes:dibao_mode_set": "a form's action; GET redirects to the standards page",
    "programmes:dibao_tier_add": "a form's action; GET redirects to the standards page",
    "spotchecks:visit": POST,
    "snapshots:template": DOWNLOAD,
    "snapshots:problems": DOWNLOAD,
    "snapshots:commit": POST,
    "snapshots:discard": POST,
    "crosscheck:finding_attachment": DOWNLOAD,
    "audit:export": DOWNLOAD,
    "crosscheck:finding_step": POST,
    "payments:roster_export": DOWNLOAD,
    "payments:change_approve": POST,
    "payments:change_return": POST,
    "payments:adjustment_apply": POST,
    "payments:adjustment_export": DOWNLOAD,
    "payments:payroll_job": "an htmx fragment (a job's progress) polled inside the payroll page",
    "payments:payroll_approve": POST,
    "payments:payroll_release": POST,
    "payments:payroll_lines_export": DOWNLOAD,
    "payments:bank_file": DOWNLOAD,
    "payments:bank_result_upload": POST,
    "payments:bank_reconciliation_export": DOWNLOAD,
    "payments:bank_line_reissue": POST,
    "payments:recovery_pay": POST,
    "payments:recovery_write_off": POST,
    "payments:review_done": POST,
    "payments:referral_new": POST,
    "payments:referral_done": POST,
    "sysadmin:user_password": POST,
    "sysadmin:user_action": POST,
    "sysadmin:holiday_add": POST,
    "sysadmin:holiday_remove": POST,
    "sysadmin:holiday_paste": POST,
    "sysadmin:holiday_confirm": POST,
    "clues:export": DOWNLOAD,
    "clues:step": POST,
    "clues:ledger_export": DOWNLOAD,
    "clues:ledger_step": POST,
    "clues:ledger_attachment": DOWNLOAD,
    "clues:typical_add": POST,
    "clues:typical_remove": POST,
    "clues:typical_submit": POST,
    "clues:typical_export": DOWNLOAD,
    "clues:typical_text": DOWNLOAD,
    # the JSON API (tests/integration/test_api*.py)
    "api:v1:api-root": JSON,
    "api:v1:openapi-json": JSON,
    "api:v1:roster": JSON,
    "api:v1:snapshot_push": JSON,
    "api:v1:snapshot_get": JSON,
    "api:v1:snapshot_commit": JSON,
    "api:v1:forms": JSON,
    "api:v1:form_figures": JSON,
    "api:v1:dashboard": JSON,
    "apikeys:key_revoke": POST,
    "dashboard:refresh": POST,
}

# Who opens a page: the county administrator unless named here (the township officer for the
# township's daily pages, finance for payroll and the bank, the inspector for the audit trail).
OFFICER, FINANCE, INSPECTOR, COUNTY = (
    "township_officer",
    "finance",
    "inspector",
    "county_admin",
)
# The public portal (/gongkai/): opened without logging in, in its own layout (no staff menu).
PUBLIC = "public"
ROLE_OF: dict[str, str] = {
    "registry:household_list": OFFICER,
    "registry:household_new": OFFICER,
    "registry:import_upload": OFFICER,
    "cases:queue": OFFICER,
    "cases:register": OFFICER,
    "cases:kin_list": OFFICER,
    "cases:appraisals": OFFICER,
    "payments:roster": OFFICER,
    "payments:change_list": OFFICER,
    "payments:review_queue": OFFICER,
    "payments:payroll_list": FINANCE,
    "audit:list": INSPECTOR,
    "audit:verify": INSPECTOR,
    "disclosure:index": PUBLIC,
    "clues:list": OFFICER,
    "clues:new": OFFICER,
    "clues:ledger": OFFICER,
    "clues:ledger_new": OFFICER,
}

# Pages with arguments: the role and the URL's arguments from the objects built by `world`.
Fill = Callable[[dict], dict]
VISIT: dict[str, tuple[str, Fill]] = {
    "registry:household_detail": (OFFICER, lambda o: {"pk": o["household"].pk}),
    "registry:household_registered": (OFFICER, lambda o: {"pk": o["household"].pk}),
    "registry:household_edit": (OFFICER, lambda o: {"pk": o["household"].pk}),
    "registry:income_new": (OFFICER, lambda o: {"pk": o["household"].pk}),
    "registry:asset_new": (OFFICER, lambda o: {"pk": o["household"].pk}),
    "registry:person_edit": (OFFICER, lambda o: {"pk": o["person"].pk}),
    "registry:import_preview": (OFFICER, lambda o: {"pk": o["batch"].pk}),
    "cases:detail": (OFFICER, lambda o: {"pk": o["case"].pk}),
    "cases:print_investigation": (OFFICER, lambda o: {"pk": o["case"].pk}),
    "cases:print_refusal": (OFFICER, lambda o: {"pk": o["refused"].pk}),
    "cases:print_incomplete_notice": (OFFICER, lambda o: {"pk": o["case"].pk}),
    "cases:print_acceptance": (OFFICER, lambda o: {"pk": o["confirmed"].pk}),
    "cases:print_approval": (OFFICER, lambda o: {"pk": o["confirmed"].pk}),
    "cases:print_confirmation": (OFFICER, lambda o: {"pk": o["confirmed"].pk}),
    "cases:print_notice": (OFFICER, lambda o: {"village_id": o["village"].pk}),
    "registry:household_publication": (COUNTY, lambda o: {"pk": o["household"].pk}),
    "disclosure:village": (PUBLIC, lambda o: {"code": o["village"].code}),
    "disclosure:notices": (PUBLIC, lambda o: {"code": o["village"].code}),
    "disclosure:village_print": (PUBLIC, lambda o: {"code": o["village"].code}),
    "cases:print_appraisals": (
        OFFICER,
        lambda o: {"village_id": o["village"].pk, "year": o["today"].year, "month": 1},
    ),
    "audit:user": (INSPECTOR, lambda o: {"user_id": o["officer"].pk}),
    "audit:household": (INSPECTOR, lambda o: {"household_id": o["household"].pk}),
    "audit:anchor_print": (INSPECTOR, lambda o: {"pk": o["anchor"].pk}),
    "spotchecks:detail": (COUNTY, lambda o: {"pk": o["draw"].pk}),
    "snapshots:detail": (COUNTY, lambda o: {"pk": o["snapshot"].pk}),
    "crosscheck:run_detail": (COUNTY, lambda o: {"pk": o["finding"].run_id}),
    "crosscheck:finding_detail": (OFFICER, lambda o: {"pk": o["finding"].pk}),
    "payments:roster_village_print": (OFFICER, lambda o: {"village_id": o["village"].pk}),
    "payments:household": (OFFICER, lambda o: {"household_id": o["enrolment"].household_id}),
    "payments:change_new": (OFFICER, lambda o: {"enrolment_id": o["enrolment"].pk}),
    "payments:change_detail": (COUNTY, lambda o: {"change_id": o["change"].pk}),
    "payments:change_print": (OFFICER, lambda o: {"change_id": o["change"].pk}),
    "payments:adjustment_detail": (COUNTY, lambda o: {"adjustment_id": o["adjustment"].pk}),
    "payments:payroll_detail": (FINANCE, lambda o: {"pk": o["line"].payroll_id}),
    "payments:payroll_line_trace": (FINANCE, lambda o: {"pk": o["line"].pk}),
    "payments:bank_payroll": (FINANCE, lambda o: {"pk": o["line"].payroll_id}),
    "payments:recovery_detail": (COUNTY, lambda o: {"pk": o["recovery"].pk}),
    "payments:recovery_death_new": (OFFICER, lambda o: {"person_id": o["person"].pk}),
    "payments:exit_notice": (OFFICER, lambda o: {"change_id": o["stop"].pk}),
    "sysadmin:user_detail": (COUNTY, lambda o: {"pk": o["officer"].pk}),
    "sysadmin:holidays_year": (COUNTY, lambda o: {"year": o["today"].year + 1}),
    "clues:detail": (OFFICER, lambda o: {"pk": o["clue"].pk}),
    "clues:reply_print": (OFFICER, lambda o: {"pk": o["clue"].pk}),
    "clues:ledger_detail": (COUNTY, lambda o: {"pk": o["ledger_item"].pk}),
    "apikeys:key_detail": (COUNTY, lambda o: {"pk": o["api_key"].pk}),
    "reports:form": (COUNTY, lambda o: {"code": "governance_monthly"}),
    "reports:trace": (COUNTY, lambda o: {"code": "assistance_monthly"}),
}

# Arg-less pages that need a query string to show their form.
QUERY: dict[str, Callable[[dict], str]] = {
    "cases:register": lambda o: f"?household={o['household'].pk}",
    "reports:trace": lambda o: "?row=total&col=all.a",
}

# The home page, whatever it renders, for each role that works on a phone or at a desk.
HOME_ROLES = ("village_assistant", OFFICER, COUNTY, FINANCE, INSPECTOR)
# Pages seen at 1366 px too, where the menu stays expanded.
DESKTOP_PAGES = ("registry:household_list", "payments:roster", "cases:detail")


def routes() -> dict[str, bool]:
    """Every named route of the URL list → whether it takes arguments."""
    found: dict[str, bool] = {}

    def walk(patterns, namespace: str | None, has_args: bool):
        for p in patterns:
            args = has_args or bool(p.pattern.converters) or "(?P<" in str(p.pattern)
            if isinstance(p, URLResolver):
                ns = p.namespace
                walk(p.url_patterns, f"{namespace}:{ns}" if namespace and ns else ns, args)
            elif isinstance(p, URLPattern) and p.name:
                found[f"{namespace}:{p.name}" if namespace else p.name] = args

    walk(get_resolver().url_patterns, None, False)
    return found


def pages() -> list[tuple[str, str]]:
    """(route name, role) of every page to open; fails on a route neither visited nor skipped."""
    all_routes = routes()
    stale = (set(SKIP) | set(VISIT) | set(ROLE_OF)) - set(all_routes)
    assert not stale, f"这些地址已不在路由表中，请从 test_phone 的清单删去：{sorted(stale)}"
    both = set(SKIP) & set(VISIT)
    assert not both, f"既访问又跳过：{sorted(both)}"
    forgotten = sorted(
        name for name, has_args in all_routes.items() if has_args and name not in SKIP | VISIT
    )
    assert not forgotten, (
        f"新页面需要参数，请在 test_phone.VISIT 中填写参数或在 SKIP 中说明原因：{forgotten}"
    )
    out = []
    for name, has_args in all_routes.items():
        if name in SKIP:
            continue
        role = VISIT[name][0] if has_args else ROLE_OF.get(name, COUNTY)
        out.append((name, role))
    return out


def test_every_route_is_visited_or_skipped_with_a_reason():
    """The page list is complete (runs without a browser, so it fails fast)."""
    listed = pages()
    assert len(listed) >= 40
    assert ("cases:detail", OFFICER) in listed and ("payments:payroll_list", FINANCE) in listed


# --- the data the pages show ---------------------------------------------------------------


def _csv(rows: list[list[str]]) -> bytes:
    return ("\n".join(",".join(r) for r in rows) + "\n").encode("utf-8-sig")


def _household_file(village_code: str) -> bytes:
    header = ["家庭编号", "村（社区）代码", "家庭住址", "与户主关系", "姓名", "身份证号码"]
    good = ["1", village_code, "某村1组", "户主", "新户主", "433123198001010017"]
    bad = ["2", village_code, "某村2组", "户主", "", "433123198001010018"]
    return _csv([[*header, "户籍性质"], [*good, "农业"], [*bad, "农业"]])


@pytest.fixture
def world(regions, tmp_path, settings):
    """One of every object a page with arguments needs, in the county administrator's county
    and the township officer's village, built with the service-guard world's builders."""
    from jiuzhu.accounts.system import system_actor
    from jiuzhu.api.services import api_key_create
    from jiuzhu.core.audit_anchor import anchor_create
    from jiuzhu.crosscheck.snapshot_services import snapshot_preview
    from jiuzhu.payments.models import EnrolmentChange, Recovery
    from jiuzhu.registry.import_services import import_preview
    from tests.integration.bank_world import returned_line
    from tests.integration.payment_builders import computed_adjustment, submitted_change
    from tests.integration.service_world import World

    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snap"
    w = World(regions, tmp_path)
    own = w.places["own"]
    actors = w.actors
    for status in ("draft", "accepted", "investigating", "noticed"):
        w.case(own, status)
    case = w.case(own, "noticed")
    enrolment = w.enrolment(own)
    stop = submitted_change(enrolment, created_by=own.officer, kind="stop")
    EnrolmentChange.objects.filter(pk=stop.pk).update(
        status=EnrolmentChange.Status.APPROVED, effective_month="2026-12"
    )
    household = case.household
    objects = {
        "today": timezone.localdate(),
        "actors": actors,
        "officer": own.officer,
        "village": own.village,
        "household": household,
        "person": household.members.order_by("id").first(),
        "case": case,
        "refused": w.case(own, "refused"),
        "confirmed": w.case(own, "confirmed", township_opinion="同意"),
        "enrolment": enrolment,
        "change": submitted_change(w.enrolment(own), created_by=own.officer),
        "stop": stop,
        "adjustment": computed_adjustment(own.county, created_by=own.county_admin),
        "line": returned_line(w, own),
        "finding": w.finding(own, "raised"),
        "draw": w.spot_check_visit(own).draw,
        "recovery": Recovery.objects.create(
            county=own.county,
            township=own.township,
            village=own.village,
            household=household,
            cause="other",
            amount=Decimal("100.00"),
            created_by=own.county_admin,
        ),
        "batch": import_preview(
            actor=own.officer, file_name="家庭成员.csv", data=_household_file(own.village.code)
        ),
        "snapshot": snapshot_preview(
            actor=own.county_admin,
            kind="death",
            as_of=date(2026, 11, 1),
            source="县公安局",
            file_name="死亡人员.csv",
            data=_csv(
                [["姓名", "公民身份号码", "死亡日期"], ["某某", "433123194111020495", "2025-03-14"]]
            ),
        ),
    }
    objects["anchor"] = anchor_create(made_by="test", actor=system_actor("cli"))
    objects["clue"] = _replied_clue(own, household)
    objects["ledger_item"] = _submitted_item(own, objects["clue"])
    objects["api_key"] = api_key_create(
        actor=own.county_admin,
        agency="省民政厅核对中心",
        regions=[own.county_admin.region],
        scopes=["roster:read"],
    ).key
    return objects


def _submitted_item(place, clue):
    """A ledger entry from the clue with its fix submitted (its page shows the close-out)."""
    from jiuzhu.supervision import rectification

    item = rectification.item_open(
        actor=place.officer,
        source="clue",
        clue_id=clue.pk,
        problem="该户有经商收入仍享受低保",
        measure="停发并追回多领的低保金",
        responsible_id=place.officer.pk,
        deadline_days=10,
    )
    return rectification.item_submit_fix(
        actor=place.officer, item_id=item.pk, note="已停发，追回通知已送达"
    )


def _replied_clue(place, household):
    """A clue about the household, investigated and answered (its page shows every part)."""
    from jiuzhu.supervision import clues

    clue = clues.clue_register(
        actor=place.officer,
        channel="hotline",
        received_on=timezone.localdate(),
        category="wrong_inclusion",
        subject_kind="household",
        household_id=household.pk,
        content="反映该户有经商收入，不符合低保条件",
        complainant_name="王五",
        complainant_phone="13900001111",
    )
    clues.clue_investigate(actor=place.officer, clue_id=clue.pk, notes="入户核实，有个体经营")
    return clues.clue_reply(actor=place.officer, clue_id=clue.pk, reply_text="经核实，已停发。")


# --- the checks on one page ----------------------------------------------------------------

# Elements squeezed so narrow that their text stands one character per line.
SQUEEZED_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll(
      'main th, main td, main label, main .btn, main .nav-link, main .badge, main h1, main h2,'
      + ' main h3, main h4, main h5, main dt, nav .nav-link, nav .navbar-text, nav .navbar-brand')) {
    if (el.offsetParent === null) continue;
    // the element's own text, line by line: one client rect per line of each text node
    let chars = 0;
    const tops = new Set();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      if (!text) continue;
      chars += text.length;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
    }
    if (chars >= 3 && tops.size >= 3 && tops.size >= chars * 0.6)
      out.push(el.tagName + '「' + el.innerText.trim().slice(0, 20) + '」');
  }
  return out.slice(0, 5);
}"""
WIDEST_JS = """() => {
  const vw = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > vw + 1 && r.width > 0) {
      let inside = false;  // inside a box that scrolls on its own: fine
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if ((o === 'auto' || o === 'scroll' || o === 'hidden') && p.getBoundingClientRect().right <= vw + 1) { inside = true; break; }
      }
      if (!inside) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
        + ' →' + Math.round(r.right));
    }
  }
  return out.slice(0, 4);
}"""


def check_phone_page(page, shot: Path, problems: list[str], *, nav: bool = True) -> None:
    """Record what is wrong with the open page at 390 px in `problems`; save its screenshot
    (and, for the home pages, one with the menu open)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"页面宽{width}px，超出390px：{page.evaluate(WIDEST_JS)}")
    squeezed = page.evaluate(SQUEEZED_JS)
    if squeezed:
        problems.append(f"文字被挤成一字一行：{squeezed}")
    page.screenshot(path=str(shot), full_page=True)
    if not nav:
        return
    toggler = page.locator("nav .navbar-toggler")
    links = page.locator("nav .navbar-nav .nav-link")
    logout = page.locator("nav button:has-text('退出')")
    if not toggler.is_visible():
        problems.append("菜单按钮不可见")
        return
    if links.first.is_visible() or logout.is_visible():
        problems.append("菜单未折叠：点按钮前菜单项或退出已可见")
    toggler.click()
    try:
        logout.wait_for(state="visible", timeout=3000)
    except Exception:  # noqa: BLE001 - reported as a problem of the page
        problems.append("点菜单按钮后看不到退出")
        return
    box = logout.bounding_box()
    if box is None or box["x"] < 0 or box["x"] + box["width"] > PHONE["width"]:
        problems.append(f"退出按钮不在屏幕内：{box}")
    if not links.first.is_visible():
        problems.append("点菜单按钮后菜单项仍不可见")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"展开菜单后页面宽{width}px")
    if shot.stem.startswith("home_"):
        page.screenshot(path=str(shot.with_name(f"{shot.stem}_menu.png")), full_page=True)


def check_desktop_page(page, problems: list[str]) -> None:
    if page.locator("nav .navbar-toggler").is_visible():
        problems.append("1366px 下不应出现菜单按钮")
    if not page.locator("nav button:has-text('退出')").is_visible():
        problems.append("1366px 下退出应直接可见")
    if not all(link.is_visible() for link in page.locator("nav .navbar-nav .nav-link").all()):
        problems.append("1366px 下菜单项应全部可见")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > DESKTOP["width"]:
        problems.append(f"1366px 下页面宽{width}px")


def fresh_dir(name: str) -> Path:
    path = ARTEFACTS / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def logged_in(browser, live_server, user, viewport):
    context = browser.new_context(locale="zh-CN", viewport=viewport, reduced_motion="reduce")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/accounts/login/" not in page.url, f"{user.username} 登录失败"
    return context, page


def test_every_page_fits_a_phone(browser, live_server, world):
    started = time.monotonic()
    phone_dir, desktop_dir = fresh_dir("phone"), fresh_dir("desktop")
    actors = world["actors"]
    contexts: dict[str, tuple] = {}

    def page_of(role: str):
        if role not in contexts and role == PUBLIC:  # nobody logs in
            public = browser.new_context(locale="zh-CN", viewport=PHONE)
            contexts[role] = (public, public.new_page())
        elif role not in contexts:
            contexts[role] = logged_in(browser, live_server, actors[role], PHONE)
        return contexts[role][1]

    visits: list[tuple[str, str, str]] = [
        (f"home_{role}", role, "/") for role in HOME_ROLES
    ]  # (shot name, role, path)
    for name, role in pages():
        kwargs = VISIT[name][1](world) if name in VISIT else {}
        query = QUERY[name](world) if name in QUERY else ""
        visits.append((name.replace(":", "_"), role, reverse(name, kwargs=kwargs) + query))

    problems: dict[str, list[str]] = {}
    try:
        # the login page, before anyone logs in
        context = browser.new_context(locale="zh-CN", viewport=PHONE)
        anonymous = context.new_page()
        anonymous.goto(f"{live_server.url}{reverse('accounts:login')}")
        found: list[str] = []
        check_phone_page(anonymous, phone_dir / "accounts_login.png", found, nav=False)
        problems["accounts:login"] = found
        for path, reason in SKIP.items():  # the arg-less skips are what they say they are
            if routes()[path]:
                continue
            response = page_of(COUNTY).request.get(
                f"{live_server.url}{reverse(path)}", max_redirects=0
            )
            kind = response.headers.get("content-type", "")
            expected = (
                response.status == 405
                if reason == POST
                else ("html" not in kind)
                if reason == DOWNLOAD
                else ("application/json" in kind)
                if reason == JSON
                else response.status in (301, 302)
            )
            if not expected:
                problems[path] = [f"跳过的理由不成立：{reason}（{response.status} {kind}）"]
        context.close()

        for shot, role, path in visits:
            if shot == "accounts_login":
                continue
            page = page_of(role)
            found = []
            try:
                response = page.goto(f"{live_server.url}{path}")
            except PlaywrightError as exc:  # a download is no page: list it in SKIP
                problems[f"{shot} ({role} {path})"] = [f"不是页面，请列入 SKIP：{exc.message}"]
                continue
            if response is None or response.status != 200:
                found.append(f"{role} 打开 {path} 得到 {response and response.status}")
            else:
                check_phone_page(page, phone_dir / f"{shot}.png", found, nav=role != PUBLIC)
            if found:
                problems[f"{shot} ({role} {path})"] = found

        desktop, page = logged_in(browser, live_server, actors[OFFICER], DESKTOP)
        for name in DESKTOP_PAGES:
            kwargs = VISIT[name][1](world) if name in VISIT else {}
            page.goto(f"{live_server.url}{reverse(name, kwargs=kwargs)}")
            found = []
            check_desktop_page(page, found)
            page.screenshot(path=str(desktop_dir / f"{name.replace(':', '_')}.png"), full_page=True)
            if found:
                problems[f"desktop {name}"] = found
        desktop.close()
    finally:
        for context, _ in contexts.values():
            context.close()

    problems = {k: v for k, v in problems.items() if v}
    print(
        f"\n{len(visits)} 个页面，用时{time.monotonic() - started:.0f}秒；截图：{phone_dir}、{desktop_dir}"
    )
    assert not problems, "\n".join(f"{k}: {'; '.join(v)}" for k, v in problems.items())
