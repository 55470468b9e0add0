"""政府购买社会救助服务情况统计表 (seed 000: reported at each quarter's end), from the county's
register of service purchases (jiuzhu.reports.models.ServicePurchase).

Seed 000 names the table but gives no columns: the columns are our design. A contract counts in
a quarter when its service period overlaps the quarter; its amount is the contract amount (the
register holds contracts, not instalments), its persons the persons it serves."""

from __future__ import annotations

from jiuzhu.core.month import Month

from .definitions import SUM, Acc, Row, group, leaf, region_rows
from .models import ServicePurchase
from .scope import Scope

CODE = "services_quarterly"
TITLE = "政府购买社会救助服务情况统计表"
Content = ServicePurchase.Content


def _trio(prefix: str):
    return (
        leaf("项目数", f"{prefix}.n", "purchase"),
        leaf("合同金额（元）", f"{prefix}.a", "purchase", SUM, money=True),
        leaf("服务对象人数", f"{prefix}.p", "purchase", SUM),
    )


COLUMNS = (
    group("合计", *_trio("all")),
    group("事务性工作", *_trio(Content.CASEWORK)),
    group("服务性工作", *_trio(Content.CARE)),
)


def purchases(scope: Scope, months: list[Month]):
    qs = ServicePurchase.objects.filter(
        county_id=scope.county.pk,
        start_on__lte=months[-1].last_day,
        end_on__gte=months[0].first_day,
    )
    if scope.level == "village":  # contracts are recorded per township, not per village
        return qs.none()
    if scope.level != "county":
        township = scope.township.pk if scope.township else scope.region.pk
        qs = qs.filter(township_id=township)
    return qs


def build(scope: Scope, months: list[Month]) -> tuple[list[Row], Row, tuple[str, ...]]:
    acc = Acc(COLUMNS)
    by_township = scope.child_field() == "township_id"
    own = scope.own_row()
    for p in purchases(scope, months).values_list(
        "pk", "township_id", "content_kind", "amount", "persons_served"
    ):
        pk, township, kind, amount, persons = p
        row = township if by_township else own[0] if own else scope.region.pk
        for prefix in ("all", kind):
            acc.add(row, f"{prefix}.n", pk)
            acc.add(row, f"{prefix}.a", pk, amount)
            acc.add(row, f"{prefix}.p", pk, persons)
    if by_township:
        regions = scope.rows()
    else:  # contracts are recorded per township: one row
        regions = [own or (scope.region.pk, scope.region.name)]
    rows, total = region_rows(acc, regions)
    notes = (
        f"统计期：{months[0].label}至{months[-1].label}；服务期与本季度有重叠的合同均计入。",
        "合同金额为合同总额；服务对象人数为合同约定的服务人数。",
    )
    return rows, total, notes
