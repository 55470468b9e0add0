"""R7 (seeds 002, 000, 004, 003): missed inclusion ("漏保") — people who should at least be
screened for dibao and are not covered: households in the poverty-alleviation / return-to-poverty
monitoring registry, the severely disabled (grade 1–2, and mental or intellectual grade 3) and
the seriously ill ("双纳入": both registries should hold them). A person flagged only by our own
registry's serious-illness field is raised only when the household's recorded income already looks
eligible; the others are counted in the run summary.

A hit per household: when the household is in our registry, the eligibility estimate compares its
recorded per-capita income with the dibao standard (run service supplies ``ctx.estimate``);
when it is not, the township comes from the registry's region code and the estimate says that
nothing is recorded yet.
"""

from __future__ import annotations

from collections import defaultdict

from .base import CheckContext, Hit, rows

CODE = "missed"
RULE = "R7"
LABEL = "疑似漏保"

MONITORING = {
    "lifted": "脱贫户",
    "unstable": "脱贫不稳定户",
    "edge": "边缘易致贫户",
    "sudden_hardship": "突发严重困难户",
}
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

# Registry rows that call for screening, with the linked person (if any) and a township.
_POVERTY = """
    SELECT r.row_no, r.name, r.id_masked, r.region_code, r.household_no,
           r.monitoring_type, r.risk_status, l.person_id, l.tier, l.score
    FROM snap_poverty r LEFT JOIN {link} l ON l.row_no = r.row_no
         AND l.tier IN ('exact', 'near', 'probable')
    WHERE (r.monitoring_type <> 'lifted' OR r.risk_status = 'open')
      -- only rows that can become a finding: linked to a person not covered, or unlinked with
      -- a region code of this county (or none: those are counted as unassignable)
      AND ((l.person_id IS NULL AND (r.region_code IS NULL
                                     OR r.region_code IN (SELECT village_code FROM villages)
                                     OR left(r.region_code, 9) IN (SELECT left(village_code, 9) FROM villages)))
           OR (l.person_id IS NOT NULL AND l.person_id NOT IN (SELECT person_id FROM recipients)))
"""
_DISABILITY = """
    SELECT r.row_no, r.name, r.id_masked, r.region_code, r.disability_type,
           r.disability_grade, l.person_id, l.tier, l.score
    FROM snap_disability r LEFT JOIN {link} l ON l.row_no = r.row_no
         AND l.tier IN ('exact', 'near', 'probable')
    WHERE (r.disability_grade IN (1, 2)
           OR (r.disability_grade = 3 AND r.disability_type IN ('mental', 'intellectual')))
      -- only rows that can become a finding: linked to a person not covered, or unlinked with
      -- a region code of this county (or none: those are counted as unassignable)
      AND ((l.person_id IS NULL AND (r.region_code IS NULL
                                     OR r.region_code IN (SELECT village_code FROM villages)
                                     OR left(r.region_code, 9) IN (SELECT left(village_code, 9) FROM villages)))
           OR (l.person_id IS NOT NULL AND l.person_id NOT IN (SELECT person_id FROM recipients)))
"""
_SERIOUS = """
    SELECT p.person_id, p.name, p.id_masked FROM people p
    WHERE p.health_status = 'serious' AND p.person_id NOT IN (SELECT person_id FROM recipients)
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
        if not code:
            return None, None
        if code in self.village:
            return self.village[code]
        return None, self.township.get(code[:9])


def run(ctx: CheckContext) -> list[Hit]:
    reasons: dict[int, list[str]] = defaultdict(list)  # linked person -> why screened
    refs: dict[int, tuple[str, int]] = {}  # linked person -> (kind, row_no)
    unlinked: dict[str, list[dict]] = defaultdict(list)  # group key -> registry rows
    if ctx.has("poverty"):
        for row in rows(ctx.con, _POVERTY.format(link=ctx.link("poverty"))):
            why = (
                f"防返贫监测：{MONITORING.get(row['monitoring_type'], row['monitoring_type'])}"
                f"（风险{'未消除' if row['risk_status'] == 'open' else '已消除'}）"
            )
            _collect(
                row,
                why,
                "poverty",
                f"poverty:{row['household_no'] or row['row_no']}",
                reasons,
                refs,
                unlinked,
            )
    if ctx.has("disability"):
        for row in rows(ctx.con, _DISABILITY.format(link=ctx.link("disability"))):
            why = (
                f"{DISABILITY.get(row['disability_type'], row['disability_type'])}残疾"
                f"{row['disability_grade']}级"
            )
            _collect(row, why, "disability", f"disability:{row['row_no']}", reasons, refs, unlinked)
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
    hits = []
    for group, items in sorted(unlinked.items()):
        village_id, township_id = places.of(items[0]["region_code"])
        if township_id is None:  # no usable region code: counted in the run summary
            ctx.notes["missed_no_region"] = ctx.notes.get("missed_no_region", 0) + len(items)
            continue
        whys = [f"{i['name']}：{i['why']}" for i in items]
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
                summary=f"未纳入救助（本系统未登记）：{'；'.join(whys)}",
                snapshot_kind=items[0]["kind"],
                ref_row=items[0]["row_no"],
                tier="rule",
                evidence=evidence,
            )
        )
    return hits
