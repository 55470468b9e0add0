from django.db import models


class Region(models.Model):
    """County → township → village/community, with the 12-digit statistical division code."""

    class Level(models.TextChoices):
        COUNTY = "county", "县（区）"
        TOWNSHIP = "township", "乡镇（街道）"
        VILLAGE = "village", "村（社区）"

    code = models.CharField("统计用区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=60)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级",
    )
    urban_rural_code = models.CharField("城乡分类代码", max_length=3, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return self.name

    @property
    def is_urban(self) -> bool:
        """Statistics classification 1xx is urban (城镇), 2xx rural (乡村)."""
        return self.urban_rural_code.startswith("1")

    @property
    def full_name(self) -> str:
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))
