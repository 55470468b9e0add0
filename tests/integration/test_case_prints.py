"""Every step of a case prints its document: the one-time notice, the acceptance notice, the
approval form (审核确认表 where the county confirms, 审批表 where the township does), the
confirmation and refusal letters, the stop and reduction notices. Each carries its title, the
household head, the step's values and no empty value cell; a document whose step has not
happened is refused with a message; outside the user's jurisdiction it is a 404; opening it
writes nothing."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from jiuzhu.cases import services
from jiuzhu.cases.models import CaseEvent
from jiuzhu.core.crypto import decrypt
from jiuzhu.core.models import AuditEntry
from jiuzhu.core.month import Month, format_date_cn
from jiuzhu.payments import services as payment_services
from jiuzhu.payments.models import EnrolmentChange
from jiuzhu.programmes import services as programme_services
from jiuzhu.programmes.seed import seed_county_defaults
from tests.conftest import TOWNSHIP_A, TOWNSHIP_B

from .case_steps import applied, dated, days_ago
from .payment_builders import enrolment
from .print_checks import empty_value_cells, value_cell_count

FULL_ID = re.compile(r"\d{17}[\dX]")
CASE_DOCS = ("print_incomplete_notice", "print_acceptance", "print_approval", "print_confirmation")
ALL_CASE_DOCS = (*CASE_DOCS, "print_investigation", "print_refusal")


@pytest.fixture
def staff(users, make_user, regions):
    seed_county_defaults(county=regions["433123000000"])
    return {
        **users,
        "officer_a2": make_user("officer-a2", "township_officer", TOWNSHIP_A),
        "head_a": make_user("head-a", "township_head", TOWNSHIP_A),
        "head_b": make_user("head-b", "township_head", TOWNSHIP_B),
        "reviewer": make_user("reviewer", "county_reviewer", "433123000000"),
    }


def register(staff, household):
    return services.application_register(
        actor=staff["village_a"],
        household_id=household.pk,
        programme_code="dibao_rural",
        reason="因病致贫",
        **applied(20),
    )


def accept(staff, app):
    return services.application_accept(
        actor=staff["officer_a"], application_id=app.pk, **dated("accepted_on", 19)
    )


def to_township_review(staff, app):
    services.investigation_record(
        actor=staff["officer_a"],
        application_id=app.pk,
        **dated("visited_on", 17),
        investigator_1=staff["officer_a"],
        investigator_2=staff["officer_a2"],
        living_conditions="住房简陋，无稳定收入",
        income_findings="务农，年收入不足两千元",
        asset_findings="无车辆，无存款",
        family_signed=True,
    )
    services.verification_record(
        actor=staff["officer_a"],
        application_id=app.pk,
        **dated("checked_on", 15),
        result="consistent",
        details="与申报一致",
    )
    services.notice_publish(actor=staff["officer_a"], application_id=app.pk, **dated("start_on", 8))
    services.notice_close(actor=staff["officer_a"], application_id=app.pk)
    return services.township_opinion_record(
        actor=staff["officer_a"],
        application_id=app.pk,
        opinion="经调查核实，家庭人均收入低于当地低保标准，建议纳入",
    )


def writes() -> tuple[int, int]:
    return AuditEntry.objects.count(), CaseEvent.objects.count()


def get(client, url, **kwargs):
    """A GET, which must write neither an audit row nor a case event (GET never writes)."""
    before = writes()
    response = client.get(url, **kwargs)
    assert writes() == before, url
    return response


def printed(client, name, app) -> str:
    """The document's page, checked against the conventions every print page keeps."""
    response = get(client, reverse(f"cases:{name}", args=[app.pk]))
    assert response.status_code == 200, name
    return checked_sheet(response.content.decode(), app)


def checked_sheet(body: str, app=None) -> str:
    assert 'id="document"' in body and "@page { size: A4" in body
    assert value_cell_count(body) >= 3
    assert empty_value_cells(body) == []
    assert not FULL_ID.search(body.replace(app.number, "") if app else body)
    return body


def title_of(body: str) -> tuple[str, str]:
    title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
    h1 = re.search(r"<h1>(.*?)</h1>", body, re.S).group(1)
    return title, h1


def refused_with_message(client, name, app, message: str) -> None:
    response = get(client, reverse(f"cases:{name}", args=[app.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("cases:detail", args=[app.pk]), name
    assert message in response.content.decode(), name


def offered(client, app) -> set[str]:
    """The documents the case page's 打印文书 group links to (their URL names)."""
    body = get(client, reverse("cases:detail", args=[app.pk])).content.decode()
    group = re.search(r'id="print-documents".*?</div>', body, re.S)
    hrefs = set(re.findall(r'href="([^"]+)"', group.group(0))) if group else set()
    names = {n for n in ALL_CASE_DOCS if reverse(f"cases:{n}", args=[app.pk]) in hrefs}
    if reverse("cases:print_notice", args=[app.village_id]) in hrefs:
        names.add("print_notice")
    return names


def test_each_step_prints_its_document_and_nothing_before(staff, client, make_household):
    household = make_household(TOWNSHIP_A, size=2, head_name="龙大山")
    app = register(staff, household)
    client.force_login(staff["officer_a"])
    assert offered(client, app) == set()
    refused_with_message(client, "print_incomplete_notice", app, "没有一次性告知书")
    refused_with_message(client, "print_acceptance", app, "尚未受理，没有受理通知书")
    refused_with_message(client, "print_investigation", app, "尚未受理")
    refused_with_message(client, "print_approval", app, "尚未提出审核意见")
    refused_with_message(client, "print_confirmation", app, "尚未审核确认")
    refused_with_message(client, "print_refusal", app, "只有不予确认的申请")

    # 一次性告知书: every missing material, listed at once
    services.application_mark_incomplete(
        actor=staff["officer_a"], application_id=app.pk, missing=["户口簿复印件", "收入证明"]
    )
    body = printed(client, "print_incomplete_notice", app)
    assert title_of(body) == (f"一次性告知书 {app.number} - 救助 社会救助管理系统", "一次性告知书")
    assert "龙大山" in body and "户口簿复印件" in body and "收入证明" in body
    assert format_date_cn(days_ago(20)) in body  # the application date
    assert "沱江镇人民政府" in body and "（盖章）" in body and "申请人签收" in body
    assert offered(client, app) == {"print_incomplete_notice"}

    services.application_supplement(actor=staff["village_a"], application_id=app.pk, note="已补齐")
    accept(staff, app)
    # still printable once the case went on: the notice as it was given
    assert "收入证明" in printed(client, "print_incomplete_notice", app)

    # 受理通知书: the acceptance date, who confirms and the time limit
    body = printed(client, "print_acceptance", app)
    assert title_of(body)[1] == "受理通知书" and "龙大山" in body
    assert re.search(rf'id="accepted-on">{format_date_cn(days_ago(19))}<', body)
    assert '本申请由<span class="doc-value" id="decider">沱江镇人民政府</span>审核确认' in body
    assert "20个工作日" in body  # delegated to the township (S6)
    assert offered(client, app) == {
        "print_incomplete_notice",
        "print_acceptance",
        "print_investigation",
    }
    refused_with_message(client, "print_approval", app, "尚未提出审核意见")

    # 审批表: the township confirms (the power is delegated), its opinion and signature lines
    to_township_review(staff, app)
    body = printed(client, "print_approval", app)
    assert title_of(body)[1] == "社会救助审批表"
    assert "龙大山" in body and "建议纳入" in body and "务农，年收入不足两千元" in body
    assert "与申报一致" in body and "公示期满无异议" in body and "¥900.00" in body
    for role in ("经办人", "审核人", "负责人"):
        assert f"{role}：" in body
    assert "乡镇人民政府（街道办事处）审核确认意见" in body
    assert 'class="text doc-fill" id="decision-text"' in body  # not decided: left to write
    for person in household.members.all():
        assert person.id_masked in body and decrypt(person.id_cipher) not in body
    refused_with_message(client, "print_confirmation", app, "尚未审核确认")

    # 确认通知书: the amount and the month payment starts, in the township's name
    services.application_confirm(actor=staff["head_a"], application_id=app.pk, reason="同意纳入")
    client.force_login(staff["head_a"])
    body = printed(client, "print_confirmation", app)
    assert title_of(body)[1] == "确认通知书" and "龙大山" in body
    start = Month.of(timezone.localdate()).next().label
    assert re.search(r'id="amount">¥900\.00（每月）', body)
    assert re.search(rf'id="start-month">{start}<', body)
    assert re.search(r'id="members">2人<', body)
    assert f'id="issued-on">{format_date_cn(timezone.localdate())}<' in body
    assert "沱江镇人民政府" in body and "行政复议" in body
    body = printed(client, "print_approval", app)
    assert re.search(
        rf"同意。核定农村最低生活保障，保障人数2人，金额¥900\.00（每月），自{start}起", body
    )
    assert offered(client, app) == {
        "print_incomplete_notice",
        "print_acceptance",
        "print_investigation",
        "print_approval",
        "print_confirmation",
    }
    refused_with_message(client, "print_refusal", app, "只有不予确认的申请")


def test_county_confirmed_case_prints_the_county_form(staff, client, regions, make_household):
    programme_services.delegation_set(
        actor=staff["county"],
        county=regions["433123000000"],
        programme_code="dibao_rural",
        delegated=False,
        effective_from=date(2020, 1, 1),
        note="收回",
    )
    app = register(staff, make_household(TOWNSHIP_A, head_name="石春花"))
    accept(staff, app)
    assert app.__class__.objects.get(pk=app.pk).confirming_level == "county"
    client.force_login(staff["officer_a"])
    body = printed(client, "print_acceptance", app)
    assert 'id="decider">凤凰县民政局<' in body and "30个工作日" in body
    to_township_review(staff, app)
    body = printed(client, "print_approval", app)
    assert title_of(body)[1] == "社会救助审核确认表" and "石春花" in body
    assert "县级民政部门审核确认意见" in body and "凤凰县民政局（盖章）" in body
    assert "沱江镇人民政府（盖章）" in body  # the township's opinion keeps its own seal
    assert offered(client, app) >= {"print_approval"}

    services.application_confirm(actor=staff["reviewer"], application_id=app.pk, reason="同意")
    client.force_login(staff["reviewer"])
    body = printed(client, "print_confirmation", app)
    assert 'id="issuer">凤凰县民政局<' in body and "石春花" in body


def test_refusal_letter_and_form_show_the_reasons(staff, client, make_household):
    app = register(staff, make_household(TOWNSHIP_A, head_name="麻三妹"))
    accept(staff, app)
    to_township_review(staff, app)
    reason = "家庭成员有稳定工资收入，人均收入高于当地低保标准"
    services.application_refuse(actor=staff["head_a"], application_id=app.pk, reason=reason)
    client.force_login(staff["head_a"])
    body = printed(client, "print_refusal", app)
    assert title_of(body)[1] == "不予确认告知书" and "麻三妹" in body
    assert re.search(rf'id="reasons">{reason}<', body)
    assert 'id="issuer">沱江镇人民政府<' in body and "行政诉讼" in body
    body = printed(client, "print_approval", app)
    assert f"不予确认。理由：{reason}" in body
    refused_with_message(client, "print_confirmation", app, "尚未审核确认")
    assert "print_refusal" in offered(client, app)
    assert "print_confirmation" not in offered(client, app)


def test_another_township_gets_404(staff, client, make_household):
    app = register(staff, make_household(TOWNSHIP_A))
    services.application_mark_incomplete(
        actor=staff["officer_a"], application_id=app.pk, missing=["户口簿复印件"]
    )
    services.application_supplement(actor=staff["village_a"], application_id=app.pk, note="已补齐")
    accept(staff, app)
    to_township_review(staff, app)
    services.application_confirm(actor=staff["head_a"], application_id=app.pk, reason="同意")
    for user in ("officer_b", "head_b"):
        client.force_login(staff[user])
        for name in ALL_CASE_DOCS:
            assert client.get(reverse(f"cases:{name}", args=[app.pk])).status_code == 404, name
    client.force_login(staff["officer_a"])  # the same pages open in the case's own township
    for name in CASE_DOCS:
        assert client.get(reverse(f"cases:{name}", args=[app.pk])).status_code == 200, name


def test_stop_and_reduction_notices(staff, client, make_household):
    household = make_household(TOWNSHIP_A, head_name="龙二哥")
    reduced = enrolment(household, created_by=staff["officer_a"], amount="600.00")
    payment_services.enrolment_reduce(
        actor=staff["officer_a"],
        enrolment_id=reduced.pk,
        effective_month="2026-12",
        new_amount=Decimal("350.00"),
        reason="家庭成员务工收入增加",
    )
    change = EnrolmentChange.objects.get(enrolment=reduced, kind="reduce")
    client.force_login(staff["officer_a"])
    detail = get(client, reverse("payments:change_detail", args=[change.pk])).content.decode()
    assert (
        reverse("payments:exit_notice", args=[change.pk]) in detail and "打印减发告知书" in detail
    )
    body = get(client, reverse("payments:exit_notice", args=[change.pk])).content.decode()
    checked_sheet(body)
    assert title_of(body)[1] == "减发告知书" and "龙二哥" in body
    assert 'id="old-amount">¥600.00' in body and 'id="new-amount">¥350.00' in body
    assert 'id="effective">2026年12月<' in body and "家庭成员务工收入增加" in body
    assert 'id="issuer">沱江镇人民政府<' in body and "保障对象签收" in body

    stopped = enrolment(
        make_household(TOWNSHIP_A, head_name="龙三妹"), created_by=staff["officer_a"]
    )
    payment_services.enrolment_stop(
        actor=staff["officer_a"],
        enrolment_id=stopped.pk,
        effective_month="2026-12",
        reason="家庭人均收入超过保障标准",
    )
    stop = EnrolmentChange.objects.get(enrolment=stopped, kind="stop")
    body = get(client, reverse("payments:exit_notice", args=[stop.pk])).content.decode()
    checked_sheet(body)
    assert title_of(body)[1] == "停发告知书" and "龙三妹" in body
    assert 'id="last-paid">2026年11月<' in body and "家庭人均收入超过保障标准" in body

    # no notice for a change that raises the amount, nor outside the user's township
    raised = EnrolmentChange.objects.create(
        enrolment=stopped,
        kind="amount",
        effective_month="2026-10",
        old_amount=Decimal("300.00"),
        new_amount=Decimal("320.00"),
        reason="提高",
        created_by=staff["officer_a"],
    )
    assert client.get(reverse("payments:exit_notice", args=[raised.pk])).status_code == 404
    client.force_login(staff["officer_b"])
    for pk in (change.pk, stop.pk):
        assert client.get(reverse("payments:exit_notice", args=[pk])).status_code == 404
