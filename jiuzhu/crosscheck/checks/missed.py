"""R7 (seeds 002, 000, 004, 003): missed inclusion ("漏保") — people who should at least be
screened for dibao and are not covered: households in the poverty-alleviation / return-to-poverty
monitoring registry, the severely disabled (grade 1–2, and mental or intellectual grade 3) and
the seriously ill ("双纳入": both registries should hold them). A person flagged only by our own
registry's serious-illness field is raised only when the household's recorded income already looks
eligible; the others are counted in the run summary.

A hit per household: when the household is in our registry, the eligibility estimate compares its
recorded per-capita income with the dibao standard (run service supplies ``ctx.estimate``);
when it is not, the estimate says that nothing is recorded yet.

Where a finding goes. A row linked to a person of our registry goes to the township (and village)
of that person's household, whatever its region code says. A row linked to nobody is placed by
its region code: a village of the county → that village; a township of the county → that
township. A row without a region code takes the county from its ID number (the first six digits,
stored as a keyed hash: snapshot_store.id_county_hash): an ID of another county is not ours; an
ID of this county cannot name a village or township, so the finding goes to the county level
(township = the county: only county staff see it, and a county officer verifies it), as does a
region code of this county whose township we do not know. The rows that cannot be placed in the
county (a region code or ID of another county, neither a region code nor a readable ID) are
counted per reason in the run summary, in SQL; the county-level ones as they are raised.

Blank or unknown values are screened on the assumption that keeps the row in, and the reason
shown says so: a monitoring type that is blank or unknown counts as a monitored household; a
lifted-out household (脱贫户) whose risk status is blank or unknown is screened as at risk; a
grade-3 disability whose type is blank or unknown is screened as mental or intellectual. A row
without a disability grade cannot be screened and is counted.
"""

from __future__ import annotations

from collections import defaultdict

from .base import CheckContext, Hit, county_code, county_hash, rows, snap_column

CODE = "missed"
RULE = "R7"
LABEL = "疑似漏保"

MONITORING = {
    "lifted": "脱贫户",
    "unstable": "脱贫不稳定户",
    "edge": "边缘易致贫户",
    "sudden_hardship": "突发严重困难户",
}
RISK = {"open": "风险未消除", "removed": "风险已消除"}
ILL = "重特大疾病（本系统登记）"
DISABILITY = {
    "visual": "视力",
    "hearing": "听力",
    "speech": "言语",
    "physical": "肢体",
    "intellectual": "智力",
    "mental": "精神",
    "multiple": "多重",
}
_GRADE_3_NOT_SCREENED = ("visual", "hearing", "speech", "physical", "multiple")

# Which registry rows call for screening (r = the snapshot row), and which cannot be screened
# (fetched only to be counted).
_SCREENED = {
    "poverty": "(coalesce(r.monitoring_type, '') <> 'lifted' "
    "OR coalesce(r.risk_status, '') <> 'removed')",
    "disability": "(r.disability_grade IN (1, 2) OR (r.disability_grade = 3 "
    "AND coalesce(r.disability_type, '') NOT IN ({})))".format(
        ", ".join(f"'{t}'" for t in _GRADE_3_NOT_SCREENED)
    ),
}
_UNSCREENABLE = {"poverty": "false", "disability": "r.disability_grade IS NULL"}
_COLUMNS = {
    "poverty": "r.household_no, r.monitoring_type, r.risk_status",
    "disability": "r.disability_type, r.disability_grade",
}

# A row linked to nobody is ours when its region code lies in the county or, without a region
# code, when its ID's county is this county ($county: 6 digits; $county_hash: keyed hash).
_OURS = """(CASE WHEN coalesce(r.region_code, '') = '' THEN coalesce({id_county} = $county_hash, false)
                 ELSE starts_with(r.region_code, $county) END)"""

# Registry rows that call for screening and can become a finding: linked to a person not
# covered, or linked to nobody and ours.
# NOT EXISTS, not NOT IN (SELECT …): the same rows (person_id is never NULL), but Spark plans a
# NOT IN subquery as a null-aware join that compared every row with every recipient — on Spark
# the check took 136 s of a 199 s run at 1/8 of the province (bench_spark.py, 2026-12-06).
_ROWS = """
    SELECT r.row_no, r.name, r.id_masked, nullif(r.region_code, '') AS region_code, {columns},
           l.person_id, l.tier, l.score
    FROM snap_{kind} r LEFT JOIN {link} l ON l.row_no = r.row_no
         AND l.tier IN ('exact', 'near', 'probable')
    WHERE ({screened} OR {unscreenable})
      AND ((l.person_id IS NULL AND {ours})
           OR (l.person_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM recipients rc WHERE rc.person_id = l.person_id)))
    ORDER BY r.row_no  -- a group's names, and the row that places it, in one order on any engine
"""

# The screened rows linked to nobody that are not ours, counted by why: one pass over the
# snapshot (an anti-join with the small link table, a few string tests a row). Ours are fetched
# by _ROWS and counted as they are placed (_unlinked_hits).
_ELSEWHERE_COUNT = """
    SELECT CASE WHEN coalesce(r.region_code, '') <> '' THEN 'region_elsewhere'
                WHEN {id_county} IS NULL THEN 'no_place'
                ELSE 'id_elsewhere' END AS place,
           count(*) AS n
    FROM snap_{kind} r
    ANTI JOIN (SELECT DISTINCT row_no FROM {link} WHERE tier IN ('exact', 'near', 'probable')) l
         ON l.row_no = r.row_no
    WHERE {screened} AND NOT {ours}
    GROUP BY place
"""
# place -> (reason, whether such rows are still screened)
_PLACE_REASONS = {
    "region_elsewhere": ("区划代码不在本县", False),
    "id_elsewhere": ("无区划代码，身份证号码不属本县", False),
    "no_place": ("无区划代码，身份证号码有误或未填写，无法确定所在地", False),
    "county_by_id": ("无区划代码，按身份证号码属本县，交县级核实（无法确定乡镇）", True),
    "county_only": ("区划代码属本县但无法确定乡镇，交县级核实", True),
}
# What was assumed (or missing) in a row that could become a finding -> (reason, screened).
_ASSUMED = {
    "monitoring": ("监测对象类别未登记或无法识别，按监测对象筛查", True),
    "risk": ("脱贫户风险状态未登记或无法识别，按风险未消除筛查", True),
    "grade": ("残疾等级为空，未能筛查", False),
    "type": ("三级残疾的残疾类别未登记或无法识别，按精神或智力残疾筛查", True),
}
_SERIOUS = """
    SELECT p.person_id, p.name, p.id_masked FROM people p
    WHERE p.health_status = 'serious'
      AND NOT EXISTS (SELECT 1 FROM recipients rc WHERE rc.person_id = p.person_id)
"""
_PEOPLE = """
    SELECT p.person_id, p.household_id, p.township_id, p.village_id, p.name, p.id_masked,
           p.person_id IN (SELECT person_id FROM recipients) AS covered,
           hp.name AS head_name, hp.id_masked AS head_id
    FROM people p LEFT JOIN people hp ON hp.household_id = p.household_id AND hp.relation = 'self'
    WHERE p.person_id IN (SELECT unnest($ids))
"""
_PLACES = """
    SELECT village_code, village_id, township_id, left(village_code, 9) AS township_prefix
    FROM villages
"""


class _Places:
    def __init__(self, ctx: CheckContext):
        self.village = {}
        self.township = {}
        for row in rows(ctx.con, _PLACES):
            self.village[row["village_code"]] = (row["village_id"], row["township_id"])
            self.township[row["township_prefix"]] = row["township_id"]

    def of(self, code: str | None) -> tuple[int | None, int | None]:
        """(village, township) of a region code of the county; (None, None) when the code
        names neither (the county level)."""
        if not code:
            return None, None
        if code in self.village:
            return self.village[code]
        return None, self.township.get(code[:9])


def _params(ctx: CheckContext) -> dict:
    return {"county": county_code(ctx) or "-", "county_hash": county_hash(ctx) or "-"}


def _screened_rows(ctx: CheckContext, kind: str) -> list[dict]:
    ours = _OURS.format(id_county=snap_column(ctx, kind, "id_county_hash"))
    sql = _ROWS.format(
        kind=kind,
        link=ctx.link(kind),
        columns=_COLUMNS[kind],
        screened=_SCREENED[kind],
        unscreenable=_UNSCREENABLE[kind],
        ours=ours,
    )
    return rows(ctx.con, sql, _params(ctx))


def _account_elsewhere(ctx: CheckContext, kind: str) -> None:
    """Count the screened rows linked to nobody that cannot be placed in the county, by why."""
    id_county = snap_column(ctx, kind, "id_county_hash")
    sql = _ELSEWHERE_COUNT.format(
        kind=kind,
        id_county=id_county,
        link=ctx.link(kind),
        screened=_SCREENED[kind],
        ours=_OURS.format(id_county=id_county),
    )
    for place, n in sorted(ctx.con.execute(sql, _params(ctx)).fetchall()):
        reason, used = _PLACE_REASONS[place]
        ctx.account(CODE, kind, reason, n, used=used)


def _assumed(row: dict) -> str | None:
    """What had to be assumed to screen a row (a key of _ASSUMED), if anything."""
    if row["kind"] == "poverty":
        if row["monitoring_type"] not in MONITORING:
            return "monitoring"
        if row["monitoring_type"] == "lifted" and row["risk_status"] not in RISK:
            return "risk"
        return None
    if row["disability_grade"] is None:
        return "grade"
    if row["disability_grade"] == 3 and row["disability_type"] not in DISABILITY:
        return "type"
    return None


def _poverty_why(row: dict) -> str:
    kind, risk = row["monitoring_type"], row["risk_status"]
    if kind in MONITORING:
        what = MONITORING[kind]
    else:
        what = (f"监测对象类别“{kind}”无法识别" if kind else "监测对象类别未登记") + (
            "，按监测对象筛查，请核实"
        )
    if risk in RISK:
        state = RISK[risk]
    else:
        state = f"风险状态“{risk}”无法识别" if risk else "风险状态未登记"
        if kind == "lifted":
            state += "，按风险未消除筛查，请核实"
    return f"防返贫监测：{what}（{state}）"


def _disability_why(row: dict) -> str:
    kind, grade = row["disability_type"], row["disability_grade"]
    if kind in DISABILITY:
        return f"{DISABILITY[kind]}残疾{grade}级"
    what = f"残疾类别“{kind}”无法识别" if kind else "残疾类别未登记"
    if grade == 3:
        return f"{what}，残疾3级，按精神或智力残疾筛查，请核实"
    return f"{what}，残疾{grade}级"


def run(ctx: CheckContext) -> list[Hit]:
    reasons: dict[int, list[str]] = defaultdict(list)  # linked person -> why screened
    refs: dict[int, tuple[str, int]] = {}  # linked person -> (kind, row_no)
    unlinked: dict[str, list[dict]] = defaultdict(list)  # group key -> registry rows
    whys = {"poverty": _poverty_why, "disability": _disability_why}
    for kind in ("poverty", "disability"):
        if not ctx.has(kind):
            continue
        assumed: dict[str, set[int]] = defaultdict(set)
        for row in _screened_rows(ctx, kind):
            row["kind"] = kind
            if (what := _assumed(row)) is not None:
                assumed[what].add(row["row_no"])
                if not _ASSUMED[what][1]:
                    continue  # cannot be screened: counted only
            group = f"{kind}:{row.get('household_no') or row['row_no']}"
            _collect(row, whys[kind](row), kind, group, reasons, refs, unlinked)
        for what, row_nos in assumed.items():
            reason, used = _ASSUMED[what]
            ctx.account(CODE, kind, reason, len(row_nos), used=used)
        _account_elsewhere(ctx, kind)
    for row in rows(ctx.con, _SERIOUS):
        reasons[row["person_id"]].append(ILL)
    return _linked_hits(ctx, reasons, refs) + _unlinked_hits(ctx, unlinked)


def _collect(row, why, kind, group, reasons, refs, unlinked) -> None:
    if row["person_id"] is not None:
        reasons[row["person_id"]].append(why)
        refs.setdefault(row["person_id"], (kind, row["row_no"], row["tier"], row["score"]))
    else:
        unlinked[group].append({**row, "why": why, "kind": kind})


def _linked_hits(ctx: CheckContext, reasons, refs) -> list[Hit]:
    if not reasons:
        return []
    by_household: dict[int, list[dict]] = defaultdict(list)
    for person in rows(ctx.con, _PEOPLE, {"ids": list(reasons)}):
        if not person["covered"]:
            by_household[person["household_id"]].append(person)
    estimates = ctx.estimate(list(by_household)) if by_household else {}
    hits = []
    for household_id, people in sorted(by_household.items()):
        people.sort(key=lambda p: p["person_id"])
        label, line = estimates.get(household_id, ("未估算", "家庭收入未登记，需入户核查"))
        only_ill = all(reasons[p["person_id"]] == [ILL] for p in people)
        if only_ill and label != "可能符合":
            # our own registry's illness flag alone: raise it only where the recorded income
            # already looks eligible (no registry says the household is at risk)
            ctx.notes["missed_ill_not_eligible"] = ctx.notes.get("missed_ill_not_eligible", 0) + 1
            continue
        whys = [f"{p['name']}：{'；'.join(reasons[p['person_id']])}" for p in people]
        first_ref = next((refs[p["person_id"]] for p in people if p["person_id"] in refs), None)
        evidence = [{"field": "需筛查人员", "ours": w, "theirs": "", "match": None} for w in whys]
        evidence.append(
            {"field": "资格估算", "ours": f"{label}：{line}", "theirs": "", "match": None}
        )
        head = people[0]
        hits.append(
            Hit(
                check=CODE,
                rule=RULE,
                key=f"household:{household_id}|" + ",".join(str(p["person_id"]) for p in people),
                township_id=head["township_id"],
                village_id=head["village_id"],
                household_id=household_id,
                person_id=head["person_id"],
                subject_name=head["head_name"] or head["name"],
                subject_id_masked=head["head_id"] or "",
                summary=f"未纳入救助：{'；'.join(whys)}（{label}）",
                snapshot_kind=first_ref[0] if first_ref else "",
                ref_row=first_ref[1] if first_ref else None,
                tier=first_ref[2] if first_ref else "rule",
                score=first_ref[3] if first_ref else None,
                evidence=evidence,
            )
        )
    return hits


def _unlinked_hits(ctx: CheckContext, unlinked) -> list[Hit]:
    places = _Places(ctx)
    county_level: dict[tuple[str, str], int] = defaultdict(int)  # (kind, place) -> rows
    hits = []
    for group, items in sorted(unlinked.items()):
        # every row here is the county's (_ROWS); the first that names a place places the group
        placed = [places.of(i["region_code"]) for i in items]
        village_id, township_id = next((p for p in placed if p[1] is not None), (None, None))
        whys = [f"{i['name']}：{i['why']}" for i in items]
        where = ""
        if township_id is None:  # the county level: township = the county (finding_writes)
            for i in items:
                place = "county_by_id" if i["region_code"] is None else "county_only"
                county_level[(i["kind"], place)] += 1
            where = (
                "（名单无区划代码，按身份证号码属本县，无法确定乡镇，由县级核实）"
                if all(i["region_code"] is None for i in items)
                else "（区划代码无法确定乡镇，由县级核实）"
            )
        evidence = [
            {"field": "名单人员", "ours": "本系统无此人", "theirs": w, "match": False} for w in whys
        ]
        evidence.append(
            {
                "field": "资格估算",
                "ours": "本系统未登记该户，需入户核查收入和财产",
                "theirs": "",
                "match": None,
            }
        )
        hits.append(
            Hit(
                check=CODE,
                rule=RULE,
                key=group,
                township_id=township_id,
                village_id=village_id,
                subject_name=items[0]["name"],
                subject_id_masked=items[0]["id_masked"] or "",
                summary=f"未纳入救助（本系统未登记）：{'；'.join(whys)}{where}",
                snapshot_kind=items[0]["kind"],
                ref_row=items[0]["row_no"],
                tier="rule",
                evidence=evidence,
            )
        )
    for (kind, place), n in sorted(county_level.items()):
        reason, used = _PLACE_REASONS[place]
        ctx.account(CODE, kind, reason, n, used=used)
    return hits
