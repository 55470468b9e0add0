"""The seeded demo generator and the demo accounts."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest

from jiuzhu.accounts.models import User
from jiuzhu.core.crypto import decrypt
from jiuzhu.core.idnumber import parse_resident_id
from jiuzhu.core.models import AuditEntry
from jiuzhu.demo import codes
from jiuzhu.demo.generator import COUNTY_CODE, demo_villages, generate_demo
from jiuzhu.demo.plan import IdAllocator, VillageInfo, plan_households
from jiuzhu.demo.users import DEMO_PASSWORD, create_demo_users
from jiuzhu.regions.models import Region
from jiuzhu.registry import choices
from jiuzhu.registry.models import AssetFact, Household, IncomeFact, Person, Source

N, SEED = 300, 4242
CHILD_RELATIONS = {"son", "daughter"}


@pytest.fixture
def generated(db):
    calls = []
    summary = generate_demo(households=N, seed=SEED, progress=lambda d, t: calls.append((d, t)))
    return summary, calls


def _age_gap_years(older: date, younger: date) -> float:
    return (younger - older).days / 365.2425


def test_counts_match_rows_and_one_audit_entry(generated):
    summary, calls = generated
    assert summary.households == N == Household.objects.filter(source=Source.DEMO).count()
    assert summary.persons == Person.objects.count()
    assert summary.incomes == IncomeFact.objects.count() > 0
    assert summary.assets == AssetFact.objects.count() > 0
    assert 2.2 <= summary.persons / N <= 2.9
    assert calls[-1] == (N, N)
    entries = AuditEntry.objects.filter(action="demo.generate")
    assert entries.count() == 1
    assert entries.get().new["seed"] == SEED and entries.get().new["persons"] == summary.persons


def test_ids_are_valid_unique_and_match_birth_date_and_sex(generated):
    numbers = []
    for p in Person.objects.all():
        number = decrypt(p.id_cipher)
        parsed = parse_resident_id(number)
        assert (parsed.birth_date, parsed.sex) == (p.birth_date, p.sex), number
        assert p.id_masked == number[:4] + "*" * 10 + number[-4:]
        numbers.append(number)
    assert len(set(numbers)) == len(numbers)
    regions = Counter(n[:6] for n in numbers)
    assert regions.most_common(1)[0][0] == "433123"
    assert len(regions) > 1  # some members come from neighbouring counties or other provinces


def test_each_household_has_one_head_named_as_household(generated):
    for h in Household.objects.prefetch_related("members"):
        heads = [m for m in h.members.all() if m.relation == "self"]
        assert len(heads) == 1, h.number
        assert heads[0].name == h.head_name


def test_households_use_only_county_villages_and_numbers_follow_village(generated):
    county = Region.objects.get(code=COUNTY_CODE)
    for h in Household.objects.select_related("village__parent", "township", "county"):
        assert h.village.level == "village" and h.village.parent.parent_id == county.pk
        assert h.township_id == h.village.parent_id and h.county_id == county.pk
        assert h.number.startswith(h.village.code) and len(h.number) == 17
        assert h.area_type == ("urban" if h.village.is_urban else "rural")


def test_ages_are_consistent_with_relations(generated):
    for h in Household.objects.prefetch_related("members"):
        members = list(h.members.all())
        head = next(m for m in members if m.relation == "self")
        for m in members:
            if m.relation == "spouse":
                assert abs(_age_gap_years(head.birth_date, m.birth_date)) <= 15
            elif m.relation in CHILD_RELATIONS:
                assert 18 <= _age_gap_years(head.birth_date, m.birth_date) <= 41
            elif m.relation == "grandchild":
                assert m.birth_date > head.birth_date
            elif m.relation in ("parent", "parent_in_law"):
                assert m.birth_date < head.birth_date
            if (date.today() - m.birth_date).days < 16 * 365:
                assert m.labour_capacity == "none"
        for child in (m for m in members if m.relation in CHILD_RELATIONS):
            if head.sex == "M":
                assert child.name.startswith(head.name[0])


def test_incomes_are_decimals_for_the_last_twelve_months(generated):
    today = date.today()
    categories = set()
    for f in IncomeFact.objects.all():
        assert isinstance(f.amount, Decimal) and f.amount.as_tuple().exponent == -2
        assert f.amount >= 0
        assert (f.period_start, f.period_end) == (today - timedelta(days=365), today)
        categories.add(f.category)
    assert {"wages", "basic_pension"} <= categories
    assert Household.objects.exclude(bank_account_cipher="").count() > N * 0.8
    account = decrypt(Household.objects.exclude(bank_account_cipher="").first().bank_account_cipher)
    assert len(account) == 19 and account[:4] in {"6230", "6217", "6228"}


def test_second_run_continues_serials_and_avoids_existing_ids(db):
    generate_demo(households=40, seed=SEED)
    second = generate_demo(households=40, seed=SEED)  # same seed: every planned ID is taken
    assert second.households == 40 and Household.objects.count() == 80
    assert Person.objects.values("id_hash").distinct().count() == Person.objects.count()
    for p in Person.objects.all():
        parsed = parse_resident_id(decrypt(p.id_cipher))
        assert (parsed.birth_date, parsed.sex) == (p.birth_date, p.sex)


def _snapshot(seed: int, villages: list[VillageInfo], today: date) -> list[tuple]:
    return [
        (
            p.village_code,
            p.address,
            p.phone,
            p.bank_account,
            tuple((m.name, m.birth_date, m.id_number, m.relation) for m in p.members),
            tuple((f.category, f.amount) for f in p.incomes),
            tuple((a.kind, a.value) for a in p.assets),
        )
        for p in plan_households(villages=villages, count=N, seed=seed, today=today)
    ]


def test_same_seed_plans_the_same_households(db):
    villages = [VillageInfo(r.code, r.name, r.parent.name, r.is_urban) for r in demo_villages()]
    assert len(villages) == 250
    today = date(2026, 11, 22)
    first = _snapshot(SEED, villages, today)
    assert first == _snapshot(SEED, villages, today)
    assert first != _snapshot(SEED + 1, villages, today)


def test_id_allocator_never_repeats_on_a_crowded_birthday():
    allocator = IdAllocator(date(2026, 1, 1))
    born = date(1980, 5, 17)
    numbers = [allocator.take("433123", born, "F") for _ in range(500)]
    assert len(set(numbers)) == 500
    assert all(parse_resident_id(n).birth_date == born for n in numbers)
    assert all(parse_resident_id(n).sex == "F" for n in numbers)
    assert numbers[0][:6] == "433123" and numbers[-1][:6] != "433123"


def test_planner_codes_are_registry_choice_values():
    # The pure planner writes plain strings; each must still be a value of the registry choice.
    for group in codes.ALL:
        registry_choice = getattr(choices, group.__name__)
        for name, value in vars(group).items():
            if name.isupper():
                assert getattr(registry_choice, name).value == value, f"{group.__name__}.{name}"


@pytest.mark.django_db
def test_create_demo_users_is_idempotent_and_scoped():
    first = create_demo_users()
    assert len(first) == 9 and User.objects.exclude(role="system").count() == 9
    again = create_demo_users()
    assert again == first and User.objects.exclude(role="system").count() == 9
    expected = {
        "county-admin": ("county_admin", "凤凰县"),
        "county-reviewer": ("county_reviewer", "凤凰县"),
        "township-officer": ("township_officer", "沱江镇"),
        "township-officer-b": ("township_officer", "山江镇"),
        "township-head": ("township_head", "沱江镇"),
        "village-assistant": ("village_assistant", "虹桥社区"),
        "inspector": ("inspector", "凤凰县"),
        "finance": ("finance", "凤凰县"),
        "auditor": ("auditor", "凤凰县"),
    }
    for user in User.objects.exclude(role="system").select_related("region"):
        assert (user.role, user.region.name) == expected[user.username]
        assert user.full_name and user.unit
        assert user.check_password(DEMO_PASSWORD) and user.is_active
    village = User.objects.get(username="village-assistant").region
    assert village.parent.name == "沱江镇"
    assert village == Region.objects.filter(parent=village.parent).order_by("code").first()
    assert User.objects.get(username="inspector").unit == "县纪委监委派驻民政局纪检监察组"
    assert User.objects.get(username="finance").unit == "县财政局"
    assert User.objects.get(username="auditor").unit == "县审计局"
    labels = {u: label for u, label, _ in first}
    assert labels["township-head"] == "乡镇负责人"
