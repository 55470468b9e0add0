"""URLs of the payment cycle: payroll."""

from django.urls import path

from . import views_payroll

urlpatterns: list = [
    path("payroll/", views_payroll.payroll_list, name="payroll_list"),
    path("payroll/job/<int:job_id>/", views_payroll.payroll_job, name="payroll_job"),
    path("payroll/<int:pk>/", views_payroll.payroll_detail, name="payroll_detail"),
    path("payroll/line/<int:pk>/", views_payroll.payroll_line_trace, name="payroll_line_trace"),
    path("payroll/<int:pk>/approve/", views_payroll.payroll_approve_view, name="payroll_approve"),
    path("payroll/<int:pk>/release/", views_payroll.payroll_release_view, name="payroll_release"),
    path(
        "payroll/<int:pk>/lines.xlsx",
        views_payroll.payroll_lines_export,
        name="payroll_lines_export",
    ),
]
