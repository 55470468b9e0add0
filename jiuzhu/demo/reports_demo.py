"""The demo county's register of social-assistance services bought from social organisations
(政府购买社会救助服务, seed 000), recorded by the county administrator through the register's
service, so the quarterly statistics table has something to count: four contracts in three
townships, this year, case work and care."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from jiuzhu.reports.models import ServicePurchase
from jiuzhu.reports.purchases import purchase_record

from .generator import COUNTY_CODE

CONTRACTS = (
    # township (index among the county's), number, provider, kind, content, amount, persons
    (
        0,
        "01",
        "凤凰县阳光社会工作服务中心",
        "casework",
        "低保对象入户调查与家庭经济状况核查",
        "86000.00",
        420,
    ),
    (0, "02", "凤凰县夕阳红养老服务中心", "care", "分散供养特困人员照料护理", "124000.00", 65),
    (
        1,
        "03",
        "湘西州同心社会工作服务社",
        "casework",
        "低保动态管理信息录入与复核",
        "48000.00",
        300,
    ),
    (
        2,
        "04",
        "凤凰县心灵港湾心理咨询服务中心",
        "care",
        "困难群众心理疏导与能力提升",
        "36000.00",
        120,
    ),
)


def create_demo_purchases(*, today: date) -> int:
    """Records the contracts once (none when the county already has some); returns how many."""
    from jiuzhu.accounts.models import User
    from jiuzhu.regions.models import Region

    county = Region.objects.get(code=COUNTY_CODE)
    if ServicePurchase.objects.filter(county=county).exists():
        return 0
    admin = User.objects.get(username="county-admin")
    townships = list(Region.objects.filter(parent=county).order_by("code"))
    for index, number, provider, kind, content, amount, persons in CONTRACTS:
        purchase_record(
            actor=admin,
            township_id=townships[index].pk,
            contract_number=f"FHMZ-GM-{today.year}-{number}",
            provider=provider,
            content_kind=kind,
            content=content,
            amount=Decimal(amount),
            start_on=date(today.year, 1, 1),
            end_on=date(today.year, 12, 31),
            persons_served=persons,
        )
    return len(CONTRACTS)
