from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """仪表盘: charts per region (ECharts, served locally) over series precomputed per month.

    Its own app above reports (ARCHITECTURE lists dashboard data under reports/): the series are
    precomputed into their own table by a job, and the dashboard may read the forms' figures."""

    name = "jiuzhu.dashboard"
    label = "dashboard"
    verbose_name = "仪表盘"
