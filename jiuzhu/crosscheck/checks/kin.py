"""R5 (seeds 003, 000) and R6 (003): recipients who are close relatives of fiscally-paid staff,
village or community cadres, or assistance staff ("人情保、关系保"), and recipients who are such
staff themselves.

The staff and cadre registries list each staff member and the relatives he or she declared, one
row per person. A relative counts only when the relation is within the county's configured
close relatives (cases.kinship; a cousin does not count by default). A hit also marks the case
单独登记备案 (done by the run service when the finding is raised).

A relation that is blank or not one we know is checked as a close relative, and the finding
says the relation is unknown: a wrong entry must not hide a relative.
"""

from __future__ import annotations

from jiuzhu.cases.kinship import KIN_LABELS, Kin

from .base import LINK_COLUMNS, CheckContext, Hit, account_unmatched_ids, evidence_rows, rows

CODE_KIN = "kin"
CODE_STAFF = "staff_self"
LABEL_KIN = "工作人员、村干部近亲属享受救助"
LABEL_STAFF = "财政供养人员等本人享受救助"

KINDS = {
    "fiscal_staff": "财政供养人员",
    "village_cadre": "村（社区）干部",
    "staff_report": "社会救助经办人员",
}

SQL = f"""
    SELECT {LINK_COLUMNS}, r.staff_name, r.staff_id_masked, r.unit, r.post, r.kin,
           rc.household_id, rc.enrolment_id, rc.application_id, rc.programme_code,
           rc.township_id, rc.village_id
    FROM {{link}} l
    JOIN snap_{{kind}} r ON r.row_no = l.row_no
    JOIN {{people}} p ON p.person_id = l.person_id
    JOIN recipients rc ON rc.person_id = l.person_id
    ORDER BY l.row_no, rc.enrolment_id
"""


_KNOWN = frozenset(k.value for k in Kin) | {"self"}


def _kin_label(kin: str | None) -> str:
    if not kin:
        return "关系未登记"
    try:
        return KIN_LABELS[Kin(kin)]
    except ValueError:
        return f"关系“{kin}”无法识别"


def run(ctx: CheckContext) -> list[Hit]:
    hits = []
    for kind, role in KINDS.items():
        if not ctx.has(kind):
            continue
        unknown: set[int] = set()
        for row in rows(
            ctx.con, SQL.format(link=ctx.link(kind), kind=kind, people=ctx.people(kind))
        ):
            is_self = row["kin"] == "self"
            known = row["kin"] in _KNOWN
            if not is_self and known and row["kin"] not in ctx.limits.close_relatives:
                continue
            staff = f"{row['unit'] or ''}{row['post'] or ''}{role}{row['staff_name']}"
            if is_self:
                code, rule = CODE_STAFF, "R6"
                summary = f"{row['p_name']}本人为{staff}，享受救助"
            elif known:
                code, rule = CODE_KIN, "R5"
                summary = f"{row['p_name']}是{staff}的{_kin_label(row['kin'])}，享受救助"
            else:
                unknown.add(row["row_no"])
                code, rule = CODE_KIN, "R5"
                summary = (
                    f"{row['p_name']}享受救助，列在{staff}的亲属名单中，"
                    f"{_kin_label(row['kin'])}，按近亲属核查，请核实"
                )
            hits.append(
                Hit(
                    check=code,
                    rule=rule,
                    key=(
                        f"person:{row['person_id']}|enrolment:{row['enrolment_id']}|{kind}"
                        f"|staff:{row['staff_id_masked'] or row['staff_name']}|kin:{row['kin']}"
                    ),
                    township_id=row["township_id"],
                    village_id=row["village_id"],
                    household_id=row["household_id"],
                    person_id=row["person_id"],
                    enrolment_id=row["enrolment_id"],
                    application_id=row["application_id"],
                    subject_name=row["p_name"],
                    subject_id_masked=row["p_id"],
                    summary=summary,
                    snapshot_kind=kind,
                    ref_row=row["row_no"],
                    tier=row["tier"],
                    score=row["score"],
                    evidence=evidence_rows(
                        row,
                        [
                            ("工作人员", "", row["staff_name"]),
                            ("工作人员身份证号码", "", row["staff_id_masked"]),
                            ("工作单位及职务", "", f"{row['unit'] or ''} {row['post'] or ''}"),
                            ("与工作人员关系", "", "本人" if is_self else _kin_label(row["kin"])),
                        ],
                    ),
                    review=row["tier"] == "review",
                )
            )
        ctx.account(
            CODE_KIN, kind, "与工作人员关系未登记或无法识别，按近亲属核查", len(unknown), used=True
        )
        account_unmatched_ids(ctx, CODE_KIN, kind)
    return hits
