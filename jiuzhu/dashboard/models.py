from django.db import models


class SeriesMonth(models.Model):
    """One county's dashboard series for one month, precomputed by the refresh job (R21).

    `data` holds the month's figures for every township and village of the county (the page
    picks a township's share): what the roster counts as paid that month per programme and
    township, each village's households in payment, newly paid and no longer paid, the payrolls'
    actual lines, and the poverty-registry coverage as of the month's latest snapshot. A row made
    after its month ended is `final`: it is never computed again; the current month's row is
    replaced by each refresh."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    month = models.CharField("月份", max_length=7)  # YYYY-MM
    final = models.BooleanField("已结月", default=False)
    data = models.JSONField("数据", default=dict)
    computed_at = models.DateTimeField("生成时间")

    class Meta:
        verbose_name = verbose_name_plural = "仪表盘月度数据"
        ordering = ["county_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["county", "month"], name="dashboard_one_row_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.month}"
