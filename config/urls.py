from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="registry:household_list", permanent=False)),
    path("accounts/admin/", include("jiuzhu.accounts.urls_admin")),
    path("accounts/", include("jiuzhu.accounts.urls")),
    path("registry/", include("jiuzhu.registry.urls")),
    path("cases/", include("jiuzhu.cases.urls")),
    path("audit/", include("jiuzhu.supervision.urls")),
    path("standards/", include("jiuzhu.programmes.urls")),
    path("spot-checks/", include("jiuzhu.cases.urls_spotcheck")),
    path("crosscheck/snapshots/", include("jiuzhu.crosscheck.urls_snapshots")),
    path("crosscheck/", include("jiuzhu.crosscheck.urls")),
    path("payments/", include("jiuzhu.payments.urls")),
]
