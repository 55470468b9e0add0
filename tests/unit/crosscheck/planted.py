"""A small county in plain DuckDB tables, for planting cases the checks must (not) find."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import duckdb

from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.core.masking import mask_id_number
from jiuzhu.crosscheck.checks.base import CheckContext, Limits
from jiuzhu.crosscheck.export import build_recipients
from jiuzhu.crosscheck.linkage import link
from jiuzhu.crosscheck.registries import REGISTRIES

KEY = b"planted-test-key"
TOWNSHIP, OTHER_TOWNSHIP = 10, 20
VILLAGES = {
    101: ("433123109201", "一村", TOWNSHIP),
    102: ("433123109202", "二村", TOWNSHIP),
    201: ("433123112201", "三村", OTHER_TOWNSHIP),
}


def id_hash(id18: str) -> str:
    return hmac.new(KEY, f"id:{id18}".encode(), hashlib.sha256).hexdigest()


def new_id(birth: date, seq: int, sex: str = "M", region: str = "433123") -> str:
    return make_resident_id(region_code=region, birth_date=birth, sequence=seq, sex=sex)


@dataclass
class County:
    people: list[dict] = field(default_factory=list)
    enrolments: list[dict] = field(default_factory=list)
    applications: list[dict] = field(default_factory=list)
    snapshots: dict[str, list[dict]] = field(default_factory=dict)
    plain: dict[int, str] = field(default_factory=dict)  # person_id -> ID
    _seq: int = 0

    def person(
        self,
        name: str,
        birth: date,
        *,
        household: int,
        relation: str = "self",
        sex: str = "M",
        village: int = 101,
        id18: str | None = None,
        **extra,
    ) -> dict:
        self._seq += 1
        pid = len(self.people) + 1
        id18 = id18 or new_id(birth, self._seq % 100, sex)
        row = {
            "person_id": pid,
            "household_id": household,
            "id_hash": id_hash(id18),
            "id_masked": mask_id_number(id18),
            "name": name,
            "birth_date": birth,
            "sex": sex,
            "relation": relation,
            "disability_type": extra.get("disability_type", ""),
            "disability_grade": extra.get("disability_grade"),
            "health_status": extra.get("health_status", "healthy"),
            "region_code": VILLAGES[village][0],
            "village_id": village,
            "township_id": VILLAGES[village][2],
            "area_type": "rural",
            "name_norm": name,
        }
        self.people.append(row)
        self.plain[pid] = id18
        return {**row, "id18": id18}

    def enrol(
        self,
        household: int,
        *,
        programme: str = "dibao_rural",
        amount: str = "600.00",
        members: int = 1,
        start: str = "2025-01",
        end: str = "",
        status: str = "active",
        person_id: int | None = None,
        village: int = 101,
    ) -> int:
        eid = len(self.enrolments) + 1
        self.enrolments.append(
            {
                "enrolment_id": eid,
                "household_id": household,
                "person_id": person_id,
                "application_id": 1000 + eid,
                "programme_code": programme,
                "monthly_amount": Decimal(amount),
                "members": members,
                "start_month": start,
                "end_month": end or None,
                "status": status,
                "village_id": village,
                "township_id": VILLAGES[village][2],
            }
        )
        return eid

    def ref(
        self,
        kind: str,
        name: str,
        *,
        id18: str | None = None,
        birth: date | None = None,
        sex: str | None = None,
        region_code: str | None = None,
        **columns,
    ) -> int:
        rows = self.snapshots.setdefault(kind, [])
        row_no = len(rows) + 2
        row = {c: None for c in REGISTRIES[kind].all_columns}
        row.update(
            row_no=row_no,
            name=name,
            name_norm=name,
            birth_date=birth,
            sex=sex,
            region_code=region_code,
            id_status="missing",
        )
        if id18:
            row.update(
                id_hash=id_hash(id18),
                id_masked=mask_id_number(id18),
                id_status="valid",
                birth_date=birth or date(int(id18[6:10]), int(id18[10:12]), int(id18[12:14])),
            )
        row.update(columns)
        rows.append(row)
        return row_no

    def context(
        self, month: str = "2026-11", limits: Limits | None = None, estimate=None
    ) -> CheckContext:
        con = duckdb.connect()
        _table(
            con,
            "people",
            self.people,
            {
                "person_id": "BIGINT",
                "household_id": "BIGINT",
                "id_hash": "VARCHAR",
                "id_masked": "VARCHAR",
                "name": "VARCHAR",
                "birth_date": "DATE",
                "sex": "VARCHAR",
                "relation": "VARCHAR",
                "disability_type": "VARCHAR",
                "disability_grade": "INTEGER",
                "health_status": "VARCHAR",
                "region_code": "VARCHAR",
                "village_id": "BIGINT",
                "township_id": "BIGINT",
                "area_type": "VARCHAR",
                "name_norm": "VARCHAR",
            },
        )
        _table(
            con,
            "enrolments",
            self.enrolments,
            {
                "enrolment_id": "BIGINT",
                "household_id": "BIGINT",
                "person_id": "BIGINT",
                "application_id": "BIGINT",
                "programme_code": "VARCHAR",
                "monthly_amount": "DECIMAL(12,2)",
                "members": "INTEGER",
                "start_month": "VARCHAR",
                "end_month": "VARCHAR",
                "status": "VARCHAR",
                "township_id": "BIGINT",
                "village_id": "BIGINT",
            },
        )
        _table(
            con,
            "applications",
            self.applications,
            {
                "application_id": "BIGINT",
                "number": "VARCHAR",
                "household_id": "BIGINT",
                "programme_code": "VARCHAR",
                "status": "VARCHAR",
                "decided_on": "DATE",
                "township_id": "BIGINT",
                "village_id": "BIGINT",
            },
        )
        _table(
            con,
            "villages",
            [
                {"village_id": k, "village_code": v[0], "village_name": v[1], "township_id": v[2]}
                for k, v in VILLAGES.items()
            ],
            {
                "village_id": "BIGINT",
                "village_code": "VARCHAR",
                "village_name": "VARCHAR",
                "township_id": "BIGINT",
            },
        )
        build_recipients(con, month=month)
        for kind, rows in self.snapshots.items():
            _table(con, f"snap_{kind}", rows, REGISTRIES[kind].all_columns)
        plain = self.plain
        linked: dict[str, str] = {}

        def link_kind(kind: str) -> str:
            if kind not in linked:
                link(
                    con,
                    people="people",
                    refs=f"snap_{kind}",
                    out=f"link_{kind}",
                    reveal_people=lambda ids: {i: plain[i] for i in ids if i in plain},
                    reveal_refs=lambda cs: {c: c for c in cs},
                )
                linked[kind] = f"link_{kind}"
            return linked[kind]

        return CheckContext(
            con=con,
            month=month,
            limits=limits
            or Limits(
                close_relatives=frozenset(
                    {
                        "spouse",
                        "parent",
                        "child",
                        "sibling",
                        "grandparent",
                        "grandchild",
                        "parent_in_law",
                    }
                )
            ),
            snapshots={k: i for i, k in enumerate(self.snapshots, 1)},
            link=link_kind,
            reveal_people=lambda ids: {i: plain[i] for i in ids if i in plain},
            estimate=estimate or (lambda ids: {}),
        )


def _table(con, name: str, rows: list[dict], columns: dict[str, str]) -> None:
    cols = ", ".join(f"{c} {t}" for c, t in columns.items())
    con.execute(f"CREATE OR REPLACE TABLE {name} ({cols})")
    if rows:
        names = list(columns)
        con.executemany(
            f"INSERT INTO {name} VALUES ({', '.join('?' for _ in names)})",
            [[r.get(c) for c in names] for r in rows],
        )
