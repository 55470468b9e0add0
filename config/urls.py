from django.urls import include, path

from jiuzhu.desk.urls import household_patterns
from jiuzhu.registry.urls import urlpatterns as registry_patterns

urlpatterns = [
    path("", include("jiuzhu.desk.urls")),
    path("accounts/admin/api-keys/", include("jiuzhu.api.urls_keys")),  # 系统管理 → 对外接口密钥
    path("accounts/admin/", include("jiuzhu.accounts.urls_admin")),
    path("accounts/", include("jiuzhu.accounts.urls")),
    # the household page (工作台) first: it reads every app, so it lives above the registry
    path("registry/", include((household_patterns + registry_patterns, "registry"))),
    path("cases/", include("jiuzhu.cases.urls")),
    path("audit/", include("jiuzhu.supervision.urls")),
    path("standards/", include("jiuzhu.programmes.urls")),
    path("spot-checks/", include("jiuzhu.cases.urls_spotcheck")),
    path("crosscheck/snapshots/", include("jiuzhu.crosscheck.urls_snapshots")),
    path("crosscheck/", include("jiuzhu.crosscheck.urls")),
    path("payments/", include("jiuzhu.payments.urls")),
    path("reports/", include("jiuzhu.reports.urls")),
    path("dashboard/", include("jiuzhu.dashboard.urls")),
    path("api/", include("jiuzhu.api.urls")),  # other agencies' JSON API (API keys, no session)
    path("clues/", include("jiuzhu.supervision.urls_clues")),
    # the public complaint form (no login) before the portal's own gongkai/ include
    path("gongkai/jubao/", include("jiuzhu.supervision.urls_public")),
    path("gongkai/", include("jiuzhu.disclosure.urls")),  # the public portal, no login (R18)
]
