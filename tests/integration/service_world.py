"""A small world for the service-guard matrix (test_service_guards): two counties, the demo
county's two townships, one user of every role, and builders that put an object of any kind at
a place — the actor's own village, another township of the county, or another county — built
directly with the ORM so that the state a service expects does not depend on other services."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from jiuzhu.accounts.models import User
from jiuzhu.accounts.system import system_actor
from jiuzhu.cases.models import Application, Investigation, SpotCheckDraw, SpotCheckVisit
from jiuzhu.core import crypto
from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.core.models import HolidayDay
from jiuzhu.crosscheck.models import CheckRun, Finding
from jiuzhu.crosscheck.snapshot_store import write_atomic
from jiuzhu.payments.models import Enrolment
from jiuzhu.programmes.models import Programme
from jiuzhu.programmes.seed import seed_county_defaults
from jiuzhu.regions.models import Region
from jiuzhu.registry.builders import build_household, build_person, household_number
from tests.conftest import PASSWORD, TOWNSHIP_A, TOWNSHIP_B, first_village

COUNTY_A = "433123000000"
COUNTY_B = "433199000000"  # fictitious: a second county the first one must not reach

ROLES = (
    "county_admin",
    "county_reviewer",
    "township_officer",
    "township_head",
    "village_assistant",
    "inspector",
    "finance",
    "auditor",
    "system",
)
COUNTY_LEVEL = {"county_admin", "county_reviewer", "inspector", "finance", "auditor"}

_serial = itertools.count(1)


@dataclass
class Place:
    """Where an object is put: a village, its township and county, and the staff there."""

    key: str
    county: Region
    township: Region
    village: Region
    officer: User  # registers and investigates the place's cases
    officer_2: User  # the second investigator
    head: User  # decides the place's township-level cases
    county_admin: User
    # identifying text of the objects built here, which no refusal may reveal
    secrets: list[str] = field(default_factory=list)


class World:
    def __init__(self, regions: dict[str, Region], tmp_path):
        self.regions, self.tmp_path = regions, tmp_path
        self.id_numbers: dict[int, str] = {}
        self.kin_household = None
        b_county = Region.objects.create(code=COUNTY_B, name="测试县", level="county")
        b_town = Region.objects.create(
            code="433199100000", name="测试镇", level="township", parent=b_county
        )
        b_village = Region.objects.create(
            code="433199100201",
            name="测试村",
            level="village",
            parent=b_town,
            urban_rural_code="220",
        )
        seed_county_defaults(county=regions[COUNTY_A])
        seed_county_defaults(county=b_county)
        village_a = first_village(regions, TOWNSHIP_A)
        self.actors = {
            "county_admin": self.user("county_admin", regions[COUNTY_A]),
            "county_reviewer": self.user("county_reviewer", regions[COUNTY_A]),
            "township_officer": self.user("township_officer", regions[TOWNSHIP_A]),
            "township_head": self.user("township_head", regions[TOWNSHIP_A]),
            "village_assistant": self.user("village_assistant", village_a),
            "inspector": self.user("inspector", regions[COUNTY_A]),
            "finance": self.user("finance", regions[COUNTY_A]),
            "auditor": self.user("auditor", regions[COUNTY_A]),
            "system": system_actor("cli"),
        }
        a = self.actors
        self.places = {
            "own": Place(
                "own",
                regions[COUNTY_A],
                regions[TOWNSHIP_A],
                village_a,
                a["township_officer"],
                self.user("township_officer", regions[TOWNSHIP_A]),
                a["township_head"],
                a["county_admin"],
            ),
            "other_township": Place(
                "other_township",
                regions[COUNTY_A],
                regions[TOWNSHIP_B],
                first_village(regions, TOWNSHIP_B),
                self.user("township_officer", regions[TOWNSHIP_B]),
                self.user("township_officer", regions[TOWNSHIP_B]),
                self.user("township_head", regions[TOWNSHIP_B]),
                a["county_admin"],
            ),
        }
        self.places["other_county"] = Place(
            "other_county",
            b_county,
            b_town,
            b_village,
            self.user("township_officer", b_town),
            self.user("township_officer", b_town),
            self.user("township_head", b_town),
            self.user("county_admin", b_county),
        )

    # --- people and accounts -------------------------------------------------------------
    def user(self, role: str, region: Region) -> User:
        user = User.objects.create(
            username=f"{role}-{next(_serial)}", role=role, region=region, full_name=f"{role}人员"
        )
        user.set_password(PASSWORD)
        user.save()
        return user

    def place_for(self, role: str, where: str) -> Place:
        """`own`, or the place outside the actor's jurisdiction: another township for township
        and village roles, another county for county roles (and the system actor, which sees
        every county)."""
        if where == "own":
            return self.places["own"]
        return self.places[
            "other_township"
            if role in ("township_officer", "township_head", "village_assistant")
            else "other_county"
        ]

    # --- the registry --------------------------------------------------------------------
    def household(self, place: Place, *, size: int = 2):
        n = next(_serial)
        head_name = f"户主{n}号"
        h = build_household(
            number=household_number(place.village.code, n),
            village=place.village,
            address=f"{place.village.name}{n}组",
            area_type="rural",
            head_name=head_name,
            phone="13812345678",
            bank_name="农村商业银行",
            bank_account="6230901234567890123",
        )
        h.save()
        for i in range(size):
            born = date(1950 + i * 30, 3, 1 + n % 27)
            number = make_resident_id(
                region_code=place.county.code[:6],
                birth_date=born,
                sequence=n % 100,
                sex="M" if i == 0 else "F",
            )
            person = build_person(
                household=h,
                name=head_name if i == 0 else f"成员{n}之{i}",
                id_number=number,
                birth_date=born,
                sex="M" if i == 0 else "F",
                relation="self" if i == 0 else "daughter",
                hukou_type="rural",
            )
            person.save()
            self.id_numbers[person.pk] = number
        place.secrets += [h.number, head_name]
        return h

    def kin_target(self, place: Place) -> dict:
        """The name and ID number of a household head at `place`, to declare as a relative;
        the household is kept as `kin_household`."""
        self.kin_household = self.household(place)
        head = self.kin_household.members.get(relation="self")
        return {"relative_name": head.name, "relative_id_number": self.id_numbers[head.pk]}

    def deactivated(self, user: User) -> User:
        User.objects.filter(pk=user.pk).update(is_active=False)
        return user

    def holiday_entered(self, year: int) -> dict:
        HolidayDay.objects.create(day=date(year, 1, 1), is_workday=False, name="元旦")
        return {"year": year, "source": "国务院办公厅通知"}

    # --- cases ---------------------------------------------------------------------------
    def case(
        self, place: Place, status: str, *, programme: str = "dibao_rural", household=None, **fields
    ) -> Application:
        """An application at `status` with what that status implies already on record."""
        household = household or self.household(place)
        today = timezone.localdate()
        n = next(_serial)
        values = {
            "accepted_on": today - timedelta(days=20),
            "confirming_level": "township",
            "confirming_reason": "权限已下放乡镇",
        }
        if status in ("draft", "incomplete"):
            values = {}
        if status in ("noticed",):
            values["notice_started_on"] = today - timedelta(days=8)
        if status in ("confirmed", "enrolled", "refused"):
            values.update(
                decided_by=place.head,
                decided_on=today,
                decided_at=timezone.now(),
                decision_reason="测试",
                monthly_amount=Decimal("300.00"),
            )
        values.update(fields)
        app = Application.objects.create(
            number=f"SQ-T-{n:06d}",
            household=household,
            programme=Programme.objects.get(code=programme),
            county=place.county,
            township=place.township,
            village=place.village,
            status=status,
            reason="生活困难",
            created_by=place.officer,
            **values,
        )
        if status not in ("draft", "incomplete", "accepted", "investigating", "paid_first"):
            Investigation.objects.create(
                application=app,
                visited_on=today - timedelta(days=15),
                investigator_1=place.officer,
                investigator_2=place.officer_2,
                living_conditions="住房简陋",
                income_findings="无稳定收入",
                asset_findings="无",
                family_signed=True,
                recorded_by=place.officer,
            )
        place.secrets.append(app.number)
        return app

    def enrolment(self, place: Place) -> Enrolment:
        app = self.case(place, "enrolled")
        return Enrolment.objects.create(
            household=app.household,
            programme=app.programme,
            application=app,
            county=place.county,
            township=place.township,
            village=place.village,
            members=2,
            monthly_amount=Decimal("300.00"),
            start_month="2026-01",
            created_by=place.head,
        )

    def spot_check_visit(self, place: Place) -> SpotCheckVisit:
        app = self.case(place, "enrolled")
        today = timezone.localdate()
        draw = SpotCheckDraw.objects.create(
            county=place.county,
            period_start=today - timedelta(days=30),
            period_end=today,
            fraction=Decimal("0.30"),
            seed=1,
            case_ids=[app.pk],
            selected_ids=[app.pk],
            created_by=place.county_admin,
        )
        return SpotCheckVisit.objects.create(draw=draw, application=app, reasons=["random"])

    # --- findings ------------------------------------------------------------------------
    def run(self, place: Place, status: str = "done") -> CheckRun:
        return CheckRun.objects.create(
            county=place.county, month="2026-11", status=status, started_by=place.county_admin
        )

    def finding_with_attachment(self, place: Place) -> Finding:
        finding = self.finding(place, "confirmed")
        path = self.tmp_path / f"attachment-{finding.pk}.enc"
        path.write_bytes(crypto.encrypt_bytes(b"%PDF-1.4 evidence"))
        Finding.objects.filter(pk=finding.pk).update(
            attachment_path=str(path), attachment_name="核实照片.pdf"
        )
        finding.refresh_from_db()
        return finding

    def parquet_snapshot(self) -> dict:
        """An empty death registry written as the contract's Parquet file, to register."""
        path = self.tmp_path / f"death-{next(_serial)}.parquet"
        write_atomic(path, "death", [])
        return {"kind": "death", "as_of": date(2026, 11, 1), "source": "省厅", "parquet_path": path}

    def finding(self, place: Place, status: str = "raised", *, enrolment=None) -> Finding:
        enrolment = enrolment or self.enrolment(place)
        n = next(_serial)
        name = f"对象{n}号"
        place.secrets.append(name)
        return Finding.objects.create(
            county=place.county,
            township=place.township,
            village=place.village,
            run=self.run(place),
            check_code="death",
            rule="R9",
            status=status,
            fingerprint=f"fp{n}",
            household=enrolment.household,
            enrolment=enrolment,
            subject_name=name,
            summary="死亡后仍在保",
            tier="exact",
        )
