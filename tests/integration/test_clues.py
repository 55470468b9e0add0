"""问题线索 (R19, R3): the services' rules, jurisdiction, working-day deadlines with 调休, the
daily job, the hand-over's visibility and the public complaint form with its tracking code."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiuzhu.core.models import AuditEntry, HolidayDay, HolidayYear
from jiuzhu.supervision import clues
from jiuzhu.supervision.models import Clue
from tests.conftest import PASSWORD

from .service_world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(regions, tmp_path):
    cache.clear()
    return World(regions, tmp_path)


def _register(world, actor=None, *, place="own", **kw):
    p = world.places[place]
    values = {
        "channel": Clue.Channel.HOTLINE,
        "received_on": timezone.localdate(),
        "category": Clue.Category.WRONG_INCLUSION,
        "subject_kind": Clue.Subject.VILLAGE,
        "content": "反映某户不符合条件仍享受低保",
        "village_id": p.village.pk,
    }
    values.update(kw)
    return clues.clue_register(actor=actor or p.officer, **values)


def _replied(world, clue, actor=None):
    actor = actor or world.actors["township_officer"]
    clues.clue_investigate(actor=actor, clue_id=clue.pk, notes="入户核实")
    return clues.clue_reply(actor=actor, clue_id=clue.pk, reply_text="经核实，已整改。")


def test_number_deadline_and_audit(world):
    clue = _register(world)
    year = timezone.localdate().year
    assert re.fullmatch(rf"XS433123-{year}-0001", clue.number)
    assert _register(world).number.endswith("-0002")
    assert clue.due_days == 15 and clue.due_on > clue.received_on
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", clue.tracking_code)
    assert AuditEntry.objects.filter(action="clue.register", actor=world.places["own"].officer)


def test_close_refused_without_conclusion_and_measures(world):
    officer = world.actors["township_officer"]
    clue = _replied(world, _register(world))
    with pytest.raises(ValidationFailed, match="办理结论"):
        clues.clue_close(actor=officer, clue_id=clue.pk, conclusion="", measures="已整改")
    with pytest.raises(ValidationFailed, match="处理措施"):
        clues.clue_close(actor=officer, clue_id=clue.pk, conclusion="true", measures=" ")
    closed = clues.clue_close(
        actor=officer, clue_id=clue.pk, conclusion="true", measures="停发并追回"
    )
    assert closed.status == Clue.Status.CLOSED and closed.closed_on == timezone.localdate()


def test_only_permitted_roles(world):
    with pytest.raises(PermissionDenied):
        _register(world, world.actors["finance"])
    with pytest.raises(PermissionDenied):
        _register(world, world.actors["system"])  # only the public form acts as a system actor
    clue = _register(world)
    with pytest.raises(PermissionDenied):  # the township does not assign
        clues.clue_assign(
            actor=world.actors["township_officer"],
            clue_id=clue.pk,
            assignee_id=world.actors["township_officer"].pk,
        )
    with pytest.raises(PermissionDenied):
        clues.clue_investigate(actor=world.actors["inspector"], clue_id=clue.pk, notes="看看")
    with pytest.raises(PermissionDenied):
        clues.clue_investigate(actor=None, clue_id=clue.pk, notes="看看")


def test_another_townships_clue_is_404_and_says_nothing(world, client):
    theirs = _register(world, place="other_township", content="张三家的事情")
    officer = world.actors["township_officer"]
    with pytest.raises(Http404) as exc:
        clues.clue_investigate(actor=officer, clue_id=theirs.pk, notes="核实")
    assert theirs.number not in str(exc.value) and "张三" not in str(exc.value)
    client.force_login(officer)
    response = client.get(f"/clues/{theirs.pk}/")
    assert response.status_code == 404
    listing = client.get("/clues/").content.decode()
    assert theirs.number not in listing


def test_deadline_counts_working_days_across_national_day(world):
    """2026 National Day: 1–7 October off, Sunday 20 September and Saturday 10 October worked
    (调休). Ten working days from 30 September: 8, 9, 10 (the Saturday), 12–16, 19, 20 October."""
    for d in range(1, 8):
        HolidayDay.objects.create(day=date(2026, 10, d), is_workday=False, name="国庆节")
    HolidayDay.objects.create(day=date(2026, 9, 20), is_workday=True, name="调休上班")
    HolidayDay.objects.create(day=date(2026, 10, 10), is_workday=True, name="调休上班")
    HolidayYear.objects.create(year=2026, source="国务院办公厅通知")
    clue = _register(world, received_on=date(2026, 9, 30), category=Clue.Category.PAYMENT)
    assert clue.due_days == 10
    assert clue.due_on == date(2026, 10, 20)  # Monday–Friday alone would say 14 October


def test_petition_has_its_own_limit(world):
    clue = _register(world, channel=Clue.Channel.PETITION)
    assert clue.due_days == 40


def test_daily_command_flags_overdue_and_near_due(world):
    late, near, fine = _register(world), _register(world), _register(world)
    today = timezone.localdate()
    Clue.objects.filter(pk=late.pk).update(due_on=today - timedelta(days=1), is_overdue=False)
    Clue.objects.filter(pk=near.pk).update(due_on=today, is_near_due=False)
    Clue.objects.filter(pk=fine.pk).update(due_on=today + timedelta(days=60))
    call_command("jiuzhu_supervision", "due")
    late.refresh_from_db()
    near.refresh_from_db()
    fine.refresh_from_db()
    assert late.is_overdue and not late.is_near_due
    assert near.is_near_due and not near.is_overdue
    assert not fine.is_overdue and not fine.is_near_due
    entry = AuditEntry.objects.filter(action="clue.due_refresh").get()
    assert entry.actor.username == "system-scheduler" and entry.new["overdue"] == 1
    with pytest.raises(PermissionDenied):
        clues.clues_due_refresh(actor=world.actors["county_admin"])


def test_household_clue_marks_its_open_case_for_the_county_visit(world):
    place = world.places["own"]
    app = world.case(place, "accepted")
    refused = world.case(place, "refused", household=app.household)
    assert not app.has_complaint
    clue = _register(
        world,
        household_id=app.household_id,
        village_id=None,
        subject_kind=Clue.Subject.HOUSEHOLD,
    )
    app.refresh_from_db()
    refused.refresh_from_db()
    assert app.has_complaint and not refused.has_complaint
    assert clue.village_id == place.village.pk and clue.household_id == app.household_id
    from jiuzhu.cases.spot_checks import _mandatory

    assert _mandatory(app)  # every spot-check draw includes it (R3)


def test_handover_visibility(world, client):
    county, inspector = world.actors["county_admin"], world.actors["inspector"]
    officer = world.actors["township_officer"]
    plain = _register(world)
    with pytest.raises(Conflict):
        clues.clue_handover(actor=county, clue_id=plain.pk, evidence="材料")
    clue = _register(world, category=Clue.Category.CONDUCT, subject_kind=Clue.Subject.STAFF)
    assert clue.flagged_for_handover
    with pytest.raises(PermissionDenied):
        clues.clue_handover(actor=officer, clue_id=clue.pk, evidence="材料")
    clues.clue_handover(actor=county, clue_id=clue.pk, evidence="经办人收受好处的证言")
    with pytest.raises(PermissionDenied):
        clues.handover_progress(actor=county, clue_id=clue.pk, note="进展")
    clues.handover_progress(actor=inspector, clue_id=clue.pk, note="已立案调查")
    client.force_login(inspector)
    page = client.get(f"/clues/{clue.pk}/").content.decode()
    assert "经办人收受好处的证言" in page and "已立案调查" in page
    client.force_login(officer)
    page = client.get(f"/clues/{clue.pk}/").content.decode()
    assert "已移交纪检监察" in page
    assert "经办人收受好处的证言" not in page and "已立案调查" not in page
    clues.handover_conclude(actor=inspector, clue_id=clue.pk, result="给予党内警告处分")
    clue.refresh_from_db()
    assert clue.handover_status == Clue.Handover.CONCLUDED
    # the township whose staff it concerns does not close it; the county does
    _replied(world, clue)
    with pytest.raises(PermissionDenied):
        clues.clue_close(actor=officer, clue_id=clue.pk, conclusion="true", measures="处分")
    clues.clue_close(actor=county, clue_id=clue.pk, conclusion="true", measures="处分")


def test_pages_list_filter_export_and_steps(world, client):
    officer = world.actors["township_officer"]
    clue = _register(world)
    client.force_login(officer)
    assert clue.number in client.get("/clues/?status=registered").content.decode()
    assert clue.number not in client.get("/clues/?status=closed").content.decode()
    export = client.get("/clues/export/?status=open")
    assert export.status_code == 200 and "spreadsheet" in export["Content-Type"]
    r = client.post(f"/clues/{clue.pk}/step/investigate/", {"notes": "入户核实属实"})
    assert r.status_code == 303
    client.post(f"/clues/{clue.pk}/step/reply/", {"reply_text": "已核实并整改"})
    r = client.post(
        f"/clues/{clue.pk}/step/close/", {"conclusion": "", "measures": ""}, follow=True
    )
    assert "办理结论" in r.content.decode()
    client.post(f"/clues/{clue.pk}/step/close/", {"conclusion": "partly", "measures": "已停发"})
    clue.refresh_from_db()
    assert clue.status == Clue.Status.CLOSED and clue.conclusion == "partly"
    letter = client.get(f"/clues/{clue.pk}/reply-letter/").content.decode()
    assert "答复意见书" in letter and "（盖章）" in letter and "已核实并整改" in letter


# --- the public form ------------------------------------------------------------------------


def _public_post(client, village, *, right=True, **extra):
    page = client.get("/gongkai/jubao/")
    a, b = map(int, re.findall(r"\d+", page.context["question"]))
    token = page.context["form"].initial["challenge"]
    data = {
        "village": village.pk,
        "category": Clue.Category.FAVOURITISM,
        "content": "村干部亲属享受低保",
        "name": "王五",
        "phone": "13900001111",
        "answer": str(a + b if right else a + b + 1),
        "challenge": token,
        **extra,
    }
    return client.post("/gongkai/jubao/", data)


def test_public_challenge_wrong_is_refused(world, client):
    response = _public_post(client, world.places["own"].village, right=False)
    assert "验证问题回答错误" in response.content.decode()
    assert not Clue.objects.exists()


def test_public_rate_limit(world, client, settings):
    settings.JIUZHU_COMPLAINTS_PER_IP_DAY = 2
    village = world.places["own"].village
    assert _public_post(client, village).status_code == 200
    assert _public_post(client, village).status_code == 200
    response = _public_post(client, village)
    assert response.status_code == 429
    assert "已达上限" in response.content.decode()
    assert Clue.objects.count() == 2


def test_public_complaint_tracks_status_then_conclusion(world, client):
    village = world.places["own"].village
    response = _public_post(client, village)
    code = re.search(r'id="tracking-code"[^>]*>([A-Z2-9-]+)<', response.content.decode()).group(1)
    clue = Clue.objects.get(tracking_code=code)
    assert clue.channel == Clue.Channel.PUBLIC_FORM and clue.village == village
    assert clue.complainant_phone_masked != "13900001111" and "13900001111" not in (
        clue.complainant_phone_cipher
    )
    assert clue.created_by.username == "system-public"
    page = client.post("/gongkai/jubao/track/", {"code": code.lower().replace("-", "")})
    assert "登记" in page.content.decode()
    officer = world.actors["township_officer"]
    clues.clue_investigate(actor=officer, clue_id=clue.pk, notes="内部笔记：与村支书谈话")
    clues.clue_reply(actor=officer, clue_id=clue.pk, reply_text="经核实，已取消其低保。")
    clues.clue_close(actor=world.actors["county_admin"], clue_id=clue.pk, conclusion="true",
                     measures="停发并追回，约谈村支书")  # fmt: skip
    text = client.post("/gongkai/jubao/track/", {"code": code}).content.decode()
    assert "属实" in text and "经核实，已取消其低保。" in text
    for secret in ("内部笔记", "约谈村支书", officer.full_name, "王五", "13900001111", "1111"):
        assert secret not in text
    assert "没有找到" in client.post("/gongkai/jubao/track/", {"code": "AAAA"}).content.decode()


def test_public_pages_need_no_login(world, client):
    assert client.get("/gongkai/jubao/").status_code == 200
    assert client.get("/gongkai/jubao/track/").status_code == 200
    assert PASSWORD  # the staff pages stay behind the login
    assert client.get("/clues/").status_code == 302


def test_deadline_days_are_a_county_setting(world):
    from jiuzhu.programmes.catalogue import SettingKey
    from jiuzhu.programmes.services import setting_set

    place = world.places["own"]
    setting_set(
        actor=world.actors["county_admin"],
        county=place.county,
        key=SettingKey.CLUE_DAYS_OTHER,
        value="3",
        effective_from=timezone.localdate() - timedelta(days=30),
        note="县民政局通知",
    )
    assert _register(world, category=Clue.Category.OTHER).due_days == 3
    assert _register(world, category=Clue.Category.MISSED).due_days == 10  # the default


def test_register_page_from_the_household(world, client):
    place = world.places["own"]
    app = world.case(place, "accepted")
    household = app.household
    client.force_login(place.officer)
    page = client.get(f"/clues/new/?household={household.pk}").content.decode()
    assert household.number in page
    response = client.post(
        "/clues/new/",
        {
            "channel": "petition",
            "received_on": timezone.localdate().isoformat(),
            "category": "wrong_inclusion",
            "subject_kind": "household",
            "household_number": household.number,
            "content": "来信反映该户有经营收入",
            "complainant_name": "",
            "complainant_phone": "",
        },
    )
    assert response.status_code == 303
    clue = Clue.objects.get()
    assert clue.household == household and clue.due_days == 40 and clue.is_anonymous
    app.refresh_from_db()
    assert app.has_complaint
    detail = client.get(response["Location"]).content.decode()
    assert f"/registry/households/{household.pk}/" in detail or "household-link" in detail
    assert app.number in detail


def test_clue_from_a_finding(world, client):
    place = world.places["own"]
    finding = world.finding(place, "raised")
    with pytest.raises(ValidationFailed, match="关联"):
        _register(world, channel=Clue.Channel.FINDING)
    clue = clues.clue_register(
        actor=place.officer,
        channel=Clue.Channel.FINDING,
        received_on=timezone.localdate(),
        category=Clue.Category.WRONG_INCLUSION,
        subject_kind=Clue.Subject.HOUSEHOLD,
        content="比对发现死亡后仍领取",
        finding_id=finding.pk,
    )
    assert clue.finding == finding and clue.township_id == finding.township_id
    client.force_login(place.officer)
    page = client.get(f"/clues/new/?finding={finding.pk}").content.decode()
    assert 'id="from-finding"' in page
    theirs = world.finding(world.places["other_township"], "raised")
    page = client.get(f"/clues/new/?finding={theirs.pk}").content.decode()
    assert 'id="from-finding"' not in page
