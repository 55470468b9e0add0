"""Registry services: revealing an ID is permitted, reasoned and audited; edits store personal
data encrypted and audit only what changed; money is Decimal with two places; the household
page shows members' labels, incomes, assets and history; the audit chain still verifies."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from jiuzhu.core import audit, crypto
from jiuzhu.core.errors import PermissionDenied, ValidationFailed
from jiuzhu.core.models import AuditEntry
from jiuzhu.registry import services
from jiuzhu.registry.models import AssetFact, Household, IncomeFact, Person
from jiuzhu.registry.sensitive import BANK_PURPOSE
from jiuzhu.registry.services import PersonChanges
from tests.conftest import TOWNSHIP_A

FULL_ID = re.compile(r"\d{17}[\dX]")


@pytest.fixture
def household(make_household):
    return make_household(TOWNSHIP_A, size=3, head_name="龙大山")


def members(household):
    return list(household.members.order_by("id"))


def detail(client, household):
    response = client.get(reverse("registry:household_detail", args=[household.pk]))
    assert response.status_code == 200
    return response.content.decode()


def section(body, table_id):
    start = body.index(f'id="{table_id}"')
    return body[start : body.index("</table>", start)]


def changes_of(person, **overrides):
    values = {f: getattr(person, f) for f in PersonChanges.__dataclass_fields__}
    return PersonChanges(**{**values, **overrides})


def audit_entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


# --- revealing a full ID number ------------------------------------------------------------


def test_reveal_returns_the_full_id_and_is_audited(users, household):
    person = members(household)[0]
    number = services.person_reveal_id(
        actor=users["officer_a"], person_id=person.pk, reason="核对低保申请材料"
    )
    assert number == crypto.decrypt(person.id_cipher)
    assert FULL_ID.fullmatch(number)
    [entry] = audit_entries("person.reveal_id")
    assert entry.actor_id == users["officer_a"].pk
    assert entry.reason == "核对低保申请材料"
    assert entry.household_id == household.pk
    assert entry.object_id == str(person.pk)
    assert number not in entry.object_repr  # the trail itself shows only the mask


@pytest.mark.parametrize("reason", ["", "   "])
def test_reveal_needs_a_reason(users, household, reason):
    person = members(household)[0]
    with pytest.raises(ValidationFailed):
        services.person_reveal_id(actor=users["officer_a"], person_id=person.pk, reason=reason)
    assert not audit_entries("person.reveal_id")


def test_finance_may_not_reveal(users, household):
    person = members(household)[0]
    with pytest.raises(PermissionDenied):
        services.person_reveal_id(actor=users["finance"], person_id=person.pk, reason="核对")
    assert not audit_entries("person.reveal_id")


def test_other_township_cannot_reveal(users, household):
    person = members(household)[0]
    with pytest.raises(Http404):
        services.person_reveal_id(actor=users["officer_b"], person_id=person.pk, reason="核对")
    assert not audit_entries("person.reveal_id")


def test_pages_show_only_masked_ids_until_revealed(client, users, household):
    client.force_login(users["officer_a"])
    people = members(household)
    full = [crypto.decrypt(p.id_cipher) for p in people]
    pages = [
        detail(client, household),
        client.get(reverse("registry:household_list")).content.decode(),
        client.get(reverse("registry:household_list"), {"q": "龙"}).content.decode(),
    ]
    for body in pages:
        assert not FULL_ID.search(body)
        assert not any(n in body for n in full)
    assert all(p.id_masked in pages[0] for p in people)
    assert all(
        "*" in p.id_masked and p.id_masked[:4] == n[:4] for p, n in zip(people, full, strict=True)
    )

    revealed = client.post(
        reverse("registry:person_reveal", args=[people[0].pk]), {"reason": "入户核查"}
    )
    assert full[0] in revealed.content.decode()
    assert len(audit_entries("person.reveal_id")) == 1
    # the page itself is still masked afterwards
    assert not FULL_ID.search(detail(client, household))


def test_reveal_view_without_reason_reveals_nothing(client, users, household):
    client.force_login(users["officer_a"])
    person = members(household)[0]
    body = client.post(
        reverse("registry:person_reveal", args=[person.pk]), {"reason": ""}
    ).content.decode()
    assert "请填写查看事由" in body and not FULL_ID.search(body)
    assert not audit_entries("person.reveal_id")


# --- household_update ----------------------------------------------------------------------


def test_household_update_encrypts_the_bank_account_and_audits_changes(client, users, household):
    officer = users["officer_a"]
    old_masked = household.bank_account_masked
    account = "6217 0033 2000 1234 567"
    services.household_update(
        actor=officer,
        household_id=household.pk,
        address="沱江镇新街8号",
        phone="13987654321",
        bank_name=household.bank_name,
        bank_account=account,
        reason="户主申请变更",
    )
    h = Household.objects.get(pk=household.pk)
    compact = account.replace(" ", "")
    assert h.address == "沱江镇新街8号"
    assert crypto.decrypt(h.phone_cipher) == "13987654321" and h.phone_masked == "139****4321"
    assert h.bank_account_cipher and compact not in h.bank_account_cipher
    assert crypto.decrypt(h.bank_account_cipher) == compact
    assert h.bank_account_hash == crypto.lookup_hash(compact, purpose=BANK_PURPOSE)
    assert h.bank_account_masked == "6217***********4567"

    [entry] = audit_entries("household.update")
    assert entry.actor_id == officer.pk and entry.reason == "户主申请变更"
    assert entry.household_id == household.pk
    assert set(entry.old) == set(entry.new) == {"address", "phone", "bank_account"}  # not bank_name
    assert entry.old["bank_account"] == old_masked
    assert entry.new == {
        "address": "沱江镇新街8号",
        "phone": "139****4321",
        "bank_account": "6217***********4567",
    }
    assert compact not in str(entry.old) + str(entry.new)

    client.force_login(officer)
    body = detail(client, household)
    assert "6217***********4567" in body and compact not in body and "13987654321" not in body


def test_household_update_of_one_field_audits_only_that_field(users, household):
    services.household_update(
        actor=users["officer_a"],
        household_id=household.pk,
        address=household.address,
        phone="",
        bank_name="凤凰县邮政储蓄银行",
        bank_account="",
        reason="银行更名",
    )
    h = Household.objects.get(pk=household.pk)
    assert h.bank_account_cipher == household.bank_account_cipher  # blank leaves it unchanged
    assert h.phone_cipher == household.phone_cipher
    [entry] = audit_entries("household.update")
    assert entry.old == {"bank_name": "凤凰县农村商业银行"}
    assert entry.new == {"bank_name": "凤凰县邮政储蓄银行"}


def test_household_update_without_change_is_refused(users, household):
    with pytest.raises(ValidationFailed):
        services.household_update(
            actor=users["officer_a"],
            household_id=household.pk,
            address=household.address,
            phone="",
            bank_name=household.bank_name,
            bank_account="",
            reason="无",
        )
    assert not audit_entries("household.update")


def test_corrected_middle_digits_count_as_a_change(users, household):
    """The masks keep only the ends, so a typo fixed in the middle must still be saved and
    audited (the fixture's account is 6230901234567890123, its phone 13812345678)."""
    officer = users["officer_a"]
    services.household_update(
        actor=officer,
        household_id=household.pk,
        address=household.address,
        phone="13899995678",
        bank_name=household.bank_name,
        bank_account="6230991234567890123",
        reason="更正录入错误",
    )
    h = Household.objects.get(pk=household.pk)
    assert crypto.decrypt(h.bank_account_cipher) == "6230991234567890123"
    assert crypto.decrypt(h.phone_cipher) == "13899995678"
    assert h.bank_account_masked == household.bank_account_masked  # same ends, same mask
    [entry] = audit_entries("household.update")
    assert set(entry.old) == set(entry.new) == {"phone", "bank_account"}


def test_re_entering_the_same_account_is_no_change(users, household):
    with pytest.raises(ValidationFailed):
        services.household_update(
            actor=users["officer_a"],
            household_id=household.pk,
            address=household.address,
            phone="13812345678",
            bank_name=household.bank_name,
            bank_account="6230 9012 3456 7890 123",
            reason="无",
        )
    assert not audit_entries("household.update")


def test_household_update_by_assistant_of_another_village_is_404(
    users, regions, make_user, household
):
    other_village = sorted(
        (r for r in regions.values() if r.parent_id == regions[TOWNSHIP_A].pk), key=lambda r: r.code
    )[1]
    assert household.village_id != other_village.pk
    neighbour = make_user("village-other", "village_assistant", other_village.code)

    def edit(actor):
        return services.household_update(
            actor=actor,
            household_id=household.pk,
            address="别处",
            phone="",
            bank_name="",
            bank_account="",
            reason="改",
        )

    with pytest.raises(Http404):
        edit(neighbour)
    assert Household.objects.get(pk=household.pk).address == household.address
    assert not audit_entries("household.update")
    edit(users["village_a"])  # the household's own village assistant may
    assert Household.objects.get(pk=household.pk).address == "别处"


def test_household_update_by_another_township_is_404(users, household):
    with pytest.raises(Http404):
        services.household_update(
            actor=users["officer_b"],
            household_id=household.pk,
            address="别处",
            phone="",
            bank_name="",
            bank_account="",
            reason="改",
        )


def test_household_update_by_finance_is_refused(users, household):
    with pytest.raises(PermissionDenied):
        services.household_update(
            actor=users["finance"],
            household_id=household.pk,
            address="别处",
            phone="",
            bank_name="",
            bank_account="",
            reason="改",
        )


# --- person_update -------------------------------------------------------------------------


def test_person_update_audits_old_and_new(users, household):
    person = members(household)[1]
    services.person_update(
        actor=users["officer_a"],
        person_id=person.pk,
        changes=changes_of(
            person, labour_capacity="partial", disability_type="physical", disability_grade=3
        ),
        reason="残疾证复核",
    )
    person.refresh_from_db()
    assert (person.labour_capacity, person.disability_type, person.disability_grade) == (
        "partial",
        "physical",
        3,
    )
    assert person.disability_label == "肢体残疾3级"
    [entry] = audit_entries("person.update")
    assert entry.old == {"labour_capacity": "full", "disability_type": "", "disability_grade": None}
    assert entry.new == {
        "labour_capacity": "partial",
        "disability_type": "physical",
        "disability_grade": 3,
    }
    assert entry.reason == "残疾证复核" and entry.household_id == household.pk


def test_disability_type_needs_a_grade(users, household):
    person = members(household)[1]
    with pytest.raises(ValidationFailed):
        services.person_update(
            actor=users["officer_a"],
            person_id=person.pk,
            changes=changes_of(person, disability_type="visual", disability_grade=None),
            reason="补录",
        )
    with pytest.raises(ValidationFailed):
        services.person_update(
            actor=users["officer_a"],
            person_id=person.pk,
            changes=changes_of(person, disability_grade=2),
            reason="补录",
        )
    person.refresh_from_db()
    assert person.disability_type == "" and person.disability_grade is None
    assert not audit_entries("person.update")


def test_a_second_head_is_refused(users, household):
    head, daughter = members(household)[:2]
    assert head.relation == "self"
    with pytest.raises(ValidationFailed):
        services.person_update(
            actor=users["officer_a"],
            person_id=daughter.pk,
            changes=changes_of(daughter, relation="self"),
            reason="户主变更",
        )
    daughter.refresh_from_db()
    assert daughter.relation == "daughter"
    assert Household.objects.get(pk=household.pk).head_name == "龙大山"


def test_head_can_move_once_the_old_head_is_changed(users, household):
    head, daughter = members(household)[:2]
    services.person_update(
        actor=users["officer_a"],
        person_id=head.pk,
        changes=changes_of(head, relation="parent"),
        reason="户主变更",
    )
    services.person_update(
        actor=users["officer_a"],
        person_id=daughter.pk,
        changes=changes_of(daughter, relation="self"),
        reason="户主变更",
    )
    assert Household.objects.get(pk=household.pk).head_name == daughter.name


def test_person_update_without_change_is_refused(users, household):
    person = members(household)[0]
    with pytest.raises(ValidationFailed):
        services.person_update(
            actor=users["officer_a"], person_id=person.pk, changes=changes_of(person), reason="无"
        )


# --- income_add / asset_add ----------------------------------------------------------------


def add_income(
    actor, household, amount, start=date(2025, 1, 1), end=date(2025, 12, 31), person=None
):
    return services.income_add(
        actor=actor,
        household_id=household.pk,
        person_id=person.pk if person else None,
        category="wages",
        amount=amount,
        period_start=start,
        period_end=end,
        source="申报",
    )


def add_asset(actor, household, value, kind="vehicle"):
    return services.asset_add(
        actor=actor,
        household_id=household.pk,
        person_id=None,
        kind=kind,
        description="二手面包车",
        identifier="湘U12345",
        quantity=1,
        value=value,
        is_disability_vehicle=False,
        recorded_on=date(2025, 6, 1),
        source="申报",
    )


@pytest.mark.parametrize("raw", ["12000", "12,000.00", "１２０００元", 12000, Decimal("12000")])
def test_income_amount_is_decimal_with_two_places(users, household, raw):
    fact = add_income(users["officer_a"], household, raw)
    stored = IncomeFact.objects.get(pk=fact.pk).amount
    assert isinstance(stored, Decimal)
    assert stored == Decimal("12000.00") and stored.as_tuple().exponent == -2


def test_amount_is_rounded_half_up_to_cents(users, household):
    fact = add_income(users["officer_a"], household, "100.005")
    assert IncomeFact.objects.get(pk=fact.pk).amount == Decimal("100.01")


def test_float_amount_is_a_type_error(users, household):
    # parse_money refuses float with TypeError, which the services let through (a programming
    # error, not a user's typing mistake)
    with pytest.raises(TypeError):
        add_income(users["officer_a"], household, 12000.0)
    with pytest.raises(TypeError):
        add_asset(users["officer_a"], household, 5000.0)
    assert not IncomeFact.objects.exists() and not AssetFact.objects.exists()


@pytest.mark.parametrize("raw", ["-100", "-¥100", "12,00", "abc", ""])
def test_bad_or_negative_amount_is_refused(users, household, raw):
    with pytest.raises(ValidationFailed):
        add_income(users["officer_a"], household, raw)
    assert not IncomeFact.objects.exists()


def test_negative_asset_value_is_refused(users, household):
    with pytest.raises(ValidationFailed):
        add_asset(users["officer_a"], household, "-5000")
    assert not AssetFact.objects.exists()


def test_income_period_end_before_start_is_refused(users, household):
    with pytest.raises(ValidationFailed):
        add_income(
            users["officer_a"], household, "100", start=date(2025, 6, 1), end=date(2025, 5, 31)
        )
    assert not IncomeFact.objects.exists()
    assert not audit_entries("income.add")


def test_asset_value_is_decimal_and_optional(users, household):
    fact = add_asset(users["officer_a"], household, "35,000")
    assert AssetFact.objects.get(pk=fact.pk).value == Decimal("35000.00")
    blank = add_asset(users["officer_a"], household, "", kind="deposit")
    assert AssetFact.objects.get(pk=blank.pk).value is None


def test_income_and_asset_of_another_township_are_404(users, household):
    with pytest.raises(Http404):
        add_income(users["officer_b"], household, "100")
    with pytest.raises(Http404):
        add_asset(users["officer_b"], household, "100")


def test_income_and_asset_appear_on_the_detail_page_and_in_history(client, users, household):
    officer = users["officer_a"]
    daughter = members(household)[1]
    add_income(officer, household, "12000", person=daughter)
    add_asset(officer, household, "35000.5")
    [income_entry] = audit_entries("income.add")
    assert income_entry.new["amount"] == "12000.00" and income_entry.new["person"] == daughter.name

    client.force_login(officer)
    body = detail(client, household)
    content = body[: body.index('id="history"')]
    assert "¥12,000.00" in content and "工资性收入" in content
    assert "¥35,000.50" in content and "机动车辆" in content and "湘U12345" in content
    history = section(body, "history")
    assert "登记收入" in history and "登记财产" in history
    assert "¥12,000.00" in history and "¥35,000.50" in history
    assert "2025年1月1日至2025年12月31日" in history
    assert "乡镇民政经办人员" in history  # the operator by name and role


# --- the household page --------------------------------------------------------------------


def test_detail_page_shows_member_labels(client, users, household):
    officer = users["officer_a"]
    people = members(household)
    services.person_update(
        actor=officer,
        person_id=people[1].pk,
        changes=changes_of(
            people[1], labour_capacity="partial", disability_type="physical", disability_grade=3
        ),
        reason="残疾证复核",
    )
    services.person_update(
        actor=officer,
        person_id=people[2].pk,
        changes=changes_of(people[2], hukou_type="urban", labour_capacity="none"),
        reason="户籍迁移",
    )
    client.force_login(officer)
    body = detail(client, household)
    rows = section(body, "members").split("<tr>")[2:]  # after the header row
    assert len(rows) == 3
    today = timezone.localdate()
    expected = [
        ("户主", "农村（农业）", "有劳动能力", "无"),
        ("女", "农村（农业）", "部分丧失劳动能力", "肢体残疾3级"),
        ("女", "城镇（非农业）", "无劳动能力", "无"),
    ]
    for row, person, labels in zip(rows, members(household), expected, strict=True):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        assert person.name in cells[0]
        assert cells[1] == labels[0]
        assert cells[4] == str(person.age_on(today))
        assert cells[6:9] == list(labels[1:])
    history = section(body, "history")
    assert history.count("修改成员信息") == 2 and "户籍迁移" in history


# --- the audit chain -----------------------------------------------------------------------


def test_audit_chain_verifies_after_all_edits(client, users, household):
    officer = users["officer_a"]
    people = members(household)
    services.person_reveal_id(actor=officer, person_id=people[0].pk, reason="核对")
    services.household_update(
        actor=officer,
        household_id=household.pk,
        address="新址",
        phone="13700001111",
        bank_name="凤凰县邮政储蓄银行",
        bank_account="6221880000000000001",
        reason="变更",
    )
    services.person_update(
        actor=officer,
        person_id=people[1].pk,
        changes=changes_of(people[1], disability_type="hearing", disability_grade=2),
        reason="复核",
    )
    add_income(officer, household, "8800.80")
    add_asset(officer, household, Decimal("1234.5"))
    client.force_login(officer)
    client.post(reverse("registry:person_reveal", args=[people[1].pk]), {"reason": "入户"})
    with pytest.raises(ValidationFailed):  # a refused edit leaves no trace in the chain
        add_income(officer, household, "-1")

    count, problem = audit.verify()
    assert problem is None
    assert count == AuditEntry.objects.count() and count >= 6
    ours = AuditEntry.objects.filter(household_id=household.pk).order_by("seq")
    assert [e.action for e in ours] == [
        "person.reveal_id",
        "household.update",
        "person.update",
        "income.add",
        "asset.add",
        "person.reveal_id",
    ]
    assert AuditEntry.objects.exclude(action="regions.import").count() == 6
    assert Person.objects.filter(household=household).count() == 3
