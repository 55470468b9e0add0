"""The payment cycle's pages, one list per area (roster, changes, payroll, bank, recoveries)."""

from . import urls_bank, urls_changes, urls_payroll, urls_recoveries, urls_roster

app_name = "payments"
urlpatterns = [
    *urls_roster.urlpatterns,
    *urls_changes.urlpatterns,
    *urls_payroll.urlpatterns,
    *urls_bank.urlpatterns,
    *urls_recoveries.urlpatterns,
]
