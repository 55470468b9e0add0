"""The registry files other agencies send, made as CSV text in the templates' columns and
imported through the real snapshot services (preview, then commit) as the county administrator.
Each file mixes a few planted cases — about a third of them in 沱江镇, where the demo township
officer works — with look-alikes that must not be flagged and many ordinary rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from jiuzhu.core.spreadsheet import CsvWriter
from jiuzhu.crosscheck.models import RegistrySnapshot
from jiuzhu.crosscheck.snapshot_formats import fields_for
from jiuzhu.crosscheck.snapshot_services import snapshot_commit, snapshot_preview

from .businesses import business_rows
from .deaths import death_rows
from .disability import disability_rows
from .fiscal_staff import fiscal_staff_rows
from .neighbours import neighbour_rows
from .pensions import pension_rows
from .planting import Planting
from .poverty import poverty_rows
from .real_estate import real_estate_rows
from .vehicles import vehicle_rows
from .village_cadres import village_cadre_rows


@dataclass(frozen=True)
class RegistryFile:
    kind: str  # the snapshot kind (crosscheck.snapshot_formats)
    source: str  # the agency that sends it
    days_old: int  # how long before today the file is dated
    rows: Callable[[Planting], list[dict]]


# In this order: each file's planted households are not planted again by a later one.
REGISTRY_FILES = (
    RegistryFile("death", "县公安局户籍注销和县殡葬管理所火化数据", 2, death_rows),
    RegistryFile("fiscal_staff", "县委组织部、县人社局、县财政局", 20, fiscal_staff_rows),
    RegistryFile("village_cadre", "县委组织部（村社区“两委”成员）", 25, village_cadre_rows),
    RegistryFile("vehicle", "县公安局交警大队、县农业农村局", 10, vehicle_rows),
    RegistryFile("business", "县市场监督管理局", 10, business_rows),
    RegistryFile("real_estate", "县不动产登记中心", 15, real_estate_rows),
    RegistryFile("poverty", "县乡村振兴局（防返贫监测信息系统）", 8, poverty_rows),
    RegistryFile("disability", "县残疾人联合会（残疾人证新办和换领）", 12, disability_rows),
    RegistryFile("neighbour", "吉首市民政局等周边县市", 30, neighbour_rows),
    RegistryFile("pension", "县人力资源和社会保障局（社保待遇发放）", 6, pension_rows),
)


def import_registries(plant: Planting) -> int:
    """Every registry file, imported and made active; how many."""
    for registry in REGISTRY_FILES:
        rows = registry.rows(plant)
        plant.rng.shuffle(rows)
        as_of = min(plant.today, timezone.localdate()) - timedelta(days=registry.days_old)
        _import(plant, registry.kind, registry.source, as_of, rows)
    return len(REGISTRY_FILES)


def _import(plant: Planting, kind: str, source: str, as_of, rows: list[dict]) -> None:
    snap = snapshot_preview(
        actor=plant.admin,
        kind=kind,
        as_of=as_of,
        source=source,
        file_name=f"{kind}-{as_of:%Y%m%d}.csv",
        data=_csv(kind, rows),
    )
    if snap.report.get("errors"):
        raise RuntimeError(f"演示比对数据有误（{kind}）：{snap.report['problems'][:3]}")
    snap = snapshot_commit(actor=plant.admin, snapshot_id=snap.pk, good_rows=True, inline=True)
    if snap.status != RegistrySnapshot.Status.ACTIVE:
        raise RuntimeError(f"演示比对数据未能导入（{kind}）：{snap.job and snap.job.log}")


def _csv(kind: str, rows: list[dict]) -> bytes:
    fields = fields_for(kind)
    writer = CsvWriter([f.header for f in fields])  # the one CSV writer (UTF-8 with BOM)
    for row in rows:
        writer.append([row.get(f.key, "") for f in fields])
    return writer.finish().data
