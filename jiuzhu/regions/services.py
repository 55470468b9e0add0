"""Loading the region tree from CSV (code,name,level,parent_code,urban_rural_code)."""

import csv
from pathlib import Path

from django.db import transaction

from jiuzhu.core import audit
from jiuzhu.core.errors import PermissionDenied, ValidationFailed

from .models import Region

# accounts.roles.Perm.MANAGE_REGIONS, by value: regions sit below accounts
MANAGE_REGIONS = "manage_regions"
LEVELS = {"county", "township", "village"}
PARENT_LEVEL = {"township": "county", "village": "township"}


def _check_row(lineno: int, row: dict, known: dict[str, str]) -> list[str]:
    code, level, parent = row.get("code", ""), row.get("level", ""), row.get("parent_code", "")
    problems = []
    if len(code) != 12 or not code.isdigit():
        problems.append(f"第{lineno}行：区划代码应为12位数字：{code}")
    if level not in LEVELS:
        problems.append(f"第{lineno}行：层级应为 county/township/village：{level}")
    if not row.get("name"):
        problems.append(f"第{lineno}行：名称不能为空")
    if level in PARENT_LEVEL and known.get(parent) != PARENT_LEVEL[level]:
        problems.append(f"第{lineno}行：上级代码{parent}不存在或层级不对")
    return problems


@transaction.atomic
def regions_import_csv(*, path: Path, actor) -> int:
    """Create or update every region in the file; all or nothing. Returns the row count.
    The operator's work (the system actor at the command line): regions bound every
    jurisdiction, so no county user loads them."""
    if actor is None or not actor.can(MANAGE_REGIONS):
        raise PermissionDenied("行政区划只能由运维人员在服务器命令行导入")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    known = dict(Region.objects.values_list("code", "level"))
    problems = []
    for lineno, row in enumerate(rows, start=2):
        problems += _check_row(lineno, row, known)
        known[row.get("code", "")] = row.get("level", "")
    if problems:
        raise ValidationFailed("区划文件有误：\n" + "\n".join(problems[:50]))
    by_code = {r.code: r for r in Region.objects.all()}
    for row in rows:
        region = by_code.get(row["code"]) or Region(code=row["code"])
        region.name, region.level = row["name"], row["level"]
        region.parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        region.urban_rural_code = row.get("urban_rural_code", "")
        region.save()
        by_code[region.code] = region
    audit.record(action="regions.import", actor=actor, new={"file": path.name, "rows": len(rows)})
    return len(rows)
