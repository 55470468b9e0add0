from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """统计报表 (R21): the official forms counties send upwards, every number traceable to the
    households or lines behind it, and the figures of a closed month kept reproducible."""

    name = "jiuzhu.reports"
    label = "reports"
    verbose_name = "统计报表"
