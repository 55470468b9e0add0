"""典型案例月报 (R20): each case at most 100 characters, only handled sources, the zero report
required when there are none, a submitted report unchangeable, the late flag after the county's
due day, the jurisdiction, and the exports (Word-friendly text and Excel)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.cache import cache
from django.http import Http404
from openpyxl import load_workbook

from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiuzhu.core.models import AuditEntry
from jiuzhu.programmes.catalogue import SettingKey
from jiuzhu.programmes.models import CountySetting
from jiuzhu.supervision import typical
from jiuzhu.supervision.models import TypicalCaseReport
from jiuzhu.supervision.typical_selectors import late_months, month_state

from .service_world import World
from .test_service_guards import _clue, _recovery

pytestmark = pytest.mark.django_db
MONTH = "2026-10"


@pytest.fixture
def world(regions, tmp_path, settings):
    cache.clear()
    settings.VAR_DIR = tmp_path / "var"
    return World(regions, tmp_path)


def _closed_clue(world, place="own"):
    return _clue(world.places[place], status="closed", closed_on=date(2026, 10, 20))


def _add(world, text, *, source_id=None, actor=None, source="clue", month=MONTH):
    return typical.typical_case_add(
        actor=actor or world.actors["county_admin"],
        month=month,
        source=source,
        source_id=source_id or _closed_clue(world).pk,
        text=text,
    )


def test_text_of_101_characters_refused_100_accepted(world):
    with pytest.raises(ValidationFailed, match="当前为101字"):
        _add(world, "案" * 101)
    case = _add(world, "  " + "案" * 100 + "  ")
    assert len(case.text) == 100
    assert AuditEntry.objects.filter(action="typical.add").exists()


def test_only_handled_sources(world):
    open_clue = _clue(world.places["own"])  # registered, not closed
    with pytest.raises(ValidationFailed, match="已办结"):
        _add(world, "某村干部优亲厚友被查处", source_id=open_clue.pk)
    raised = world.finding(world.places["own"], "raised")
    with pytest.raises(ValidationFailed, match="已处置"):
        _add(world, "比对发现死亡未停发", source="finding", source_id=raised.pk)
    acted = world.finding(world.places["own"], "acted")
    assert _add(world, "比对发现死亡未停发，已停发", source="finding", source_id=acted.pk)
    recovery = _recovery(world, world.places["own"])
    assert _add(world, "追回多发低保金100元", source="recovery", source_id=recovery.pk)


def test_zero_report_is_required_when_there_are_no_cases(world):
    admin = world.actors["county_admin"]
    with pytest.raises(ValidationFailed, match="零报告"):
        typical.typical_report_submit(actor=admin, month=MONTH)
    with pytest.raises(ValidationFailed, match="详细说明"):
        typical.typical_report_submit(actor=admin, month=MONTH, zero_report=True)
    report = typical.typical_report_submit(
        actor=admin, month=MONTH, zero_report=True, zero_explanation="本月未查处违规问题"
    )
    assert report.status == TypicalCaseReport.Status.SUBMITTED and report.zero_report
    state = month_state(county=report.county, month=MONTH, today=date(2026, 12, 6))
    assert state.label == "零报告" and not state.late


def test_submitted_report_cannot_change(world):
    admin = world.actors["county_admin"]
    case = _add(world, "某镇工作人员违规为亲属办理低保，已取消并追责")
    typical.typical_report_submit(actor=admin, month=MONTH)
    with pytest.raises(Conflict, match="已报送"):
        _add(world, "再添一个")
    with pytest.raises(Conflict):
        typical.typical_case_remove(actor=admin, case_id=case.pk)
    with pytest.raises(Conflict):
        typical.typical_report_submit(actor=admin, month=MONTH)


def test_remove_from_a_draft(world):
    case = _add(world, "某村错保一户，已停发")
    typical.typical_case_remove(actor=world.actors["county_admin"], case_id=case.pk)
    assert not case.report.cases.exists()


def test_late_after_the_configured_due_day(world):
    county = world.places["own"].county
    # default: due on the 1st of the following month (seed 003)
    assert not month_state(county=county, month=MONTH, today=date(2026, 11, 1)).late
    assert month_state(county=county, month=MONTH, today=date(2026, 11, 2)).late
    assert MONTH in late_months(county=county, today=date(2026, 11, 2))
    CountySetting.objects.create(
        county=county,
        key=SettingKey.TYPICAL_CASE_DUE_DAY,
        value=15,
        effective_from=date(2020, 1, 1),
        created_by=world.actors["county_admin"],
    )
    assert not month_state(county=county, month=MONTH, today=date(2026, 11, 15)).late
    state = month_state(county=county, month=MONTH, today=date(2026, 11, 16))
    assert state.late and state.label == "逾期未报送"
    _add(world, "某镇虚报冒领低保金被追回")
    typical.typical_report_submit(actor=world.actors["county_admin"], month=MONTH)
    assert not month_state(county=county, month=MONTH, today=date(2026, 11, 16)).late


def test_jurisdiction(world, client):
    other_clue = _closed_clue(world, "other_county")
    with pytest.raises(Http404):
        _add(world, "另一县的线索", source_id=other_clue.pk)
    with pytest.raises(PermissionDenied):
        _add(world, "乡镇不能报送", actor=world.actors["township_officer"])
    theirs = _add(
        world,
        "另一县的案例",
        actor=world.places["other_county"].county_admin,
        source_id=other_clue.pk,
    )
    with pytest.raises(Http404):
        typical.typical_case_remove(actor=world.actors["county_admin"], case_id=theirs.pk)
    client.force_login(world.actors["township_officer"])
    assert client.get("/clues/typical/").status_code == 404
    assert client.get(f"/clues/typical/export/?month={MONTH}").status_code == 404
    client.force_login(world.actors["county_admin"])
    page = client.get(f"/clues/typical/?month={MONTH}").content.decode()
    assert "另一县的案例" not in page


def test_page_and_exports_contain_the_cases(world, client):
    _add(world, "某镇低保专干优亲厚友，已给予党内警告处分")
    client.force_login(world.actors["county_admin"])
    page = client.get(f"/clues/typical/?month={MONTH}").content.decode()
    assert "某镇低保专干优亲厚友" in page and "2026年10月典型案例" in page
    assert "典型案例" in client.get("/clues/").content.decode()
    text = client.get(f"/clues/typical/text/?month={MONTH}")
    assert text.content.startswith("\ufeff".encode())
    body = text.content.decode("utf-8-sig")
    assert "1. 某镇低保专干优亲厚友，已给予党内警告处分" in body and "2026年10月" in body
    xlsx = client.get(f"/clues/typical/export/?month={MONTH}")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert ("序号", "来源", "案例简述", "字数") in rows
    assert (1, "问题线索", "某镇低保专干优亲厚友，已给予党内警告处分", 20) in rows
    assert AuditEntry.objects.filter(action="typical.export").count() == 2


def test_forms_add_and_zero_report(world, client):
    clue = _closed_clue(world)
    client.force_login(world.actors["county_admin"])
    page = client.get(f"/clues/typical/?month={MONTH}").content.decode()
    assert f"clue:{clue.pk}" in page
    client.post(
        "/clues/typical/add/", {"month": MONTH, "source": f"clue:{clue.pk}", "text": "案" * 101}
    )
    assert not TypicalCaseReport.objects.filter(month=MONTH, cases__isnull=False).exists()
    client.post(
        "/clues/typical/submit/", {"month": "2026-09", "zero_report": "1", "zero_explanation": "无"}
    )
    assert TypicalCaseReport.objects.get(month="2026-09").status == "submitted"
    assert "零报告" in client.get("/clues/typical/?month=2026-09").content.decode()
