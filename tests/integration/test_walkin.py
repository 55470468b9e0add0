"""Registering a walk-in family (窗口受理) and finding the household for a new application."""

from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404
from django.urls import reverse

from jiuzhu.core.crypto import decrypt
from jiuzhu.core.errors import PermissionDenied
from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.core.models import AuditEntry
from jiuzhu.registry.models import AssetFact, Household, IncomeFact, Person
from jiuzhu.registry.walkin_check import AssetEntry, IncomeEntry, MemberEntry
from jiuzhu.registry.walkin_services import WalkinRefused, household_register
from tests.conftest import TOWNSHIP_A, TOWNSHIP_B, first_village

HEAD_ID = make_resident_id(region_code="433123", birth_date=date(1968, 5, 12), sequence=13, sex="M")
WIFE_ID = make_resident_id(region_code="433123", birth_date=date(1971, 8, 2), sequence=21, sex="F")
SON_ID = make_resident_id(region_code="433123", birth_date=date(1999, 1, 30), sequence=35, sex="M")


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def member(name, id_number, relation="self", **kw) -> MemberEntry:
    return MemberEntry(
        name=name, id_number=id_number, relation=relation, **{"hukou_type": "rural", **kw}
    )


def family() -> list[MemberEntry]:
    return [
        member("龙大山", HEAD_ID),
        member("吴小花", WIFE_ID, "spouse", disability_type="physical", disability_grade=2),
    ]


def form_data(village, members, incomes=(), assets=(), **household) -> dict:
    """What the walk-in page posts (templates/registry/household_new.html)."""
    data = {
        "village": village.pk,
        "address": "",
        "phone": "",
        "bank_name": "",
        "bank_account": "",
        **household,
    }
    defaults = {
        "ethnicity": "",
        "hukou_type": "rural",
        "labour_capacity": "full",
        "disability_type": "",
        "disability_grade": "",
        "health_status": "healthy",
    }
    for prefix, rows, extra in (
        ("members", members, defaults),
        ("incomes", incomes, {"person": "", "note": ""}),
        ("assets", assets, {"person": "", "description": "", "identifier": "", "value": ""}),
    ):
        data |= {
            f"{prefix}-TOTAL_FORMS": len(rows),
            f"{prefix}-INITIAL_FORMS": 0,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 30,
        }
        for i, row in enumerate(rows):
            data |= {f"{prefix}-{i}-{k}": v for k, v in {**extra, **row}.items()}
    return data


def two_members(head_id=HEAD_ID, wife_id=WIFE_ID) -> list[dict]:
    return [
        {"name": "龙大山", "id_number": head_id, "relation": "self"},
        {"name": "吴小花", "id_number": wife_id, "relation": "spouse"},
    ]


# ---- the service ---------------------------------------------------------------------------


def test_the_service_registers_household_members_and_facts(users, regions, make_household):
    officer = users["officer_a"]
    village = first_village(regions, TOWNSHIP_A)
    before = make_household(TOWNSHIP_A, village=village)  # numbers continue after the last one
    household = household_register(
        actor=officer,
        village_id=village.pk,
        address="大坪村3组",
        phone="13912345678",
        bank_name="凤凰县农村商业银行",
        bank_account="6230 9012 3456 7890 123",
        members=family(),
        incomes=[
            IncomeEntry(1, "wages", "12000", date(2025, 12, 1), date(2026, 11, 30)),
            IncomeEntry(None, "transfer", Decimal("600"), date(2025, 12, 1), date(2026, 11, 30)),
        ],
        assets=[AssetEntry(2, "deposit", value="3000"), AssetEntry(None, "real_estate")],
    )
    assert household.number == f"{village.code}{int(before.number[-5:]) + 1:05d}"
    assert household.head_name == "龙大山" and household.village == village
    assert household.township_id == village.parent_id and household.area_type == "urban"  # 社区
    assert household.phone_masked == "139****5678" and household.bank_account_masked.endswith(
        "0123"
    )
    head, wife = Person.objects.filter(household=household).order_by("id")
    assert (head.name, head.relation, head.birth_date, head.sex) == (
        "龙大山",
        "self",
        date(1968, 5, 12),
        "M",
    )
    assert (wife.birth_date, wife.sex, wife.disability_label) == (
        date(1971, 8, 2),
        "F",
        "肢体残疾2级",
    )
    assert (
        decrypt(head.id_cipher) == HEAD_ID
        and head.id_masked == HEAD_ID[:4] + "*" * 10 + HEAD_ID[-4:]
    )
    incomes = IncomeFact.objects.filter(household=household).order_by("id")
    assert [(f.person_id, f.category, f.amount) for f in incomes] == [
        (head.pk, "wages", Decimal("12000.00")),
        (None, "transfer", Decimal("600.00")),
    ]
    assert {f.source for f in incomes} == {"窗口受理申报"}
    assets = AssetFact.objects.filter(household=household).order_by("id")
    assert [(a.person_id, a.kind, a.value) for a in assets] == [
        (wife.pk, "deposit", Decimal("3000.00")),
        (None, "real_estate", None),
    ]
    entries = AuditEntry.objects.filter(household_id=household.pk, actor=officer)
    assert sorted(e.action for e in entries) == [
        "asset.add",
        "asset.add",
        "household.register",
        "income.add",
        "income.add",
    ]
    registered = entries.get(action="household.register")
    assert registered.new["number"] == household.number and registered.new["members"] == 2
    assert HEAD_ID not in str(registered.new) + registered.object_repr


def test_the_head_is_stored_first_whatever_the_row(users, regions):
    household = household_register(
        actor=users["village_a"],
        village_id=users["village_a"].region_id,
        members=[member("龙小山", SON_ID, "son"), member("龙大山", HEAD_ID)],
    )
    assert [p.relation for p in household.members.order_by("id")] == ["self", "son"]
    assert household.head_name == "龙大山"


def refused(actor, village, members, **kw) -> WalkinRefused:
    before = Household.objects.count(), Person.objects.count(), AuditEntry.objects.count()
    with pytest.raises(WalkinRefused) as caught:
        household_register(actor=actor, village_id=village.pk, members=members, **kw)
    after = Household.objects.count(), Person.objects.count(), AuditEntry.objects.count()
    assert after == before  # nothing written
    return caught.value


def test_a_wrong_check_digit_is_refused_naming_the_row_and_field(users, regions):
    village = first_village(regions, TOWNSHIP_A)
    members = [member("龙大山", HEAD_ID), member("吴小花", wrong_check_digit(WIFE_ID), "spouse")]
    error = refused(users["officer_a"], village, members)
    [problem] = error.problems
    assert (problem.section, problem.row, problem.field) == ("members", 1, "id_number")
    assert error.message.startswith(
        "第2名成员（吴小花）的身份证号码：身份证号码校验位错误：末位应为"
    )


def test_the_same_person_twice_in_the_form_is_refused(users, regions):
    village = first_village(regions, TOWNSHIP_A)
    members = [member("龙大山", HEAD_ID), member("龙大三", HEAD_ID.lower(), "sibling")]
    error = refused(users["officer_a"], village, members)
    assert error.message == "第2名成员（龙大三）的身份证号码：与第1名成员是同一人（身份证号码重复）"


def test_one_head_and_the_attribute_rules(users, regions):
    village = first_village(regions, TOWNSHIP_A)
    members = [
        member("龙大山", HEAD_ID),
        member("吴小花", WIFE_ID, "self", disability_type="visual"),
        member("龙小山", SON_ID, "", hukou_type="farm"),
    ]
    texts = [p.text for p in refused(users["officer_a"], village, members).problems]
    assert "第2名成员（吴小花）的残疾等级：有残疾类别时，残疾等级应为1至4级" in texts
    assert "第2名成员（吴小花）的与户主关系：第1名成员已是户主，一户只能有一名户主" in texts
    assert "第3名成员（龙小山）的户籍性质：取值无效：farm" in texts
    error = refused(users["officer_a"], village, [member("吴小花", WIFE_ID, "spouse")])
    assert error.message == "须有一名成员的“与户主关系”为“户主”"


def test_facts_are_checked_by_the_registrys_rules(users, regions):
    village = first_village(regions, TOWNSHIP_A)
    error = refused(
        users["officer_a"],
        village,
        family(),
        incomes=[IncomeEntry(3, "wages", "一千", date(2026, 6, 1), date(2026, 1, 1))],
        assets=[AssetEntry(None, "deposit", quantity=0)],
    )
    assert [p.text for p in error.problems] == [
        "第1条收入的成员：所选成员不在本次登记的成员中",
        "第1条收入的期间止：收入期间的截止日期早于起始日期",
        "第1条收入的金额（元）：金额格式错误：一千",
        "第1项财产的数量：数量应至少为1",
    ]


def test_someone_registered_in_the_jurisdiction_is_named(users, regions, make_household):
    other = make_household(TOWNSHIP_A, head_name="龙二", size=1)
    taken = decrypt(other.members.get().id_cipher)
    error = refused(
        users["officer_a"],
        first_village(regions, TOWNSHIP_A),
        [member("龙大山", HEAD_ID), member("龙二", taken, "sibling")],
    )
    [problem] = error.problems
    assert problem.registered.household_id == other.pk
    assert f"该身份证号码已在龙二户（家庭编号{other.number}）登记，不能重复登记" in error.message


def test_someone_registered_outside_the_jurisdiction_is_not_described(
    users, regions, make_household
):
    other = make_household(TOWNSHIP_B, head_name="石二妹", size=1)
    taken = decrypt(other.members.get().id_cipher)
    error = refused(users["officer_a"], first_village(regions, TOWNSHIP_A), [member("石某", taken)])
    assert error.message == (
        "第1名成员（石某）的身份证号码：该身份证号码已在其他家庭登记，请联系县级民政部门核实"
    )
    assert error.problems[0].registered is None


def test_a_village_outside_the_jurisdiction_is_not_found(users, regions):
    with pytest.raises(Http404):
        household_register(
            actor=users["officer_a"],
            village_id=first_village(regions, TOWNSHIP_B).pk,
            members=family(),
        )
    # a village assistant registers in their own village only
    other_village = sorted(
        (r for r in regions.values() if r.parent_id == regions[TOWNSHIP_A].pk), key=lambda r: r.code
    )[1]
    with pytest.raises(Http404):
        household_register(actor=users["village_a"], village_id=other_village.pk, members=family())
    assert not Household.objects.exists()


@pytest.mark.parametrize("role", ["finance", "inspector"])
def test_finance_and_inspectors_do_not_register(users, regions, client, role):
    with pytest.raises(PermissionDenied):
        household_register(
            actor=users[role],
            village_id=first_village(regions, TOWNSHIP_A).pk,
            members=family(),
        )
    client.force_login(users[role])
    assert client.get(reverse("registry:household_new")).status_code == 404
    data = form_data(first_village(regions, TOWNSHIP_A), two_members())
    assert client.post(reverse("registry:household_new"), data).status_code == 404
    assert "登记新家庭" not in client.get(reverse("registry:household_list")).content.decode()
    assert not Household.objects.exists()


# ---- the page ------------------------------------------------------------------------------


def test_the_page_registers_and_offers_the_application(client, users, regions):
    village = first_village(regions, TOWNSHIP_A)
    client.force_login(users["officer_a"])
    listing = client.get(reverse("registry:household_list")).content.decode()
    assert reverse("registry:household_new") in listing
    page = client.get(reverse("registry:household_new")).content.decode()
    assert village.name in page and "保存并登记" in page and "jiuzhu/idcheck.js" in page
    assert first_village(regions, TOWNSHIP_B).name not in page
    data = form_data(
        village,
        two_members(),
        incomes=[
            {
                "person": "1",
                "category": "wages",
                "amount": "12000",
                "period_start": "2025-12-01",
                "period_end": "2026-11-30",
            }
        ],
        assets=[{"person": "", "kind": "real_estate", "quantity": "1"}],
        address="大坪村3组",
        phone="13912345678",
    )
    response = client.post(reverse("registry:household_new"), data)
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:household_registered", args=[household.pk])
    done = client.get(response["Location"]).content.decode()
    assert f"{reverse('cases:register')}?household={household.pk}" in done
    assert "为该家庭登记申请" in done and household.number in done
    assert reverse("registry:household_detail", args=[household.pk]) in done
    assert "1968年" in done and HEAD_ID not in done
    assert household.incomes.get().person.name == "龙大山"
    assert household.assets.get().kind == "real_estate"


def test_the_page_names_each_error_and_keeps_what_was_typed(client, users, regions):
    village = first_village(regions, TOWNSHIP_A)
    client.force_login(users["officer_a"])
    bad = wrong_check_digit(WIFE_ID)
    data = form_data(village, two_members(wife_id=bad), address="大坪村3组")
    data["members-1-disability_type"] = "visual"
    body = client.post(reverse("registry:household_new"), data).content.decode()
    assert 'id="walkin-errors"' in body
    assert "第2名成员（吴小花）的身份证号码：身份证号码校验位错误" in body
    assert "大坪村3组" in body and f'value="{bad}"' in body and 'value="吴小花"' in body
    # the same person twice, and a rule of the person's attributes, once the numbers hold
    data = form_data(village, two_members(wife_id=HEAD_ID))
    data["members-1-disability_type"] = "visual"
    body = client.post(reverse("registry:household_new"), data).content.decode()
    assert "第2名成员（吴小花）的身份证号码：与第1名成员是同一人（身份证号码重复）" in body
    assert "第2名成员（吴小花）的残疾等级：有残疾类别时，残疾等级应为1至4级" in body
    # a row left empty is named too
    data = form_data(village, [*two_members(), {"name": "", "id_number": "", "relation": ""}])
    body = client.post(reverse("registry:household_new"), data).content.decode()
    assert "第3名成员的姓名：这个字段是必填项。" in body
    assert not Household.objects.exists()


def test_the_page_links_a_household_in_the_jurisdiction_and_describes_none_outside(
    client, users, regions, make_household
):
    village = first_village(regions, TOWNSHIP_A)
    mine = make_household(TOWNSHIP_A, head_name="龙二", size=1)
    theirs = make_household(TOWNSHIP_B, head_name="石二妹", size=1)
    client.force_login(users["officer_a"])
    data = form_data(village, two_members(head_id=decrypt(mine.members.get().id_cipher)))
    body = client.post(reverse("registry:household_new"), data).content.decode()
    link = reverse("registry:household_detail", args=[mine.pk])
    assert f'该身份证号码已在<a href="{link}">龙二户（家庭编号{mine.number}）</a>登记' in body

    data = form_data(village, two_members(wife_id=decrypt(theirs.members.get().id_cipher)))
    body = client.post(reverse("registry:household_new"), data).content.decode()
    assert "该身份证号码已在其他家庭登记，请联系县级民政部门核实" in body
    township_b = regions[TOWNSHIP_B]
    for secret in (theirs.number, "石二妹", township_b.name, theirs.village.name):
        assert secret not in body
    assert Household.objects.count() == 2


def test_the_page_refuses_a_village_outside_the_jurisdiction(client, users, regions):
    client.force_login(users["officer_a"])
    data = form_data(first_village(regions, TOWNSHIP_B), two_members())
    body = client.post(reverse("registry:household_new"), data).content.decode()
    assert "村（社区）：选择一个有效的选项" in body
    assert not Household.objects.exists()


def test_the_county_chooses_the_village_by_township(client, users, regions):
    client.force_login(users["county"])
    page = client.get(reverse("registry:household_new")).content.decode()
    assert f'<optgroup label="{regions[TOWNSHIP_A].name}">' in page
    assert f'<optgroup label="{regions[TOWNSHIP_B].name}">' in page


def test_a_village_assistant_registers_in_their_village(client, users):
    client.force_login(users["village_a"])
    data = form_data(users["village_a"].region, two_members())
    response = client.post(reverse("registry:household_new"), data)
    assert response.status_code == 302
    assert Household.objects.get().village_id == users["village_a"].region_id


# ---- finding the household for a new application --------------------------------------------


def test_the_register_page_finds_by_name_pinyin_id_and_number(client, users, make_household):
    shan = make_household(TOWNSHIP_A, head_name="单田芳", size=2)
    make_household(TOWNSHIP_A, head_name="龙大山", size=1)
    elsewhere = make_household(TOWNSHIP_B, head_name="单二", size=1)
    client.force_login(users["village_a"])
    find = reverse("cases:register_find")
    register = f"{reverse('cases:register')}?household={shan.pk}"
    for query in ("单田", "stf", "shantian", "龙小1"):  # 龙小1: a member's name
        response = client.post(find, {"q": query})
        assert response.status_code == 303
        body = client.get(response["Location"]).content.decode()
        assert register in body and "为该家庭登记申请" in body, query
        assert "龙大山" not in body and elsewhere.number not in body
    head = shan.members.get(relation="self")
    assert head.id_masked in body  # the pick-list shows masked ID numbers
    # an ID number is posted and answered by its keyed hash: it never enters a URL
    id_number = decrypt(head.id_cipher)
    response = client.post(find, {"q": id_number})
    assert response.status_code == 303 and id_number not in response["Location"]
    assert f"idh={head.id_hash}" in response["Location"]
    body = client.get(response["Location"]).content.decode()
    assert register in body and id_number not in body
    # the exact household number goes straight to the registration, as before
    response = client.post(find, {"q": shan.number})
    assert response.status_code == 302 and response["Location"] == register
    assert client.get(reverse("cases:register"), {"number": shan.number})["Location"] == register
    # a number outside the jurisdiction is not found, and the walk-in form is offered
    body = client.post(find, {"q": elsewhere.number}, follow=True).content.decode()
    assert f"没有找到家庭编号为“{elsewhere.number}”的家庭" in body
    assert "没有找到？登记新家庭" in body and reverse("registry:household_new") in body
    assert client.post(find, {"q": "1\x00"}).status_code == 303  # nothing reaches the database
    by_id = client.post(find, {"q": decrypt(elsewhere.members.get().id_cipher)}, follow=True)
    assert elsewhere.number not in by_id.content.decode()
    assert "没有找到符合条件的家庭" in by_id.content.decode()


def test_an_id_number_typed_into_the_find_url_is_redirected_away(client, users, make_household):
    household = make_household(TOWNSHIP_A, size=1)
    id_number = decrypt(household.members.get(relation="self").id_cipher)
    client.force_login(users["officer_a"])
    response = client.get(reverse("cases:register_find"), {"q": id_number})
    assert response.status_code == 302 and id_number not in response["Location"]
    assert household.number in client.get(response["Location"]).content.decode()


def test_the_queue_lookup_posts_to_the_find_page(client, users):
    client.force_login(users["officer_a"])
    body = client.get(reverse("cases:queue")).content.decode()
    assert f'method="post" action="{reverse("cases:register_find")}" id="register-lookup"' in body
    client.force_login(users["finance"])
    assert client.get(reverse("cases:register_find")).status_code == 404
