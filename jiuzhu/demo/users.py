"""Demo accounts: one per role, scoped to the demo county, a township or a village."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from jiuzhu.accounts.models import User
from jiuzhu.accounts.roles import ROLE_LABELS, Role
from jiuzhu.core import audit
from jiuzhu.regions.models import Region

from .generator import COUNTY_CODE, ensure_demo_county

DEMO_PASSWORD = "Jiuzhu-Demo-2026"
HOME_TOWNSHIP = "沱江镇"
SECOND_TOWNSHIP = "山江镇"  # a second township, to show that jurisdiction separates them


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    scope: str  # "county", a township name, or "village" (the first village of HOME_TOWNSHIP)
    full_name: str
    unit: str


DEMO_USERS = (
    DemoUser("county-admin", Role.COUNTY_ADMIN, "county", "龙建华", "凤凰县民政局"),
    DemoUser("county-reviewer", Role.COUNTY_REVIEWER, "county", "吴秀英", "凤凰县民政局社会救助股"),
    DemoUser(
        "township-officer", Role.TOWNSHIP_OFFICER, HOME_TOWNSHIP, "杨海燕", "沱江镇人民政府民政办"
    ),
    DemoUser(
        "township-officer-b",
        Role.TOWNSHIP_OFFICER,
        SECOND_TOWNSHIP,
        "麻志强",
        "山江镇人民政府民政办",
    ),
    DemoUser("township-head", Role.TOWNSHIP_HEAD, HOME_TOWNSHIP, "田国强", "沱江镇人民政府"),
    DemoUser("village-assistant", Role.VILLAGE_ASSISTANT, "village", "石美玲", "村（居）民委员会"),
    DemoUser("inspector", Role.INSPECTOR, "county", "彭建军", "县纪委监委派驻民政局纪检监察组"),
    DemoUser("finance", Role.FINANCE, "county", "滕丽华", "县财政局"),
    DemoUser("auditor", Role.AUDITOR, "county", "向永强", "县审计局"),
)


def _scopes() -> dict[str, Region]:
    county = ensure_demo_county()
    townships = {
        r.name: r for r in Region.objects.filter(parent=county, level=Region.Level.TOWNSHIP)
    }
    home = townships[HOME_TOWNSHIP]
    village = (
        Region.objects.filter(parent=home, level=Region.Level.VILLAGE).order_by("code").first()
    )
    return {
        "county": county,
        HOME_TOWNSHIP: home,
        SECOND_TOWNSHIP: townships[SECOND_TOWNSHIP],
        "village": village,
    }


@transaction.atomic
def create_demo_users() -> list[tuple[str, str, str]]:
    """Create or update the demo accounts (password DEMO_PASSWORD).

    Returns (username, role label, region name) for each, in a fixed order.
    """
    scopes = _scopes()
    out = []
    for spec in DEMO_USERS:
        region = scopes[spec.scope]
        user = User.objects.filter(username=spec.username).first() or User(username=spec.username)
        if spec.unit == "村（居）民委员会":
            unit = f"{region.name}{'居民委员会' if region.name.endswith('社区') else '村民委员会'}"
        else:
            unit = spec.unit
        user.role, user.region, user.full_name, user.unit = (
            spec.role.value,
            region,
            spec.full_name,
            unit,
        )
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        out.append((spec.username, ROLE_LABELS[spec.role], region.name))
    audit.record(action="demo.users", new={"users": [u for u, _, _ in out], "county": COUNTY_CODE})
    return out
