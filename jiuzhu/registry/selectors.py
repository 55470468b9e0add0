"""Reads of the registry. Every user-facing query starts from the user's jurisdiction."""

import re
from typing import NamedTuple

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404

from jiuzhu.accounts.jurisdiction import region_ids_q, region_q
from jiuzhu.core import rowxid
from jiuzhu.core.idnumber import IdNumberError, parse_resident_id
from jiuzhu.core.models import AuditEntry
from jiuzhu.regions.models import Region

from .models import Household, Person
from .sensitive import id_lookup_hash

ID_LIKE = re.compile(r"^[0-9０-９]{15}$|^[0-9０-９]{17}[0-9０-９xXｘＸ]$")
LATIN = re.compile(r"^[a-zA-Z]+$")


def households_for(user) -> QuerySet[Household]:
    return Household.objects.filter(region_q(user))


def villages_for(user) -> QuerySet[Region]:
    """The villages (communities) a user may register households in: those of their region."""
    return (
        Region.objects.filter(region_ids_q(user), level=Region.Level.VILLAGE)
        .select_related("parent")
        .order_by("code")
    )


class RegisteredAt(NamedTuple):
    """The household a person is already registered in, as far as the user may know it."""

    household_id: int
    number: str
    head_name: str

    def __str__(self) -> str:
        return f"{self.head_name}户（家庭编号{self.number}）"


def registered_at(*, user, numbers) -> dict[str, RegisteredAt | None]:
    """Normalised ID number → the household already holding that person: named within the
    user's jurisdiction, None outside it (the user learns only that the person is registered).
    Numbers nobody holds are absent. Looked up by the keyed hash, 5,000 at a time."""
    by_hash = {id_lookup_hash(n): n for n in numbers}
    visible = Q(region_q(user, prefix="household__"))
    found = {}
    hashes = list(by_hash)
    for start in range(0, len(hashes), 5000):
        for h, pk, number, head, mine in (
            Person.objects.filter(id_hash__in=hashes[start : start + 5000])
            .annotate(mine=ExpressionWrapper(visible, output_field=BooleanField()))
            .values_list(
                "id_hash", "household_id", "household__number", "household__head_name", "mine"
            )
        ):
            found[by_hash[h]] = RegisteredAt(pk, number, head) if mine else None
    return found


def household_get(*, user, pk: int) -> Household:
    """404, not 403, outside the user's regions: nothing is revealed about other townships."""
    household = (
        households_for(user).select_related("county", "township", "village").filter(pk=pk).first()
    )
    if household is None:
        raise Http404("没有找到该家庭")
    return household


def household_for_update(*, user, pk: int) -> Household:
    household = households_for(user).select_for_update().filter(pk=pk).first()
    if household is None:
        raise Http404("没有找到该家庭")
    return household


def person_get(*, user, pk: int) -> Person:
    person = (
        Person.objects.filter(region_q(user, prefix="household__"), pk=pk)
        .select_related("household")
        .first()
    )
    if person is None:
        raise Http404("没有找到该人员")
    return person


def household_search(
    *, user, query: str, region_id: int | None = None, id_hash: str = ""
) -> QuerySet[Household]:
    """By ID number (exact, via the keyed hash; or by that hash itself, `id_hash`, as the search
    page's URLs carry it), by pinyin initials, or by name."""
    qs = households_for(user)
    if region_id:
        qs = qs.filter(Q(township_id=region_id) | Q(village_id=region_id))
    if id_hash:
        return qs.filter(members__id_hash=id_hash).order_by("number")
    query = (query or "").strip()
    if not query:
        return qs.order_by("number")
    if ID_LIKE.match(query):
        try:
            number = parse_resident_id(query).number
        except IdNumberError:
            return qs.none()
        return qs.filter(members__id_hash=id_lookup_hash(number)).order_by("number")
    if LATIN.match(query):  # pinyin initials (lds) or full pinyin (longdashan)
        q = query.lower()
        members = Person.objects.filter(
            Q(name_initials__startswith=q) | Q(name_pinyin__startswith=q)
        )
    else:
        members = Person.objects.filter(name__startswith=query)
    return qs.filter(
        Q(head_name__startswith=query) | Q(pk__in=members.values("household_id"))
    ).order_by("number")


def with_member_count(qs: QuerySet[Household]) -> QuerySet[Household]:
    """A correlated count, evaluated only for the rows of the page (not a GROUP BY over all)."""
    counts = (
        Person.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(n=Count("*"))
        .values("n")
    )
    return qs.annotate(member_count=Subquery(counts))


def household_list_page(qs: QuerySet[Household]) -> QuerySet[Household]:
    return with_member_count(qs.select_related("village", "township"))


def members_of(household: Household) -> QuerySet[Person]:
    return household.members.order_by("id")


def household_history(household: Household) -> QuerySet[AuditEntry]:
    return (
        AuditEntry.objects.filter(household_id=household.pk)
        .select_related("actor")
        .order_by("-seq")
    )


def last_household_serials(villages) -> dict[str, int]:
    """The last household serial used in each village (household numbers are the village code
    plus a serial), so that new numbers continue after it. One grouped query."""
    by_id = {v.pk: v.code for v in villages}
    last = {code: 0 for code in by_id.values()}
    rows = (
        Household.objects.filter(village_id__in=by_id)
        .values("village_id")
        .annotate(top=Max("number"))
        .values_list("village_id", "top")
    )
    for village_id, top in rows:
        code = by_id[village_id]
        if top and top.startswith(code) and top[len(code) :].isdigit():
            last[code] = int(top[len(code) :])
    return last


# --- cross-check export (issue 4): plain column sets read by DuckDB -----------------------------
# The persons' own columns and their households' place columns are exported separately and
# joined in DuckDB (as the table `people`: these columns in this order, persons' first): joined
# in PostgreSQL, the three-table plan reads millions of persons through the household index.
# Both tables carry row_xid, so a run can fetch only the rows written since its previous run
# (`written_since`, a transaction id; see jiuzhu.crosscheck.mirror).

PEOPLE_EXPORT_COLUMNS = {
    "person_id": ("id", "BIGINT"),
    "household_id": ("household_id", "BIGINT"),
    "id_hash": ("id_hash", "VARCHAR"),
    "id_masked": ("id_masked", "VARCHAR"),
    "name": ("name", "VARCHAR"),
    "birth_date": ("birth_date", "DATE"),
    "sex": ("sex", "VARCHAR"),
    "relation": ("relation", "VARCHAR"),
    "disability_type": ("disability_type", "VARCHAR"),
    "disability_grade": ("disability_grade", "INTEGER"),
    "health_status": ("health_status", "VARCHAR"),
}

# The village code comes from the exported villages, joined in DuckDB: a household row does not
# change when its village is re-coded.
HOUSEHOLD_EXPORT_COLUMNS = {
    "household_id": ("id", "BIGINT"),
    "village_id": ("village_id", "BIGINT"),
    "township_id": ("township_id", "BIGINT"),
    "area_type": ("area_type", "VARCHAR"),
}


def _written_since(queryset: QuerySet, xid: int | None) -> QuerySet:
    return queryset if xid is None else queryset.filter(row_xid__gte=xid)


def _county_people(county_id: int) -> QuerySet:
    """The persons of the county's households. When the database holds only this county's
    households (a county's own deployment) that is every person, read without the semi-join on
    the households, which PostgreSQL plans as a merge join over two index scans: seconds at
    millions of persons."""
    people = Person.objects.all()
    if (
        Household.objects.filter(county_id__lt=county_id).exists()
        or Household.objects.filter(county_id__gt=county_id).exists()
    ):
        households = Household.objects.filter(county_id=county_id).values("id")
        people = people.filter(household_id__in=Subquery(households))
    return people


def people_for_export(*, county_id: int, written_since: int | None = None) -> QuerySet:
    """The county's persons (written by transaction `written_since` or later, when given), as
    the persons' own columns the cross-checks read."""
    return (
        _written_since(_county_people(county_id), written_since)
        .values_list(*[field for field, _ in PEOPLE_EXPORT_COLUMNS.values()])
        .order_by()
    )


def households_for_export(*, county_id: int, written_since: int | None = None) -> QuerySet:
    """The county's households (written by transaction `written_since` or later, when given), as
    the place columns the cross-checks read for each member."""
    return (
        _written_since(Household.objects.filter(county_id=county_id), written_since)
        .values_list(*[field for field, _ in HOUSEHOLD_EXPORT_COLUMNS.values()])
        .order_by()
    )


def people_gone_since(*, xid: int) -> QuerySet:
    """Keys of persons deleted or moved (to another household, or with their household to
    another county) by transaction `xid` or later; None: the table was emptied."""
    return rowxid.gone_since(Person, xid)


def households_gone_since(*, xid: int) -> QuerySet:
    """Keys of households deleted or moved to another county by transaction `xid` or later."""
    return rowxid.gone_since(Household, xid)


def person_ids_reveal(person_ids) -> dict[int, str]:
    """Plain ID numbers of a few persons, for resolving one-character ID errors (linkage tier 2).
    The caller audits the run that needed them."""
    from jiuzhu.core.crypto import decrypt

    return {
        pk: decrypt(cipher)
        for pk, cipher in Person.objects.filter(pk__in=list(person_ids)).values_list(
            "id", "id_cipher"
        )
    }


def household_income_facts(household_ids) -> dict[int, list]:
    """Income facts of the given households (for estimating eligibility of missed households)."""
    from .models import IncomeFact

    out: dict[int, list] = {}
    for fact in IncomeFact.objects.filter(household_id__in=list(household_ids)).select_related(
        "person"
    ):
        out.setdefault(fact.household_id, []).append(fact)
    return out


def household_sizes(household_ids) -> dict[int, tuple[int, str]]:
    """(number of members, area type) of many households in one query."""
    return {
        pk: (n, area)
        for pk, n, area in Household.objects.filter(pk__in=list(household_ids))
        .annotate(n=Count("members"))
        .values_list("pk", "n", "area_type")
    }
