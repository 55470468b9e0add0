"""Demo cross-checks (R5–R9): the county's existing recipients, the registries other agencies
send, and one monthly run, so that /crosscheck/ shows realistic findings when the demo starts.

1. Existing recipients, written in bulk as seed data (not an officer's action; one audit record
   sums them up): about 3% of the households, poorest recorded income first in every village;
   a few extreme-poverty single-person enrolments of old people living alone; about 1% of the
   households refused in 2026 and 1% stopped in 2026 (re-screening lists, R8).
2. Registry files, made as CSV text in the templates' columns and imported through the real
   snapshot services (preview, then commit) as the county administrator. Each file mixes a few
   planted cases — about a third of them in 沱江镇, where the demo township officer works — with
   look-alikes that must not be flagged and many ordinary rows.
3. The month's run, so the findings exist when the demo starts.

Everything comes from one seeded ``random.Random``: the same demo county gives the same files.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cached_property

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from jiuzhu.cases.models import Application, CaseEvent
from jiuzhu.core import audit
from jiuzhu.core.crypto import decrypt
from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.core.month import Month
from jiuzhu.core.spreadsheet import CsvWriter
from jiuzhu.crosscheck.models import CheckRun, Finding, RegistrySnapshot
from jiuzhu.crosscheck.run import crosscheck_run
from jiuzhu.crosscheck.snapshot_formats import fields_for
from jiuzhu.crosscheck.snapshot_services import snapshot_commit, snapshot_preview
from jiuzhu.demo.generator import COUNTY_CODE
from jiuzhu.demo.names import NameGenerator
from jiuzhu.payments.models import Enrolment, EnrolmentChange
from jiuzhu.programmes.catalogue import dibao_code
from jiuzhu.programmes.models import Programme
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Household, IncomeFact, Person
from jiuzhu.registry.sensitive import id_lookup_hash

HOME_TOWNSHIP = "433123109000"  # 沱江镇, where the demo township officer works
RECIPIENT_SHARE, RECIPIENT_MIN = 0.03, 80
REFUSED_SHARE = STOPPED_SHARE = 0.01
HISTORY_START = date(2024, 1, 1)
NEIGHBOURS = {
    "433101": "吉首市",
    "433122": "泸溪县",
    "433124": "花垣县",
    "433125": "保靖县",
    "433126": "古丈县",
}
COUNTED_INCOME = ("wages", "business", "transfer")


@dataclass
class P:
    """A person of the demo county, as the planting needs it."""

    pk: int
    household_id: int
    name: str
    birth_date: date
    sex: str
    relation: str
    disability_type: str
    disability_grade: int | None
    health_status: str
    cipher: str

    def age(self, on: date) -> int:
        return (
            on.year
            - self.birth_date.year
            - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))
        )


@dataclass
class H:
    pk: int
    number: str
    area_type: str
    village_id: int
    village_code: str
    village_name: str
    township_id: int
    township_code: str
    township_name: str
    income: Decimal
    members: list[P] = field(default_factory=list)

    @property
    def home(self) -> bool:
        return self.township_code == HOME_TOWNSHIP

    @property
    def head(self) -> P:
        return next((m for m in self.members if m.relation == "self"), self.members[0])


@dataclass
class E:
    """A planned enrolment (and the application behind it)."""

    household: H
    programme: str
    amount: Decimal
    decided_on: date
    person: P | None = None
    end_month: str = ""
    stop_reason: str = ""

    @property
    def start_month(self) -> str:
        return str(Month.of(self.decided_on).next())


@dataclass(frozen=True)
class DemoCrosscheck:
    enrolled: int  # recipient households (dibao) written
    snapshots: int  # registry files imported
    month: str
    findings: int  # findings of the month's run (review queue included)
    home_findings: int  # of which in 沱江镇
    review: int
    seconds: float
    planted: dict[str, list[int]] = field(default_factory=dict)  # what was planted where (tests)

    def line(self) -> str:
        return (
            f"已生成比对演示数据：在保低保{self.enrolled}户，导入比对数据{self.snapshots}批；"
            f"{self.month}比对发现疑点{self.findings}条（其中待人工比对{self.review}条），"
            f"沱江镇{self.home_findings}条（用时{self.seconds:.0f}秒）。"
        )


def demo_accounts() -> dict:
    """The demo accounts by username (jiuzhu.demo.users), as create_demo_crosscheck and
    run_demo_month take them."""
    from jiuzhu.accounts.models import User

    from .users import DEMO_USERS

    return {
        u.username: u for u in User.objects.filter(username__in=[d.username for d in DEMO_USERS])
    }


def create_demo_crosscheck(
    *,
    users: dict,
    today: date,
    seed: int = 20261122,
) -> DemoCrosscheck | None:
    """Recipients, registry snapshots and the run of `today`'s month; None when done already.

    `users`: accounts by username; "county-admin" (a county administrator of the demo county)
    imports and runs, "township-head" (沱江镇) is named as the one who decided its cases.
    """
    county = Region.objects.get(code=COUNTY_CODE)
    if (
        CheckRun.objects.filter(county=county).exists()
        or RegistrySnapshot.objects.filter(county=county).exists()
    ):
        return None
    started = time.monotonic()
    with transaction.atomic():  # all or nothing: a failed step leaves the demo as it was
        demo = _Demo(county=county, users=users, today=today, seed=seed)
        demo.write_recipients()
        imported = demo.import_registries()
        run = crosscheck_run(actor=demo.admin, month=demo.month, inline=True)
        run.refresh_from_db()
        if run.status != CheckRun.Status.DONE:
            raise RuntimeError(f"演示比对未完成：{run.message}")
    findings = Finding.objects.filter(county=county, run=run)
    return DemoCrosscheck(
        enrolled=len(demo.recipients),
        snapshots=imported,
        month=demo.month,
        findings=findings.count(),
        home_findings=findings.filter(township__code=HOME_TOWNSHIP).count(),
        review=findings.filter(status=Finding.Status.REVIEW).count(),
        seconds=time.monotonic() - started,
        planted=dict(demo.notes),
    )


class _Demo:
    def __init__(self, *, county, users: dict, today: date, seed: int):
        self.county, self.today = county, today
        self.admin = users["county-admin"]
        self.head = users.get("township-head") or self.admin
        self.month = f"{today:%Y-%m}"
        self.rng = random.Random(seed)
        self.names = NameGenerator(self.rng)
        self.households, self.people = _load(county)
        self.taken_ids = set(Person.objects.values_list("id_hash", flat=True))
        busy = set(Application.objects.values_list("household_id", flat=True))
        busy |= set(Enrolment.objects.values_list("household_id", flat=True))
        self.busy: set[int] = busy  # households with a role already (demo cases too)
        self.planted: set[int] = set()  # recipient households given a planted case
        self.enrolments: list[E] = []
        self.recipients: list[H] = []
        self.covered: set[int] = set()  # person ids covered by a live enrolment
        self.notes: dict[str, list[int]] = defaultdict(list)  # planted case -> person/household ids

    # --- 1. recipients ---------------------------------------------------------------------

    def write_recipients(self) -> None:
        free = [h for h in self.households.values() if h.pk not in self.busy]
        self.recipients = _poorest_per_village(free, RECIPIENT_SHARE, RECIPIENT_MIN)
        for h in self.recipients:
            self.enrolments.append(E(h, _dibao(h), self._amount(h), self._decided()))
            self.covered.update(m.pk for m in h.members)
        self.busy.update(h.pk for h in self.recipients)
        self._extreme_poverty()
        refused = self._reserve(REFUSED_SHARE)
        stopped = self._reserve(STOPPED_SHARE)
        for h in stopped:
            decided = self._day(HISTORY_START, date(2025, 9, 30))
            end = Month.of(self.today).add(-self.rng.randint(1, max(self.today.month - 1, 1)))
            self.enrolments.append(
                E(
                    h,
                    _dibao(h),
                    self._amount(h),
                    decided,
                    end_month=str(end),
                    stop_reason=self.rng.choice(STOP_REASONS),
                )
            )
        self._write(refused)
        audit.record(
            action="demo.generate",
            actor=self.admin,
            new={
                "part": "crosscheck",
                "dibao_households": len(self.recipients),
                "extreme_poverty": sum(1 for e in self.enrolments if e.person is not None),
                "refused": len(refused),
                "stopped": len(stopped),
                "applications": len(self.enrolments) + len(refused),
            },
            reason="演示数据：本县现有保障对象及近期拒绝、退出的家庭",
        )

    def _extreme_poverty(self) -> None:
        """Old people living alone (特困分散供养), and one old member of a dibao household
        enrolled in extreme poverty as well (a planted duplicate)."""
        alone = [
            h
            for h in self.households.values()
            if h.pk not in self.busy and len(h.members) == 1 and h.members[0].age(self.today) >= 65
        ]
        alone.sort(key=lambda h: (h.income, h.number))
        for h in _spread(alone, 6, self.rng, home=2):
            self._ep(h, h.members[0])
            self.covered.add(h.members[0].pk)
            self.busy.add(h.pk)
        old = [
            (h, m)
            for h in self.recipients
            for m in h.members
            if len(h.members) >= 2 and m.age(self.today) >= 68
        ]
        if old:
            h, m = _spread(old, 1, self.rng, home=1, key=lambda x: x[0])[0]
            self._ep(h, m)
            self.planted.add(h.pk)
            self.notes["ep_duplicate"].append(m.pk)

    def _ep(self, h: H, person: P) -> None:
        amount = Decimal("1000.00") if person.age(self.today) >= 80 else Decimal("760.00")
        self.enrolments.append(
            E(h, "extreme_poverty_dispersed", amount, self._decided(), person=person)
        )

    def _reserve(self, share: float) -> list[H]:
        """Households neither covered nor used, from the poorest fifth (they are the ones who
        apply), `share` of the county."""
        free = sorted(
            (h for h in self.households.values() if h.pk not in self.busy),
            key=lambda h: (h.income, h.number),
        )
        pool = free[: max(len(free) // 5, 1)]
        chosen = self.rng.sample(pool, min(len(pool), max(round(share * len(self.households)), 3)))
        self.busy.update(h.pk for h in chosen)
        return chosen

    def _amount(self, h: H) -> Decimal:
        per_person = (
            self.rng.randint(22, 56) if h.area_type == "urban" else self.rng.randint(16, 42)
        )
        return Decimal(min(max(per_person * 10 * len(h.members), 300), 900)).quantize(
            Decimal("1.00")
        )

    def _day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, max((last - first).days, 0)))

    def _decided(self) -> date:
        return self._day(HISTORY_START, self.today - timedelta(days=25))

    def _write(self, refused: list[H]) -> None:
        programmes = {p.code: p for p in Programme.objects.all()}
        numbers = _Numbers()
        apps, events, enrolments, changes = [], [], [], []
        stamps: list[tuple[object, date]] = []
        for e in sorted(self.enrolments, key=lambda e: (e.decided_on, e.household.pk)):
            app = self._application(
                e.household,
                programmes[e.programme],
                e.decided_on,
                status="enrolled",
                applicant=e.person,
                amount=e.amount,
            )
            apps.append(app)
            enrolments.append((e, app))
        for h in sorted(refused, key=lambda h: h.pk):
            decided = self._day(date(self.today.year, 1, 5), self.today - timedelta(days=7))
            apps.append(
                self._application(
                    h,
                    programmes[_dibao(h)],
                    decided,
                    status="refused",
                    reason=self.rng.choice(REFUSALS),
                )
            )
        for app in sorted(
            apps, key=lambda a: (a.accepted_on, a.household_id)
        ):  # numbered as received
            app.number = numbers.next(app.accepted_on.year, app.township_code)
        Application.objects.bulk_create(apps, batch_size=1000)
        for app in apps:
            stamps.append((app, app.accepted_on))
            events += self._events(app)
        CaseEvent.objects.bulk_create(events, batch_size=2000)
        rows = []
        for e, app in enrolments:
            rows.append(
                Enrolment(
                    household_id=e.household.pk,
                    person_id=e.person.pk if e.person else None,
                    programme=app.programme,
                    application=app,
                    county=self.county,
                    township_id=e.household.township_id,
                    village_id=e.household.village_id,
                    members=1 if e.person else len(e.household.members),
                    monthly_amount=e.amount,
                    start_month=e.start_month,
                    end_month=e.end_month,
                    status=Enrolment.Status.STOPPED if e.end_month else Enrolment.Status.ACTIVE,
                    created_by=self.admin,
                )
            )
        Enrolment.objects.bulk_create(rows, batch_size=1000)
        for (e, app), enrolment in zip(enrolments, rows, strict=True):
            stamps.append((enrolment, app.decided_on))
            if e.end_month:
                change = EnrolmentChange(
                    enrolment=enrolment,
                    kind=EnrolmentChange.Kind.STOP,
                    effective_month=str(Month.parse(e.end_month).next()),
                    old_amount=e.amount,
                    new_amount=Decimal("0"),
                    reason=e.stop_reason,
                    source="动态管理复核",
                    created_by=self.admin,
                )
                changes.append(change)
                stamps.append((change, Month.parse(e.end_month).last_day - timedelta(days=8)))
        EnrolmentChange.objects.bulk_create(changes, batch_size=1000)
        # auto_now_add stamps every row with now(): put the history back at its own dates
        for model, stamped in _by_model(stamps + [(ev, ev._on) for ev in events]).items():
            name = "at" if model is CaseEvent else "created_at"
            for obj, on in stamped:
                setattr(obj, name, _at(on))
            model.objects.bulk_update([o for o, _ in stamped], [name], batch_size=500)

    def _application(
        self,
        h: H,
        programme,
        decided: date,
        *,
        status: str,
        applicant: P | None = None,
        amount: Decimal | None = None,
        reason: str = "",
    ) -> Application:
        accepted = decided - timedelta(days=self.rng.randint(12, 25))
        decider = self.head if h.home else self.admin
        ep = programme.code.startswith("extreme_poverty")
        app = Application(
            household_id=h.pk,
            applicant_id=applicant.pk if applicant else None,
            programme=programme,
            county=self.county,
            township_id=h.township_id,
            village_id=h.village_id,
            status=status,
            version=6,
            reason="年老体弱，无劳动能力，无生活来源，无法定赡养义务人"
            if ep
            else self.rng.choice(APPLY_REASONS),
            created_by=self.admin,
            applied_on=accepted - timedelta(days=2),
            accepted_on=accepted,
            confirming_level="township",
            confirming_reason="审核确认权限已下放乡镇",
            notice_started_on=decided - timedelta(days=9),
            township_opinion="情况属实，建议纳入" if status == "enrolled" else "经核对，不符合条件",
            monthly_amount=amount,
            decided_by=decider,
            decided_at=_at(decided),
            decided_on=decided,
            decision_reason=reason or "同意纳入",
        )
        app.township_code = h.township_code
        return app

    def _events(self, app: Application) -> list[CaseEvent]:
        steps = [("register", "", "draft", app.reason, app.accepted_on)]
        if app.status == "enrolled":
            steps += [
                ("confirm", "township_reviewed", "confirmed", "同意纳入", app.decided_on),
                ("enrol", "confirmed", "enrolled", "", app.decided_on),
            ]
        else:
            steps.append(
                ("refuse", "township_reviewed", "refused", app.decision_reason, app.decided_on)
            )
        out = []
        for action, old, new, reason, on in steps:
            ev = CaseEvent(
                application=app,
                action=action,
                from_status=old,
                to_status=new,
                actor=app.decided_by if action != "register" else app.created_by,
                reason=reason,
                data={"demo": "历史数据"},
            )
            ev._on = on
            out.append(ev)
        return out

    # --- 2. registries -----------------------------------------------------------------------

    def import_registries(self) -> int:
        files = [
            ("death", "县公安局户籍注销和县殡葬管理所火化数据", 2, self._deaths),
            ("fiscal_staff", "县委组织部、县人社局、县财政局", 20, self._fiscal_staff),
            ("village_cadre", "县委组织部（村社区“两委”成员）", 25, self._cadres),
            ("vehicle", "县公安局交警大队、县农业农村局", 10, self._vehicles),
            ("business", "县市场监督管理局", 10, self._businesses),
            ("real_estate", "县不动产登记中心", 15, self._real_estate),
            ("poverty", "县乡村振兴局（防返贫监测信息系统）", 8, self._poverty),
            ("disability", "县残疾人联合会（残疾人证新办和换领）", 12, self._disability),
            ("neighbour", "吉首市民政局等周边县市", 30, self._neighbours),
            ("pension", "县人力资源和社会保障局（社保待遇发放）", 6, self._pensions),
        ]
        for kind, source, days_ago, build in files:
            rows = build()
            self.rng.shuffle(rows)
            as_of = min(self.today, timezone.localdate()) - timedelta(days=days_ago)
            snap = snapshot_preview(
                actor=self.admin,
                kind=kind,
                as_of=as_of,
                source=source,
                file_name=f"{kind}-{as_of:%Y%m%d}.csv",
                data=_csv(kind, rows),
            )
            if snap.report.get("errors"):
                raise RuntimeError(f"演示比对数据有误（{kind}）：{snap.report['problems'][:3]}")
            snap = snapshot_commit(
                actor=self.admin, snapshot_id=snap.pk, good_rows=True, inline=True
            )
            if snap.status != RegistrySnapshot.Status.ACTIVE:
                raise RuntimeError(f"演示比对数据未能导入（{kind}）：{snap.job and snap.job.log}")
        return len(files)

    # who is who -----------------------------------------------------------------------------

    @cached_property
    def _live(self) -> list[H]:
        """Dibao recipient households (live), in a fixed order."""
        stopped = {e.household.pk for e in self.enrolments if e.end_month}
        return [h for h in self.recipients if h.pk not in stopped]

    def _take(
        self,
        n: int,
        home: int,
        ok: Callable[[H], bool] | None = None,
        person: Callable[[P], bool] | None = None,
    ) -> list[tuple[H, P]]:
        """`n` recipient households not planted yet (about `home` of them in 沱江镇), each with
        one member that satisfies `person` (the head by default)."""
        pool = []
        for h in self._live:
            if h.pk in self.planted or (ok and not ok(h)):
                continue
            members = [m for m in h.members if person(m)] if person else [h.head]
            if members:
                pool.append((h, members[0]))
        chosen = _spread(pool, n, self.rng, home=home, key=lambda x: x[0])
        self.planted.update(h.pk for h, _ in chosen)
        return chosen

    def _others(self, n: int, adult: bool = True) -> list[P]:
        """`n` people of the county with no role in the demo (not covered, household unused)."""
        pool = [
            p
            for p in self.people.values()
            if p.pk not in self.covered
            and p.household_id not in self.busy
            and (not adult or p.age(self.today) >= 18)
        ]
        chosen = self.rng.sample(pool, min(n, len(pool)))
        return chosen

    def _id(self, p: P) -> str:
        return decrypt(p.cipher)

    def _stranger(
        self, *, born_from: int, born_to: int, region: str = "433123", sex: str | None = None
    ) -> tuple[str, str, date, str]:
        """(name, ID, birth date, sex) of someone who is not in the county's registry."""
        sex = sex or self.rng.choice("MF")
        for _ in range(200):
            born = date(
                self.rng.randint(born_from, born_to),
                self.rng.randint(1, 12),
                self.rng.randint(1, 28),
            )
            number = make_resident_id(
                region_code=region, birth_date=born, sequence=self.rng.randrange(100), sex=sex
            )
            digest = id_lookup_hash(number)
            if digest not in self.taken_ids:
                self.taken_ids.add(digest)
                return self.names.person_name(sex), number, born, sex
        raise RuntimeError("演示：无法生成不重复的身份证号码")

    def _row(self, p: P, **extra) -> dict:
        return {"name": p.name, "id_number": self._id(p), **extra}

    def _h(self, p: P) -> H:
        return self.households[p.household_id]

    # death (R9) -------------------------------------------------------------------------------

    def _death_day(self) -> date:
        """A day one to five months ago (after the enrolment's start)."""
        return self.today - timedelta(days=self.rng.randint(35, 150))

    def _deaths(self) -> list[dict]:
        enrolment = {e.household.pk: e for e in self.enrolments if e.person is None}
        half_year = str(Month.of(self.today).add(-6))
        rows = []

        def take(n: int, home: int, ok=None, person=None) -> list[tuple[H, P]]:
            def long_enough(h: H) -> bool:  # paid well before the death
                return enrolment[h.pk].start_month <= half_year and (ok is None or ok(h))

            return self._take(n, home, ok=long_enough, person=person)

        def died(p: P, h: H, **cells) -> None:
            day = self._death_day()
            rows.append(
                {
                    "name": p.name,
                    "death_date": f"{day:%Y-%m-%d}",
                    "source": self.rng.choice(["火化", "户籍注销", "医学死亡证明"]),
                    **cells,
                }
            )

        # the head of a household of several
        for h, p in take(1, 1, ok=lambda h: len(h.members) >= 3):
            died(p, h, id_number=self._id(p))
            self.notes["death_head"].append(p.pk)
        # one wrong digit in the ID (order code): linkage tier 2
        for h, p in take(1, 0, ok=lambda h: len(h.members) == 1):
            number = self._id(p)
            died(p, h, id_number=number[:15] + str((int(number[15]) + 3) % 10) + number[16:])
            self.notes["death_typo"].append(p.pk)
        # no ID: name, birth date, sex and village only (linkage tier 3)
        for h, p in take(1, 1, person=lambda m: m.age(self.today) >= 60):
            died(
                p,
                h,
                sex="男" if p.sex == "M" else "女",
                birth_date=f"{p.birth_date:%Y-%m-%d}",
                region_code=h.village_code,
            )
            self.notes["death_no_id"].append(p.pk)
        # the name in traditional characters
        for h, p in take(
            1, 0, person=lambda m: _traditional(m.name) != m.name and m.age(self.today) >= 50
        ):
            died(p, h, id_number=self._id(p), name=_traditional(p.name))
            self.notes["death_traditional"].append(p.pk)
        # an extreme-poverty recipient living alone
        ep = [
            e
            for e in self.enrolments
            if e.person is not None
            and e.household.pk not in self.planted
            and not e.end_month
            and len(e.household.members) == 1
            and e.start_month <= half_year
        ]
        if ep:
            self.planted.add(ep[0].household.pk)
            day = self._death_day()
            rows.append(
                {
                    "name": ep[0].person.name,
                    "id_number": self._id(ep[0].person),
                    "death_date": f"{day:%Y-%m-%d}",
                    "source": "火化",
                }
            )
            self.notes["death_ep"].append(ep[0].person.pk)
        # seven more, mostly old people
        for h, p in take(7, 2, person=lambda m: m.age(self.today) >= 55):
            died(p, h, id_number=self._id(p), region_code=h.village_code)
            self.notes["death_other"].append(p.pk)
        # a namesake of a living recipient in the same village, born in another year, with no
        # ID in the file (linkage tier 3 must not take him for the recipient)
        for h, p in self._take(1, 1, person=lambda m: m.age(self.today) >= 40):
            twin_born = p.birth_date.replace(
                year=p.birth_date.year - self.rng.randint(6, 15), day=1
            )
            rows.append(
                {
                    "name": p.name,
                    "sex": "男" if p.sex == "M" else "女",
                    "birth_date": f"{twin_born:%Y-%m-%d}",
                    "region_code": h.village_code,
                    "death_date": f"{self.today - timedelta(days=50):%Y-%m-%d}",
                    "source": "户籍注销",
                }
            )
            self.notes["namesake_alive"].append(p.pk)
        # ordinary deaths: people of the county who received nothing, and people not registered
        for p in sorted(self._others(300), key=lambda p: p.birth_date)[:100]:
            self.busy.add(p.household_id)  # gone: no other role in the demo
            rows.append(
                {
                    "name": p.name,
                    "id_number": self._id(p),
                    "source": "火化",
                    "death_date": f"{self.today - timedelta(days=self.rng.randint(3, 360)):%Y-%m-%d}",
                }
            )
        for _ in range(200):
            name, number, _, _ = self._stranger(born_from=1930, born_to=1965)
            rows.append(
                {
                    "name": name,
                    "id_number": number,
                    "source": self.rng.choice(["火化", "户籍注销"]),
                    "death_date": f"{self.today - timedelta(days=self.rng.randint(3, 360)):%Y-%m-%d}",
                }
            )
        return rows

    def _free_id(self, born: date, sex: str, region: str = "433123") -> str:
        for seq in self.rng.sample(range(100), 100):
            number = make_resident_id(region_code=region, birth_date=born, sequence=seq, sex=sex)
            if id_lookup_hash(number) not in self.taken_ids:
                self.taken_ids.add(id_lookup_hash(number))
                return number
        raise RuntimeError("演示：无法生成不重复的身份证号码")

    # staff and cadres (R5, R6) ------------------------------------------------------------------

    def _staff_rows(
        self,
        staff: tuple[str, str, date, str],
        unit: str,
        post: str,
        relatives: Iterable[tuple[str, str, str]],
    ) -> list[dict]:
        name, number, _, _ = staff
        base = {"staff_name": name, "staff_id_number": number, "unit": unit, "post": post}
        rows = [{**base, "kin": "本人"}]
        rows += [
            {**base, "kin": kin, "name": rel_name, "id_number": rel_id}
            for kin, rel_name, rel_id in relatives
        ]
        return rows

    def _fiscal_staff(self) -> list[dict]:
        rows = []
        planted = [
            ("parent", 1),
            ("spouse", 1),
            ("child", 0),
            ("sibling", 1),
            ("parent", 0),
            ("spouse", 0),
            ("sibling", 0),
            ("parent", 0),
        ]
        for relation, home in planted:
            for _h, p in self._take(1, home, person=KIN_AGE[relation](self.today)):
                self.notes["kin"].append(p.pk)
                staff_born, word = _relative_of(p, relation, self.rng)
                surname = p.name[0] if relation in ("parent", "child", "sibling") else None
                staff = self._staff_person(staff_born, _staff_sex(p, relation), surname)
                unit, post = self.rng.choice(UNITS)
                rows += self._staff_rows(staff, unit, post, [(word, p.name, self._id(p))])
        # a cousin is not a close relative: declared, imported, and not flagged
        for _h, p in self._take(1, 1, person=lambda m: 25 <= m.age(self.today) <= 60):
            self.notes["cousin"].append(p.pk)
            staff = self._staff_person(
                p.birth_date.replace(day=1) - timedelta(days=700), "M", p.name[0]
            )
            rows += self._staff_rows(
                staff,
                "凤凰县教育局",
                "教师",
                [(self.rng.choice(["堂兄弟姐妹", "表兄弟姐妹"]), p.name, self._id(p))],
            )
        # everyone else: staff and relatives who receive nothing
        others = iter([p for p in self._others(400) if p.age(self.today) >= 60][:60])
        while len(rows) < 430:
            staff = self._stranger(born_from=1966, born_to=1998)
            unit, post = self.rng.choice(UNITS)
            relatives = []
            for word, born in (
                ("配偶", (1966, 1998)),
                ("父母", (1935, 1965)),
                ("子女", (1990, 2010)),
            ):
                if self.rng.random() < 0.6:
                    mate = (
                        next(others, None) if word == "父母" and self.rng.random() < 0.3 else None
                    )
                    if mate is not None:
                        relatives.append(
                            ("父亲" if mate.sex == "M" else "母亲", mate.name, self._id(mate))
                        )
                    else:
                        rel = self._stranger(born_from=born[0], born_to=born[1])
                        relatives.append((word, rel[0], rel[1]))
            rows += self._staff_rows(staff, unit, post, relatives)
        return rows

    def _staff_person(
        self, born: date, sex: str, surname: str | None
    ) -> tuple[str, str, date, str]:
        born = min(born, date(2000, 12, 31))
        number = self._free_id(born, sex)
        return self.names.person_name(sex, surname=surname), number, born, sex

    def _cadres(self) -> list[dict]:
        rows = []
        for h, p in self._take(2, 1, person=lambda m: 28 <= m.age(self.today) <= 62):
            self.notes["cadre_self"].append(p.pk)
            post = self.rng.choice(
                ["村民委员会委员", "村务监督委员会主任", "村民小组长兼村委会委员"]
            )
            unit = f"{h.township_name}{h.village_name}" + (
                "居民委员会" if h.village_name.endswith("社区") else "村民委员会"
            )
            rows.append(
                {
                    "staff_name": p.name,
                    "staff_id_number": self._id(p),
                    "unit": unit,
                    "post": post,
                    "kin": "本人",
                    "region_code": h.village_code,
                }
            )
        villages = sorted(
            {(h.village_code, h.township_name, h.village_name) for h in self.households.values()}
        )
        for code, township, village in self.rng.sample(villages, min(60, len(villages))):
            staff = self._stranger(born_from=1965, born_to=1992)
            unit = f"{township}{village}" + (
                "居民委员会" if village.endswith("社区") else "村民委员会"
            )
            post = self.rng.choice(
                ["党支部书记、村委会主任", "村委会副主任", "村委会委员", "村务监督委员会主任"]
            )
            relatives = [("配偶", *self._stranger(born_from=1965, born_to=1995)[:2])]
            if self.rng.random() < 0.5:
                relatives.append(("子女", *self._stranger(born_from=1988, born_to=2008)[:2]))
            for row in self._staff_rows(staff, unit, post, relatives):
                rows.append({**row, "region_code": code})
        return rows

    # assets (R6) --------------------------------------------------------------------------------

    def _plate(self) -> str:
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
        tail = "".join(self.rng.choice(letters + "0123456789" * 3) for _ in range(4))
        return f"湘U{self.rng.choice(letters)}{tail}"

    def _vehicles(self) -> list[dict]:
        rows = []

        def own(p: P, kind: str, value: int | None, plate: bool = True) -> None:
            rows.append(
                self._row(
                    p,
                    vehicle_type=kind,
                    plate=self._plate() if plate else "",
                    value=str(value) if value else "",
                    registered_on=f"{self._day(date(2012, 1, 1), self.today - timedelta(days=30)):%Y-%m-%d}",
                )
            )

        adult = {"person": lambda m: 20 <= m.age(self.today) <= 65}
        for (h, p), kind in zip(
            self._take(5, 2, **adult),
            ["小型轿车", "小型普通客车", "小型轿车", "轻型货车", "小型越野客车"],
            strict=False,
        ):
            own(p, kind, self.rng.randint(30, 160) * 1000)
            self.notes["vehicle"].append(h.pk)
        # a disabled member's mobility vehicle is allowed (and nothing else in that household)
        mobility = self._take(1, 1, person=lambda m: m.disability_type == "physical") or self._take(
            1, 1, person=lambda m: bool(m.disability_type)
        )
        for h, p in mobility:
            own(p, "残疾人机动轮椅车", self.rng.randint(4, 9) * 1000)
            self.notes["mobility"].append(h.pk)
        for (h, p), kind in zip(
            self._take(2, 1, **adult), ["轮式拖拉机", "联合收割机"], strict=False
        ):
            own(p, kind, self.rng.randint(60, 180) * 1000, plate=kind == "轮式拖拉机")
            self.notes["machinery"].append(h.pk)
        # a small walking tractor (below the large-machinery value) is no finding either
        for h, p in self._take(1, 0, **adult):
            own(p, "拖拉机", self.rng.randint(6, 15) * 1000)
            self.notes["small_tractor"].append(h.pk)
        for p in self._others(260):
            kind = self.rng.choice(
                ["小型轿车"] * 5
                + ["小型普通客车", "轻型货车", "普通二轮摩托车", "普通二轮摩托车", "联合收割机"]
            )
            own(
                p,
                kind,
                self.rng.randint(3, 200) * 1000
                if kind != "普通二轮摩托车"
                else self.rng.randint(2, 9) * 1000,
            )
        for _ in range(250):
            name, number, _, _ = self._stranger(born_from=1955, born_to=2002)
            rows.append(
                {
                    "name": name,
                    "id_number": number,
                    "vehicle_type": self.rng.choice(
                        ["小型轿车", "小型普通客车", "轻型货车", "普通二轮摩托车"]
                    ),
                    "plate": self._plate(),
                    "value": str(self.rng.randint(5, 250) * 1000),
                }
            )
        return rows

    def _businesses(self) -> list[dict]:
        rows = []

        def firm(p: P | tuple, name: str, role: str, capital: int, status: str = "存续") -> None:
            who = (
                {"name": p[0], "id_number": p[1]}
                if isinstance(p, tuple)
                else {"name": p.name, "id_number": self._id(p)}
            )
            kind = "92" if role == "经营者" else "91"
            code = f"{kind}433123MA4" + "".join(
                self.rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(7)
            )
            rows.append(
                {
                    **who,
                    "business_name": name,
                    "credit_code": code,
                    "role": role,
                    "registered_capital": str(capital),
                    "business_status": status,
                    "established_on": f"{self._day(date(2010, 1, 1), self.today - timedelta(days=90)):%Y-%m-%d}",
                }
            )

        adult = {"person": lambda m: 22 <= m.age(self.today) <= 65}
        for (h, p), (role, capital) in zip(
            self._take(3, 1, **adult),
            [("法定代表人", 1_000_000), ("股东", 300_000), ("法定代表人", 150_000)],
            strict=False,
        ):
            firm(p, f"凤凰县{h.village_name[:2]}{self.rng.choice(TRADES)}有限公司", role, capital)
            self.notes["business"].append(h.pk)
        for h, p in self._take(1, 0, **adult):  # closed years ago: not counted
            firm(
                p,
                f"凤凰县{h.village_name[:2]}{self.rng.choice(TRADES)}有限公司",
                "法定代表人",
                500_000,
                "注销",
            )
            self.notes["business_closed"].append(h.pk)
        for h, p in self._take(4, 1, **adult):  # a small stall, below the capital limit
            firm(
                p,
                f"凤凰县{h.village_name}{p.name[0]}记{self.rng.choice(SHOPS)}",
                "经营者",
                self.rng.randint(1, 5) * 10_000,
            )
            self.notes["small_business"].append(h.pk)
        for p in self._others(120):
            firm(
                p,
                f"凤凰县{p.name}{self.rng.choice(SHOPS)}",
                "经营者",
                self.rng.randint(1, 30) * 10_000,
            )
        for _ in range(80):
            person = self._stranger(born_from=1960, born_to=1995)
            firm(
                person,
                f"凤凰县{person[0][1:]}{self.rng.choice(TRADES)}有限公司",
                self.rng.choice(["法定代表人", "股东"]),
                self.rng.randint(1, 200) * 10_000,
                self.rng.choice(["存续"] * 4 + ["注销"]),
            )
        return rows

    def _real_estate(self) -> list[dict]:
        rows = []

        def owns(p: P | tuple, h: H | None, usage: str, area: int, where: str = "") -> None:
            who = (
                {"name": p[0], "id_number": p[1]}
                if isinstance(p, tuple)
                else {"name": p.name, "id_number": self._id(p)}
            )
            place = where or (f"凤凰县{h.township_name}{h.village_name}" if h else "凤凰县沱江镇")
            rows.append(
                {
                    **who,
                    "address": place,
                    "usage": usage,
                    "area_m2": str(area),
                    "registered_on": f"{self._day(date(2008, 1, 1), self.today - timedelta(days=60)):%Y-%m-%d}",
                }
            )

        planted = self._take(3, 1)
        (h1, p1), (h2, p2), (h3, p3) = planted
        self.notes["real_estate"] += [h1.pk, h2.pk, h3.pk]
        owns(p1, h1, "宅基地", self.rng.randint(90, 200))
        owns(
            p1,
            None,
            "住宅",
            self.rng.randint(80, 130),
            f"凤凰县沱江镇{self.rng.choice(ROADS)}{self.rng.randint(1, 99)}号{self.rng.randint(1, 9)}栋",
        )
        owns(p2, h2, "住宅", self.rng.randint(60, 120))
        owns(
            p2,
            None,
            "商铺",
            self.rng.randint(20, 80),
            f"凤凰县沱江镇{self.rng.choice(ROADS)}{self.rng.randint(1, 99)}号门面",
        )
        owns(p3, h3, "宅基地", self.rng.randint(90, 200))
        spouse = next((m for m in h3.members if m.pk != p3.pk and m.age(self.today) >= 18), p3)
        owns(spouse, None, "住宅", self.rng.randint(70, 140), "凤凰县吉信镇新街安置小区")
        # most recipients own the one home they live in: allowed
        for h in self._live[:: max(len(self._live) // 150, 1)]:
            if h.pk not in self.planted:
                owns(
                    h.head,
                    h,
                    "住宅" if h.area_type == "urban" else "宅基地",
                    self.rng.randint(40, 160),
                )
        for p in self._others(200):
            h = self._h(p)
            owns(p, h, "住宅" if h.area_type == "urban" else "宅基地", self.rng.randint(60, 220))
        return rows

    # missed inclusion (R7) ------------------------------------------------------------------

    def _poverty(self) -> list[dict]:
        rows = []
        serial = defaultdict(int)

        def household_rows(
            members: list[P], village: str, kind: str, risk: str, ids: list[str]
        ) -> None:
            serial[village] += 1
            number = f"{village}{serial[village]:04d}"
            for p, pid in zip(members, ids, strict=True):
                rows.append(
                    {
                        "name": p.name,
                        "id_number": pid,
                        "region_code": village,
                        "household_no": number,
                        "monitoring_type": kind,
                        "risk_status": risk,
                    }
                )

        # most rows: households lifted out of poverty that dibao covers
        for h in self._live:
            if h.area_type == "rural" and self.rng.random() < 0.45:
                kind, risk = self.rng.choice(
                    [("脱贫户", "风险已消除")] * 5
                    + [("脱贫不稳定户", "风险未消除"), ("脱贫户", "风险未消除")]
                )
                household_rows(
                    h.members, h.village_code, kind, risk, [self._id(m) for m in h.members]
                )
        # monitored households with the risk still open that nothing covers
        free = sorted(
            (h for h in self.households.values() if h.pk not in self.busy),
            key=lambda h: (h.income, h.number),
        )[: max(len(self.households) // 10, 40)]
        for h in _spread(free, 20, self.rng, home=6):
            self.busy.add(h.pk)
            self.notes["monitored"].append(h.pk)
            kind = self.rng.choice(["边缘易致贫户", "脱贫不稳定户", "突发严重困难户"])
            household_rows(
                h.members, h.village_code, kind, "风险未消除", [self._id(m) for m in h.members]
            )
        # monitored families our registry does not know yet (moved in, never applied)
        villages = sorted({(h.village_code, h.home) for h in self.households.values()})
        home = [v for v, at_home in villages if at_home]
        for i in range(5):
            village = self.rng.choice(home if i < 2 and home else [v for v, _ in villages])
            size = self.rng.randint(1, 3)
            people = [self._stranger(born_from=1945, born_to=1990) for _ in range(size)]
            serial[village] += 1
            for name, number, _, _ in people:
                rows.append(
                    {
                        "name": name,
                        "id_number": number,
                        "region_code": village,
                        "household_no": f"{village}{9000 + serial[village]:04d}",
                        "monitoring_type": self.rng.choice(["边缘易致贫户", "突发严重困难户"]),
                        "risk_status": "风险未消除",
                    }
                )
        return rows

    def _disability(self) -> list[dict]:
        rows = []
        for h in self._live:  # recipients with a disability certificate
            for m in h.members:
                if m.disability_type and m.disability_grade:
                    rows.append(self._row(m, **_disability_cells(m)))

        def severe(m: P) -> bool:
            return m.disability_grade in (1, 2) or (
                m.disability_grade == 3 and m.disability_type in ("mental", "intellectual")
            )

        pool = sorted(
            (
                (self._h(p), p)
                for p in self.people.values()
                if p.disability_type
                and p.disability_grade
                and severe(p)
                and p.pk not in self.covered
                and p.household_id not in self.busy
            ),
            key=lambda x: (x[0].income, x[1].pk),
        )
        pool = pool[: max(len(pool) // 2, 15)]  # the poorer half: most would qualify
        for h, p in _spread(pool, 15, self.rng, home=5, key=lambda x: x[0]):
            self.busy.add(h.pk)
            self.notes["severe_disability"].append(p.pk)
            rows.append(self._row(p, **_disability_cells(p)))
        mild = [
            p
            for p in self.people.values()
            if p.disability_type
            and p.disability_grade
            and not severe(p)
            and p.pk not in self.covered
            and p.household_id not in self.busy
        ]
        for p in self.rng.sample(mild, min(150, len(mild))):
            rows.append(self._row(p, **_disability_cells(p)))
        return rows

    # pensions (R6 income) -----------------------------------------------------------------------

    def _pensions(self) -> list[dict]:
        """Two recipients draw an employee pension well above the standard (raised); others draw
        the residents' basic pension, which S2 art. 13 does not count (not raised)."""
        rows = []
        for _h, p in self._take(2, 1, person=lambda m: m.age(self.today) >= 60):
            self.notes["pension"].append(p.pk)
            rows.append(
                self._row(
                    p,
                    benefit_type="企业职工基本养老保险",
                    monthly_amount=str(self.rng.randint(26, 38) * 100),
                    since="2018-01-01",
                )
            )
        for _h, p in self._take(40, 10, person=lambda m: m.age(self.today) >= 60):
            rows.append(
                self._row(
                    p, benefit_type="城乡居民基本养老保险", monthly_amount="168", since="2016-01-01"
                )
            )
        for p in self._others(150):
            rows.append(
                self._row(
                    p,
                    benefit_type=self.rng.choice(
                        ["城乡居民基本养老保险", "企业职工基本养老保险", "机关事业单位养老保险"]
                    ),
                    monthly_amount=str(self.rng.randint(10, 60) * 100),
                    since="2015-01-01",
                )
            )
        return rows

    # duplicates across counties ----------------------------------------------------------------

    def _neighbours(self) -> list[dict]:
        rows = []
        for _h, p in self._take(3, 1):
            self.notes["neighbour"].append(p.pk)
            since = self._day(date(2022, 1, 1), date(2025, 6, 30))
            rows.append(
                self._row(
                    p,
                    county_name="吉首市",
                    programme="农村低保",
                    monthly_amount=str(self.rng.randint(30, 56) * 10),
                    since=f"{since:%Y-%m-%d}",
                )
            )
        for _ in range(60):
            region = self.rng.choice(sorted(NEIGHBOURS))
            name, number, _, _ = self._stranger(born_from=1940, born_to=2005, region=region)
            programme = self.rng.choice(["农村低保"] * 3 + ["城市低保", "特困人员救助供养"])
            rows.append(
                {
                    "name": name,
                    "id_number": number,
                    "county_name": NEIGHBOURS[region],
                    "programme": programme,
                    "monthly_amount": str(self.rng.randint(30, 90) * 10),
                    "since": f"{self._day(date(2019, 1, 1), date(2026, 6, 30)):%Y-%m-%d}",
                }
            )
        return rows


# --- helpers --------------------------------------------------------------------------------

APPLY_REASONS = (
    "家庭收入低，生活困难",
    "主要劳动力患病，收入不稳定",
    "家庭成员残疾，无稳定收入",
    "年老体弱，子女无力赡养",
    "因病致贫，医疗支出大",
)
REFUSALS = (
    "经核对，家庭成员有稳定工资收入，人均收入高于当地低保标准",
    "经核对，家庭名下有小型轿车一辆，不符合财产条件",
    "经入户调查，家庭实际经营收入高于申报，人均收入高于低保标准",
    "经核对，家庭金融资产超过规定限额",
)
STOP_REASONS = (
    "家庭成员外出务工，人均收入超过低保标准",
    "经年度复核，家庭经济状况好转",
    "户主死亡，家庭其他成员已随子女生活，不再符合条件",
    "家庭成员购置小型轿车，不符合财产条件",
)
UNITS = (
    ("凤凰县教育局", "科员"),
    ("凤凰县第一中学", "教师"),
    ("凤凰县人民医院", "护士"),
    ("凤凰县人民医院", "医生"),
    ("凤凰县财政局", "科员"),
    ("凤凰县公安局", "民警"),
    ("沱江镇人民政府", "干部"),
    ("凤凰县农业农村局", "技术员"),
    ("凤凰县民政局", "科员"),
    ("凤凰县住房和城乡建设局", "副局长"),
    ("凤凰县人力资源和社会保障局", "科员"),
    ("廖家桥镇中心小学", "教师"),
    ("凤凰县自然资源局", "股长"),
)
TRADES = ("旅游开发", "建材", "农业开发", "运输", "餐饮管理", "苗绣工艺品", "商贸")
SHOPS = ("小吃店", "杂货店", "农家乐", "便利店", "理发店", "米粉店", "五金店")
ROADS = ("建设路", "人民路", "沱江路", "虹桥路", "南华路", "文化路", "迎宾路")


def _load(county) -> tuple[dict[int, H], dict[int, P]]:
    income = dict(
        IncomeFact.objects.filter(household__county=county, category__in=COUNTED_INCOME)
        .order_by()
        .values("household")
        .annotate(s=Sum("amount"))
        .values_list("household", "s")
    )
    households = {}
    for row in (
        Household.objects.filter(county=county)
        .order_by("number")
        .values_list(
            "pk",
            "number",
            "area_type",
            "village_id",
            "village__code",
            "village__name",
            "township_id",
            "township__code",
            "township__name",
        )
    ):
        households[row[0]] = H(*row, income=income.get(row[0]) or Decimal(0))
    people = {}
    for row in (
        Person.objects.filter(household__county=county)
        .order_by("household_id", "id")
        .values_list(
            "pk",
            "household_id",
            "name",
            "birth_date",
            "sex",
            "relation",
            "disability_type",
            "disability_grade",
            "health_status",
            "id_cipher",
        )
    ):
        p = P(*row)
        people[p.pk] = p
        households[p.household_id].members.append(p)
    return {k: h for k, h in households.items() if h.members}, people


def _poorest_per_village(households: list[H], share: float, minimum: int) -> list[H]:
    """`share` of the households (at least `minimum`), split over the villages in proportion to
    their size (largest remainders), the poorest recorded income first in each village."""
    by_village: dict[str, list[H]] = defaultdict(list)
    for h in households:
        by_village[h.village_code].append(h)
    total = len(households)
    target = min(total, max(round(total * share), minimum))
    exact = {v: len(hs) * target / total for v, hs in by_village.items()}
    quota = {v: int(x) for v, x in exact.items()}
    rest = sorted(by_village, key=lambda v: (-(exact[v] - quota[v]), v))
    for v in rest[: target - sum(quota.values())]:
        quota[v] += 1
    chosen = []
    for v in sorted(by_village):
        chosen += sorted(by_village[v], key=lambda h: (h.income, h.number))[: quota[v]]
    return chosen


def _spread(
    pool: list, n: int, rng: random.Random, *, home: int, key: Callable = lambda x: x
) -> list:
    """`n` items of `pool`: `home` of them in 沱江镇 (when there are), the rest elsewhere, each
    household once."""
    at_home = [x for x in pool if key(x).home]
    away = [x for x in pool if not key(x).home]
    picked = rng.sample(at_home, min(home, n, len(at_home)))
    picked += rng.sample(away, min(n - len(picked), len(away)))
    if len(picked) < n:  # a small demo: fill up from wherever is left
        left = [x for x in pool if x not in picked]
        picked += rng.sample(left, min(n - len(picked), len(left)))
    seen, out = set(), []
    for x in picked:
        if key(x).pk not in seen:
            seen.add(key(x).pk)
            out.append(x)
    return out


def _dibao(h: H) -> str:
    return dibao_code(h.area_type)


def _between(low: int, high: int) -> Callable[[date], Callable[[P], bool]]:
    return lambda today: lambda m: low <= m.age(today) <= high


# What the recipient is to the staff member, and how old the recipient then is.
KIN_AGE = {
    "parent": _between(50, 85),
    "spouse": _between(28, 58),
    "child": _between(18, 32),
    "sibling": _between(28, 58),
}


def _relative_of(p: P, relation: str, rng: random.Random) -> tuple[date, str]:
    """The staff member's birth date, and the word the file uses for what `p` is to them."""
    if relation == "parent":
        return p.birth_date.replace(day=1) + timedelta(
            days=365 * rng.randint(22, 32)
        ), "父亲" if p.sex == "M" else "母亲"
    if relation == "child":
        return p.birth_date.replace(day=1) - timedelta(
            days=365 * rng.randint(24, 30)
        ), "儿子" if p.sex == "M" else "女儿"
    if relation == "spouse":
        return p.birth_date.replace(day=1) + timedelta(
            days=365 * rng.randint(-3, 3)
        ), "丈夫" if p.sex == "M" else "妻子"
    gap = rng.choice([-1, 1]) * 365 * rng.randint(2, 8)
    staff_born = p.birth_date.replace(day=1) + timedelta(days=gap)
    older = p.birth_date < staff_born
    return staff_born, {
        ("M", True): "哥哥",
        ("M", False): "弟弟",
        ("F", True): "姐姐",
        ("F", False): "妹妹",
    }[(p.sex, older)]


def _staff_sex(p: P, relation: str) -> str:
    if relation == "spouse":
        return "F" if p.sex == "M" else "M"
    return "M" if p.pk % 2 else "F"


def _disability_cells(p: P) -> dict:
    types = {
        "visual": "视力残疾",
        "hearing": "听力残疾",
        "speech": "言语残疾",
        "physical": "肢体残疾",
        "intellectual": "智力残疾",
        "mental": "精神残疾",
        "multiple": "多重残疾",
    }
    grades = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
    return {
        "disability_type": types[p.disability_type],
        "disability_grade": grades[p.disability_grade],
    }


def _traditional(name: str) -> str:
    from opencc import OpenCC

    global _S2T
    if _S2T is None:
        _S2T = OpenCC("s2t")
    return _S2T.convert(name)


_S2T = None


def _csv(kind: str, rows: list[dict]) -> bytes:
    fields = fields_for(kind)
    writer = CsvWriter([f.header for f in fields])  # the one CSV writer (UTF-8 with BOM)
    for row in rows:
        writer.append([row.get(f.key, "") for f in fields])
    return writer.finish().data


class _Numbers:
    """Application numbers as the cases service makes them (SQ{year}-{township}-{serial}),
    continuing after the highest number already given in each year and township."""

    def __init__(self):
        self.last: dict[str, int] = {}

    def next(self, year: int, township_code: str) -> str:
        prefix = f"SQ{year}-{township_code[:9]}-"
        if prefix not in self.last:
            top = Application.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))[
                "m"
            ]
            self.last[prefix] = int(top[len(prefix) :]) if top else 0
        self.last[prefix] += 1
        return f"{prefix}{self.last[prefix]:05d}"


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))


def _by_model(pairs: list[tuple[object, date]]) -> dict[type, list[tuple[object, date]]]:
    out: dict[type, list] = defaultdict(list)
    for obj, on in pairs:
        out[type(obj)].append((obj, on))
    return out
