"""URLs of the payment cycle: bank."""

from django.urls import path

from . import views_bank

urlpatterns: list = [
    path("bank/payroll/<int:pk>/", views_bank.bank_payroll, name="bank_payroll"),
    path("bank/payroll/<int:pk>/file/", views_bank.bank_file, name="bank_file"),
    path("bank/payroll/<int:pk>/result/", views_bank.bank_result_upload, name="bank_result_upload"),
    path(
        "bank/payroll/<int:pk>/reconciliation.xlsx",
        views_bank.bank_reconciliation_export,
        name="bank_reconciliation_export",
    ),
    path("bank/line/<int:pk>/reissue/", views_bank.bank_line_reissue, name="bank_line_reissue"),
    path("bank/layout/", views_bank.bank_layout, name="bank_layout"),
    path("bank/returned/", views_bank.returned_lines, name="returned_lines"),
]
