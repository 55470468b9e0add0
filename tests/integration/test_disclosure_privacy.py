"""The public portal (R18, issue 16): Hypothesis-generated households — minors, disabilities,
diagnoses, bank accounts, phone numbers, the county's protection mark, unsupported children —
rendered through every public page and the printable sheet, without logging in. Nothing
protected may appear; protected households are absent but counted ("另有N户依规不予公开"); the
list is complete (listed + withheld = in force)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiuzhu.cases.models import Application
from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.core.models import AuditEntry
from jiuzhu.disclosure.selectors import village_list
from jiuzhu.payments.models import Enrolment
from jiuzhu.programmes.models import Programme
from jiuzhu.registry.builders import build_household, build_person, household_number
from tests.conftest import TOWNSHIP_A, TOWNSHIP_B, first_village

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.JIUZHU_PUBLIC_CACHE_SECONDS = 0  # each request renders what the database holds


ID_18, ID_15 = re.compile(r"\d{17}[\dXx]"), re.compile(r"\d{15}")
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
# Given names from characters that appear nowhere else on the pages, so a name can only be found
# where it is printed.
RARE = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
_names = itertools.count()
_serial = itertools.count(1)
PROGRAMMES = ("dibao_rural", "extreme_poverty_dispersed", "disability_living", "unsupported_child")
DIAGNOSES = ("艾滋病病毒感染", "HIV阳性", "精神分裂症", "肺结核")
DISABILITIES = ("", "visual", "physical", "intellectual", "mental")
LABELS = {
    "visual": "视力残疾",
    "physical": "肢体残疾",
    "intellectual": "智力残疾",
    "mental": "精神残疾",
}


def unique_name() -> str:
    n = next(_names)
    return (
        "欧阳"
        + RARE[n // len(RARE) % len(RARE)]
        + RARE[n % len(RARE)]
        + RARE[n // len(RARE) ** 2 % len(RARE)]
    )


@dataclass(frozen=True)
class MemberSpec:
    age: int
    disability: str
    diagnosis: str


@dataclass(frozen=True)
class HouseholdSpec:
    members: tuple[MemberSpec, ...]  # the first is the head
    programme: str
    one_person: int | None  # index of the member covered alone, or None for the household
    marked: bool  # withheld by the county
    ended: bool  # the enrolment ended last year: not in force, neither listed nor counted
    on_notice: bool  # a second application of the household is under notice
    second_village: bool


members = st.builds(
    MemberSpec,
    age=st.integers(min_value=0, max_value=95),
    disability=st.sampled_from(DISABILITIES),
    diagnosis=st.sampled_from(("",) + DIAGNOSES),
)
household_specs = st.builds(
    HouseholdSpec,
    members=st.lists(members, min_size=1, max_size=4).map(tuple),
    programme=st.sampled_from(PROGRAMMES),
    one_person=st.one_of(st.none(), st.integers(min_value=0, max_value=3)),
    marked=st.booleans(),
    ended=st.booleans(),
    on_notice=st.booleans(),
    second_village=st.booleans(),
)


@dataclass
class Built:
    spec: HouseholdSpec
    household: object
    names: list[str]
    ages: list[int]
    shown: str  # the name the list would show
    texts: list[str]  # what must never be published: diagnoses, bank, address, phone, IDs


def build(spec: HouseholdSpec, village, user, today: date) -> Built:
    n = next(_serial)
    names = [unique_name() for _ in spec.members]
    h = build_household(
        number=household_number(village.code, 9000 + n),
        village=village,
        address=f"{village.name}{RARE[n % len(RARE)]}组{n}号",
        area_type="rural",
        head_name=names[0],
        phone=f"139{n:08d}",
        bank_name="凤凰县农村商业银行",
        bank_account=f"62309012{n:011d}",
    )
    h.publication_withheld = spec.marked
    h.publication_withheld_reason = "家庭成员身份依规保护" if spec.marked else ""
    h.save()
    people = []
    for i, m in enumerate(spec.members):
        born = today.replace(year=today.year - m.age) - timedelta(days=1 + (n * 4 + i) % 300)
        person = build_person(
            household=h,
            name=names[i],
            id_number=make_resident_id(
                region_code="433123",
                birth_date=born,
                sequence=(n * 4 + i) % 100,
                sex="M" if i else "F",
            ),
            birth_date=born,
            sex="M" if i else "F",
            relation="self" if i == 0 else "daughter",
            hukou_type="rural",
            disability_type=m.disability,
            disability_grade=2 if m.disability else None,
            health_status="serious" if m.diagnosis else "healthy",
            health_note=m.diagnosis,
        )
        person.save()
        people.append(person)
    alone = (
        spec.one_person if spec.one_person is not None and spec.one_person < len(people) else None
    )
    programme = Programme.objects.get(code=spec.programme)
    app = Application.objects.create(
        number=f"P{h.pk:07d}",
        household=h,
        programme=programme,
        county_id=h.county_id,
        township_id=h.township_id,
        village_id=h.village_id,
        status="enrolled",
        created_by=user,
    )
    Enrolment.objects.create(
        household=h,
        person=people[alone] if alone is not None else None,
        programme=programme,
        application=app,
        county_id=h.county_id,
        township_id=h.township_id,
        village_id=h.village_id,
        members=1 if alone is not None else len(people),
        monthly_amount=Decimal("455.00"),
        start_month="2025-01",
        end_month="2025-12" if spec.ended else "",
        status="stopped" if spec.ended else "active",
        created_by=user,
    )
    if spec.on_notice:
        Application.objects.create(
            number=f"N{h.pk:07d}",
            household=h,
            programme=Programme.objects.get(code="dibao_rural"),
            county_id=h.county_id,
            township_id=h.township_id,
            village_id=h.village_id,
            status="noticed",
            notice_started_on=today - timedelta(days=2),
            monthly_amount=Decimal("388.00"),
            created_by=user,
        )
    shown = names[alone] if alone is not None else names[0]
    ages = [m.age for m in spec.members]
    texts = [m.diagnosis for m in spec.members if m.diagnosis]
    texts += [LABELS[m.disability] for m in spec.members if m.disability]
    texts += [h.address, "凤凰县农村商业银行", "重特大疾病", "二级", f"62309012{n:011d}"]
    return Built(spec, h, names, ages, shown, texts)


def protected(b: Built) -> bool:
    spec = b.spec
    alone = (
        spec.one_person if spec.one_person is not None and spec.one_person < len(b.names) else None
    )
    shown_age = b.ages[alone] if alone is not None else b.ages[0]
    return spec.marked or spec.programme == "unsupported_child" or shown_age < 18


def pages(client, villages) -> dict[str, str]:
    out = {"index": client.get(reverse("disclosure:index"))}
    for v in villages:
        for name in ("village", "notices", "village_print"):
            out[f"{name}:{v.code}"] = client.get(reverse(f"disclosure:{name}", args=[v.code]))
    for key, response in out.items():
        assert response.status_code == 200, key
    return {k: r.content.decode() for k, r in out.items()}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(household_specs, min_size=1, max_size=6))
def test_public_pages_publish_nothing_protected(specs, regions, users, client):
    today = timezone.localdate()
    villages = [first_village(regions, TOWNSHIP_A), first_village(regions, TOWNSHIP_B)]
    with transaction.atomic():
        built = [
            build(s, villages[1] if s.second_village else villages[0], users["county"], today)
            for s in specs
        ]
        audit_before = AuditEntry.objects.count()
        html = pages(client, villages)
        assert AuditEntry.objects.count() == audit_before, "GET wrote an audit row"
        everything = "\n".join(html.values())

        for key, text in html.items():
            assert not ID_18.search(text), f"{key}: an 18-digit ID pattern"
            assert not ID_15.search(text), f"{key}: a 15-digit number"
            assert not PHONE.search(text), f"{key}: a phone number"
        for b in built:
            for forbidden in b.texts:
                assert forbidden not in everything, f"published: {forbidden}"
            for name, age in zip(b.names, b.ages, strict=True):
                if age < 18:
                    assert name not in everything, f"a minor's name: {name}"
            if protected(b) or b.spec.ended:
                for name in b.names:
                    assert name not in everything, f"a withheld household's member: {name}"
            else:
                page = html[f"village:{b.household.village.code}"]
                assert b.shown in page, f"a recipient missing: {b.shown}"

        for v in villages:
            here = [b for b in built if b.household.village_id == v.pk and not b.spec.ended]
            withheld = sum(1 for b in here if protected(b))
            for key in (f"village:{v.code}", f"village_print:{v.code}"):
                page = html[key]
                rows = page.count("<tr>") - 1  # the header row
                listed = len(here) - withheld
                assert rows == (listed or 1), key  # the empty list has one explaining row
                if withheld:
                    assert f"另有{withheld}户依规不予公开" in page, key
                else:
                    assert "依规不予公开" not in page, key
            # completeness: every household in force is listed or counted
            listing = village_list(village=v, today=today)
            assert listing.listed + listing.withheld == listing.in_force == len(here)
            assert listing.withheld == withheld
            noticed = [b for b in built if b.household.village_id == v.pk and b.spec.on_notice]
            notice_withheld = sum(1 for b in noticed if b.spec.marked or b.ages[0] < 18)
            if notice_withheld:
                assert f"另有{notice_withheld}户依规不予公开" in html[f"notices:{v.code}"]
        transaction.set_rollback(True)


def test_unknown_village_is_404_and_pages_need_no_login(client, regions):
    assert client.get(reverse("disclosure:village", args=["999999999999"])).status_code == 404
    assert client.get(reverse("disclosure:notices", args=["nope"])).status_code == 404
    township = regions[TOWNSHIP_A]
    # a township's code is not a village
    assert client.get(reverse("disclosure:village", args=[township.code])).status_code == 404
    index = client.get(reverse("disclosure:index"))
    assert index.status_code == 200
    body = index.content.decode()
    assert 'href="/gongkai/jubao/"' in body and "12345" in body
    assert "退出" not in body  # not the staff layout
    village = first_village(regions, TOWNSHIP_A)
    assert reverse("disclosure:village", args=[village.code]) in body


def test_public_pages_write_nothing_and_refuse_post(client, regions, users, make_household):
    village = first_village(regions, TOWNSHIP_A)
    make_household(village=village)
    before = AuditEntry.objects.count()
    for name in ("village", "notices", "village_print"):
        url = reverse(f"disclosure:{name}", args=[village.code])
        assert client.get(url).status_code == 200
        assert client.post(url).status_code == 405
    assert AuditEntry.objects.count() == before
    assert "sessionid" not in client.cookies


def test_the_county_marks_a_household_and_the_portal_counts_it(
    client, regions, users, make_household
):
    from jiuzhu.core.errors import PermissionDenied
    from jiuzhu.registry.publication import household_publication_set
    from tests.integration.test_crosscheck_run import enrol

    village = first_village(regions, TOWNSHIP_A)
    h = make_household(village=village, head_name="龙保密")
    enrol(h, users["county"], start="2025-01")
    url = reverse("disclosure:village", args=[village.code])
    assert "龙保密" in client.get(url).content.decode()
    with pytest.raises(PermissionDenied):
        household_publication_set(
            actor=users["officer_a"],
            household_id=h.pk,
            withheld=True,
            withheld_reason="保护",
            reason="x",
        )
    household_publication_set(
        actor=users["county"],
        household_id=h.pk,
        withheld=True,
        withheld_reason="依规保护",
        reason="县级核定",
    )
    entry = AuditEntry.objects.filter(action="household.publication_withheld").get()
    assert entry.new["publication_withheld"] is True
    body = client.get(url).content.decode()
    assert "龙保密" not in body and "另有1户依规不予公开" in body
    # the form on the household page, for the county administrator
    client.force_login(users["county"])
    page = reverse("registry:household_publication", args=[h.pk])
    assert client.get(page).status_code == 200
    response = client.post(page, {"withheld": "", "withheld_reason": "", "reason": "解除"})
    assert response.status_code == 302
    h.refresh_from_db()
    assert not h.publication_withheld


def test_the_page_copy_is_reused_within_its_seconds(
    client, regions, users, make_household, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jiuzhu.disclosure import page_cache

    settings.JIUZHU_PUBLIC_CACHE_SECONDS = 30
    page_cache._pages.clear()
    village = first_village(regions, TOWNSHIP_A)
    url = reverse("disclosure:village", args=[village.code])
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.content == first.content and len(queries) == 0
    assert client.get(reverse("disclosure:village", args=["000000000000"])).status_code == 404
    page_cache._pages.clear()
