"""Shared fixtures: the demo county's region tree, users scoped to two townships, households."""

from datetime import date
from pathlib import Path

import pytest

from jiuzhu.core.idnumber import make_resident_id

REGIONS_CSV = Path(__file__).resolve().parent.parent / "jiuzhu/regions/data/433123_fenghuang.csv"
TOWNSHIP_A, TOWNSHIP_B = "433123109000", "433123112000"  # 沱江镇, 山江镇
PASSWORD = "Test-Password-2026"


def pytest_collection_modifyitems(config, items):
    """The `postgres` marker (pyproject.toml): such a test needs PostgreSQL, which `.ci/run`
    always gives; on the SQLite fallback of a bare `pytest` it is skipped, here in one place."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (scripts/run-tests.sh starts one)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _own_crosscheck_copy(settings, tmp_path):
    """Each test its own directory for the cross-check runs' copy of the tables
    (crosscheck.mirror), as each test has its own rows."""
    settings.JIUZHU_CROSSCHECK_MIRROR_DIR = tmp_path / "crosscheck-mirror"


@pytest.fixture(autouse=True)
def _own_audit_anchors(settings, tmp_path):
    """Each test its own directory of audit-chain anchors (jiuzhu.core.audit_anchor), as each
    test has its own audit rows."""
    settings.JIUZHU_AUDIT_ANCHOR_DIR = tmp_path / "audit-anchors"


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_audit_triggers():
    """The database refuses to empty the audit table (core.0007: TRUNCATE on PostgreSQL, DELETE
    on SQLite); the test runner, which empties every table after a transactional test, does it
    with the triggers off, as only the database's superuser could."""
    from importlib import import_module

    from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
    from django.db.backends.sqlite3.base import DatabaseWrapper as SqliteWrapper

    triggers = import_module("jiuzhu.core.migrations.0007_audit_append_only_everywhere")
    Postgres, Sqlite = PostgresWrapper.ops_class, SqliteWrapper.ops_class
    postgres_flush, sqlite_flush = Postgres.sql_flush, Sqlite.sql_flush

    def postgres(self, style, tables, **options):
        statements = postgres_flush(self, style, tables, **options)
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else []

    def sqlite(self, style, tables, **options):
        statements = sqlite_flush(self, style, tables, **options)
        if not statements:
            return []
        return [*triggers.SQLITE_BACKWARD, *statements, *triggers.SQLITE_FORWARD]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Postgres, "sql_flush", postgres)
        patch.setattr(Sqlite, "sql_flush", sqlite)
        yield


@pytest.fixture
def regions(db):
    from jiuzhu.accounts.system import system_actor
    from jiuzhu.regions.models import Region
    from jiuzhu.regions.services import regions_import_csv

    regions_import_csv(path=REGIONS_CSV, actor=system_actor("cli"))
    _ensure_programmes()
    return {r.code: r for r in Region.objects.all()}


def _ensure_programmes():
    """The catalogue rows come from a data migration, which transactional tests' flush removes."""
    from jiuzhu.programmes.catalogue import PROGRAMMES
    from jiuzhu.programmes.models import Programme

    for p in PROGRAMMES:
        Programme.objects.update_or_create(
            code=p.code,
            defaults={"name": p.name, "payment": p.payment, "needs_notice": p.needs_notice},
        )


def first_village(regions, township_code):
    return sorted(
        (r for r in regions.values() if r.parent_id == regions[township_code].pk),
        key=lambda r: r.code,
    )[0]


@pytest.fixture
def make_user(regions):
    from jiuzhu.accounts.models import User

    def make(username, role, region_code):
        user = User.objects.create(username=username, role=role, region=regions[region_code])
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


@pytest.fixture
def users(make_user, regions):
    village_a = first_village(regions, TOWNSHIP_A)
    return {
        "officer_a": make_user("officer-a", "township_officer", TOWNSHIP_A),
        "officer_b": make_user("officer-b", "township_officer", TOWNSHIP_B),
        "village_a": make_user("village-a", "village_assistant", village_a.code),
        "county": make_user("county-admin", "county_admin", "433123000000"),
        "inspector": make_user("inspector", "inspector", "433123000000"),
        "finance": make_user("finance", "finance", "433123000000"),
    }


_serial = {"n": 0}


@pytest.fixture
def make_household(regions):
    """A household of `size` members in the first village of a township (or a given village)."""
    from jiuzhu.registry.builders import build_household, build_person, household_number

    def make(township_code=TOWNSHIP_A, *, village=None, size=2, head_name="龙大山", head_id=None):
        village = village or first_village(regions, township_code)
        _serial["n"] += 1
        h = build_household(
            number=household_number(village.code, _serial["n"]),
            village=village,
            address=f"{village.name}1组",
            area_type="rural",
            head_name=head_name,
            phone="13812345678",
            bank_name="凤凰县农村商业银行",
            bank_account="6230901234567890123",
        )
        h.save()
        people = []
        for i in range(size):
            born = date(1970 + i * 20, 3, 1 + (_serial["n"] % 27))
            number = (
                head_id
                if (i == 0 and head_id)
                else make_resident_id(
                    region_code="433123",
                    birth_date=born,
                    sequence=_serial["n"] % 100,
                    sex="M" if i == 0 else "F",
                )
            )
            people.append(
                build_person(
                    household=h,
                    name=head_name if i == 0 else f"龙小{i}",
                    id_number=number,
                    birth_date=born,
                    sex="M" if i == 0 else "F",
                    relation="self" if i == 0 else "daughter",
                    hukou_type="rural",
                )
            )
        for p in people:
            p.save()
        return h

    return make
