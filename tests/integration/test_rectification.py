"""整改台账 (the rectification ledger): separation of duties at close-out (对账销号), the
jurisdiction, the daily overdue flag, the Excel in the county's upward-report layout and the
evidence files kept private to those who may see the entry."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone
from openpyxl import load_workbook

from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiuzhu.core.models import AuditEntry
from jiuzhu.supervision import clues, rectification
from jiuzhu.supervision.models import Clue, RectificationItem

from .service_world import World

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def world(regions, tmp_path, settings):
    cache.clear()
    settings.VAR_DIR = tmp_path / "var"
    return World(regions, tmp_path)


def _open(world, actor=None, *, place="own", responsible=None, **kw):
    p = world.places[place]
    values = {
        "source": RectificationItem.Source.INSPECTION,
        "problem": "低保档案缺少入户调查记录",
        "measure": "逐户补齐入户调查记录",
        "township_id": p.township.pk,
        "responsible_id": (responsible or p.officer).pk,
        "deadline_days": 10,
    }
    values.update(kw)
    return rectification.item_open(actor=actor or p.officer, **values)


def test_number_deadline_in_working_days_and_audit(world):
    item = _open(world)
    year = timezone.localdate().year
    assert re.fullmatch(rf"ZG433123-{year}-0001", item.number)
    assert _open(world).number.endswith("-0002")
    assert item.status == RectificationItem.Status.IN_PROGRESS
    assert item.deadline >= item.opened_on + timedelta(days=12)  # ten working days: two weeks
    assert item.responsible_unit == world.places["own"].township
    assert AuditEntry.objects.filter(action="rectification.open").exists()
    with pytest.raises(ValidationFailed, match="整改时限"):
        _open(world, deadline_days=None)


def test_verify_refused_for_the_responsible_person_and_the_submitter(world):
    """The county itself responsible: one county officer responsible, another submits the fix;
    neither may close the entry, a third county officer may."""
    own = world.places["own"]
    responsible = world.user("county_reviewer", own.county)
    submitter = world.actors["county_admin"]
    third = world.actors["county_reviewer"]
    item = _open(world, submitter, responsible=responsible, responsible_unit_id=own.county.pk)
    with pytest.raises(PermissionDenied):  # another township's officer is no part of the unit
        rectification.item_submit_fix(actor=own.officer, item_id=item.pk, note="已整改")
    rectification.item_submit_fix(actor=submitter, item_id=item.pk, note="已补齐记录")
    for actor in (responsible, submitter):
        with pytest.raises(PermissionDenied, match="其他人员核验"):
            rectification.item_verify(actor=actor, item_id=item.pk, note="核验属实")
        with pytest.raises(PermissionDenied, match="其他人员核验"):
            rectification.item_return(actor=actor, item_id=item.pk, reason="佐证不足")
    with pytest.raises(PermissionDenied):  # the township does not close out
        rectification.item_verify(actor=own.head, item_id=item.pk, note="核验属实")
    closed = rectification.item_verify(actor=third, item_id=item.pk, note="抽查三户，属实")
    assert closed.status == RectificationItem.Status.CLOSED
    assert closed.verified_by == third and closed.verified_on == timezone.localdate()
    with pytest.raises(Conflict):
        rectification.item_verify(actor=third, item_id=item.pk, note="再销一次")


def test_the_responsible_person_cannot_verify_even_as_county_staff(world):
    own = world.places["own"]
    admin, reviewer = world.actors["county_admin"], world.actors["county_reviewer"]
    item = _open(world, admin, responsible=admin, responsible_unit_id=own.county.pk)
    rectification.item_submit_fix(actor=admin, item_id=item.pk, note="已整改")
    with pytest.raises(PermissionDenied):
        rectification.item_verify(actor=admin, item_id=item.pk, note="自己销号")
    assert rectification.item_verify(actor=reviewer, item_id=item.pk, note="属实").verified_on


def test_return_sends_it_back_and_township_submits_again(world):
    own = world.places["own"]
    item = _open(world)
    rectification.item_submit_fix(actor=own.head, item_id=item.pk, note="已整改")  # their unit
    reviewer = world.actors["county_reviewer"]
    back = rectification.item_return(actor=reviewer, item_id=item.pk, reason="缺少佐证材料")
    assert back.status == RectificationItem.Status.IN_PROGRESS and back.returned_count == 1
    again = rectification.item_submit_fix(actor=own.officer, item_id=item.pk, note="已补充")
    assert again.status == RectificationItem.Status.SUBMITTED
    assert AuditEntry.objects.filter(action="rectification.return", actor=reviewer).exists()


def test_another_townships_entry_is_404_and_says_nothing(world, client):
    theirs = _open(world, place="other_township", problem="张三家档案不全")
    officer = world.actors["township_officer"]
    with pytest.raises(Http404) as exc:
        rectification.item_submit_fix(actor=officer, item_id=theirs.pk, note="已整改")
    assert theirs.number not in str(exc.value) and "张三" not in str(exc.value)
    client.force_login(officer)
    assert client.get(f"/clues/ledger/{theirs.pk}/").status_code == 404
    assert theirs.number not in client.get("/clues/ledger/").content.decode()
    with pytest.raises(ValidationFailed):  # nor opened in another township
        _open(world, officer, township_id=world.places["other_township"].township.pk)


def test_daily_command_marks_overdue_and_the_row_is_red(world, client):
    item = _open(world)
    done = _open(world)
    rectification.item_submit_fix(
        actor=world.actors["township_officer"], item_id=done.pk, note="好"
    )
    rectification.item_verify(actor=world.actors["county_admin"], item_id=done.pk, note="属实")
    past = timezone.localdate() - timedelta(days=1)
    RectificationItem.objects.filter(pk__in=[item.pk, done.pk]).update(deadline=past)
    assert not RectificationItem.objects.get(pk=item.pk).is_overdue
    call_command("jiuzhu_supervision", "due")
    assert RectificationItem.objects.get(pk=item.pk).is_overdue
    assert not RectificationItem.objects.get(pk=done.pk).is_overdue  # closed: never red
    assert AuditEntry.objects.filter(action="rectification.due_refresh").exists()
    client.force_login(world.actors["county_admin"])
    page = client.get("/clues/ledger/?overdue=1").content.decode()
    assert item.number in page and done.number not in page and "table-danger overdue" in page
    summary = client.get("/clues/ledger/summary/").content.decode()
    township = world.places["own"].township
    assert f"?overdue=1&amp;township={township.pk}" in summary


def test_excel_has_the_upward_report_layout(world, client):
    _open(world, problem='=HYPERLINK("http://x")档案不全')
    admin = world.actors["county_admin"]
    client.force_login(admin)
    response = client.get("/clues/ledger/export/")
    assert response.status_code == 200 and "spreadsheet" in response["Content-Type"]
    data = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(data)).active
    county = world.places["own"].county.name
    assert sheet["A1"].value == f"{county}最低生活保障专项治理问题整改台账"
    assert "A1:K1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A2"].value.startswith("填报日期：")
    headers = [c.value for c in sheet[3]]
    assert headers == [
        "序号",
        "问题来源",
        "问题描述",
        "整改措施",
        "责任单位",
        "责任人",
        "整改时限",
        "整改情况",
        "是否销号",
        "销号时间",
        "备注",
    ]
    row = [c.value for c in sheet[4]]
    assert row[0] == 1 and row[1] == "巡察" and row[8] == "否"
    assert row[2].startswith("'=")  # formula injection neutralised
    assert sheet["C4"].data_type == "s"
    assert AuditEntry.objects.filter(action="rectification.export", actor=admin).exists()


def test_attachment_is_private_to_the_entrys_readers(world, client):
    own = world.places["own"]
    item = _open(world)
    client.force_login(own.officer)
    upload = io.BytesIO(PDF)
    upload.name = "整改照片.pdf"
    response = client.post(
        f"/clues/ledger/{item.pk}/step/submit/", {"note": "已补齐", "files": [upload]}
    )
    assert response.status_code == 303
    item.refresh_from_db()
    assert item.status == RectificationItem.Status.SUBMITTED
    attachment = item.attachments.get()
    assert PDF not in open(attachment.path, "rb").read()  # stored encrypted
    url = f"/clues/ledger/attachment/{attachment.pk}/"
    got = client.get(url)
    assert got.status_code == 200 and got.content == PDF
    client.force_login(world.places["other_township"].officer)
    assert client.get(url).status_code == 404
    client.force_login(world.actors["finance"])
    assert client.get(url).status_code == 404
    assert AuditEntry.objects.filter(action="rectification.attachment_view").count() == 1


def test_open_from_a_clue_page_with_the_source_preselected(world, client):
    own = world.places["own"]
    clue = clues.clue_register(
        actor=own.officer,
        channel=Clue.Channel.HOTLINE,
        received_on=timezone.localdate(),
        category=Clue.Category.WRONG_INCLUSION,
        subject_kind=Clue.Subject.VILLAGE,
        content="反映村里低保评议走过场",
        village_id=own.village.pk,
    )
    client.force_login(own.officer)
    detail = client.get(f"/clues/{clue.pk}/").content.decode()
    assert f"/clues/ledger/new/?clue={clue.pk}" in detail
    assert "/clues/ledger/" in client.get("/clues/").content.decode()
    form = client.get(f"/clues/ledger/new/?clue={clue.pk}").content.decode()
    assert 'value="clue" selected' in form
    response = client.post(
        "/clues/ledger/new/",
        {
            "source": "clue",
            "clue": clue.pk,
            "problem": "民主评议走过场",
            "measure": "重新组织民主评议",
            "responsible": own.officer.pk,
            "deadline_days": 15,
        },
    )
    assert response.status_code == 303
    item = RectificationItem.objects.get()
    assert item.clue == clue and item.township == own.township and item.deadline_days == 15
    page = client.get(response["Location"]).content.decode()
    assert "提交整改情况" in page and item.number in page
