"""审计链校验 from the web: the inspector's button (a POST) verifies the chain, records the check
and shows it; a GET only reads; the anchor sheet prints the head for a paper copy."""

import pytest
from django.urls import reverse

from jiuzhu.core import audit
from jiuzhu.core.errors import PermissionDenied
from jiuzhu.core.models import AuditAnchor, AuditCheck, AuditEntry
from jiuzhu.supervision import services
from tests.integration.test_audit_keyed import raw_sql


@pytest.fixture
def trail(db, users):
    for i in range(5):
        audit.record(action="test.event", actor=users["county"], new={"n": i})


def counts():
    return AuditEntry.objects.count(), AuditCheck.objects.count(), AuditAnchor.objects.count()


def test_a_get_shows_the_page_and_writes_nothing(client, users, trail):
    client.force_login(users["inspector"])
    before = counts()
    body = client.get(reverse("audit:verify")).content.decode()
    assert "审计链校验" in body and "尚无通过的校验记录" in body and 'id="run-check"' in body
    assert counts() == before


def test_the_button_verifies_records_and_shows_the_check(
    client, users, trail, django_capture_on_commit_callbacks
):
    inspector = users["inspector"]
    client.force_login(inspector)
    rows = AuditEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True):  # the request's commit
        response = client.post(reverse("audit:verify"))
    assert response.status_code == 303 and response["Location"] == reverse("audit:verify")
    check = AuditCheck.objects.get()
    assert check.passed and check.actor == inspector and check.via == AuditCheck.Via.WEB
    assert check.rows_checked == rows
    entry = AuditEntry.objects.get(action="audit.verify")
    assert entry.actor == inspector and entry.new["passed"] is True
    anchor = AuditAnchor.objects.get()  # none before: the passing check anchored
    assert anchor.seq == rows + 1  # the rows checked and the check's own entry

    body = client.get(reverse("audit:verify")).content.decode()
    assert "上次校验通过" in body and inspector.username in body
    assert reverse("audit:anchor_print", args=[anchor.pk]) in body
    assert f"审计链完整：共{rows}条记录" in body  # the message after the redirect
    trail = client.get(reverse("audit:list")).content.decode()
    assert "校验审计链" in trail and "校验通过：是" in trail and "审计链存证" in trail


def test_a_broken_chain_is_shown_with_its_first_bad_row(client, users, trail):
    raw_sql("UPDATE core_auditentry SET reason = %s WHERE seq = 3", ["改过了"])
    client.force_login(users["county"])
    client.post(reverse("audit:verify"))
    check = AuditCheck.objects.get()
    assert not check.passed and check.broken_seq == 3
    body = client.get(reverse("audit:verify")).content.decode()
    assert "未通过" in body and "第3条" in body
    assert not AuditAnchor.objects.exists()  # a broken chain is never anchored


def test_the_anchor_sheet_prints_the_head_in_groups(
    client, users, trail, django_capture_on_commit_callbacks
):
    client.force_login(users["inspector"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("audit:verify"))
    anchor = AuditAnchor.objects.get()
    before = counts()
    body = client.get(reverse("audit:anchor_print", args=[anchor.pk])).content.decode()
    assert counts() == before
    groups = [anchor.hash[i : i + 8] for i in range(0, 64, 8)]
    assert " ".join(groups[:4]) in body and " ".join(groups[4:]) in body
    assert f"第{anchor.seq}条" in body and "签名有效" in body and "核对人（签字）" in body
    assert client.get(reverse("audit:anchor_print", args=[anchor.pk + 99])).status_code == 404


def test_who_may_not_read_the_trail_may_not_verify_it(client, users, trail):
    for name in ("officer_a", "finance"):
        client.force_login(users[name])
        assert client.get(reverse("audit:verify")).status_code == 404
        assert client.post(reverse("audit:verify")).status_code == 404
    with pytest.raises(PermissionDenied):
        services.audit_chain_check(actor=users["officer_a"])
    assert not AuditCheck.objects.exists()


def test_the_audit_list_links_the_check_instead_of_the_shell(client, users, trail):
    client.force_login(users["inspector"])
    body = client.get(reverse("audit:list")).content.decode()
    assert reverse("audit:verify") in body and "运维人员" not in body
