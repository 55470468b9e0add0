"""What an API key may do (pure data, no database): its scopes, each a Chinese label and the
permissions its actor holds for the services the endpoints call (models.ApiActor.can). A key
holds no permission its scopes do not name, whatever its actor's stored role."""

from __future__ import annotations

from jiuzhu.accounts.roles import Perm

ROSTER_READ = "roster:read"
REPORTS_READ = "reports:read"
DASHBOARD_READ = "dashboard:read"
SNAPSHOTS_WRITE = "snapshots:write"

SCOPES: dict[str, str] = {
    ROSTER_READ: "读取在保名册（脱敏）",
    REPORTS_READ: "读取统计报表数据",
    DASHBOARD_READ: "读取仪表盘数据",
    SNAPSHOTS_WRITE: "推送比对数据",
}

SCOPE_PERMS: dict[str, frozenset[Perm]] = {
    ROSTER_READ: frozenset({Perm.VIEW_HOUSEHOLDS}),
    REPORTS_READ: frozenset({Perm.VIEW_REPORTS}),
    # the dashboard's counts of applications by stage and findings by status (dashboard.live)
    DASHBOARD_READ: frozenset({Perm.VIEW_REPORTS, Perm.VIEW_CASES, Perm.VIEW_FINDINGS}),
    SNAPSHOTS_WRITE: frozenset({Perm.IMPORT_REGISTRIES}),
}


def perms_of(scopes: list[str] | tuple[str, ...]) -> frozenset[Perm]:
    """The permissions a key with `scopes` holds (an unknown scope gives none)."""
    found: set[Perm] = set()
    for scope in scopes:
        found |= SCOPE_PERMS.get(scope, frozenset())
    return frozenset(found)


def scope_labels(scopes: list[str] | tuple[str, ...]) -> list[str]:
    return [SCOPES.get(s, s) for s in scopes]
