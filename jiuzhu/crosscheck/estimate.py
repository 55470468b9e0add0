"""A household's recorded means, and the R7 first estimate of a missed household's eligibility."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jiuzhu.core.errors import ValidationFailed
from jiuzhu.core.money import CENT, format_yuan
from jiuzhu.programmes import selectors as params
from jiuzhu.programmes.benefit import counted_income_by_household, monthly_standard
from jiuzhu.programmes.catalogue import dibao_code
from jiuzhu.registry.selectors import household_sizes


@dataclass(frozen=True)
class Means:
    """A household's recorded means for the month: counted income and the dibao standard."""

    members: int
    counted_monthly: Decimal  # S2 art. 13 counted income, whole household, per month
    standard_monthly: Decimal | None  # the dibao standard in force for its area, per person
    has_income_facts: bool

    @property
    def per_capita(self) -> Decimal:
        return (self.counted_monthly / max(self.members, 1)).quantize(CENT)


def household_means(
    *, county, household_ids: list[int], on: date, sizes: dict[int, tuple[int, str]] | None = None
) -> dict[int, Means]:
    """Members, counted income and the standard in force of many households, in a few queries.
    `sizes` (household -> members, area type) when the caller has them at hand (a run counts
    them in its exported people), else they are counted in the registry."""
    sizes = household_sizes(household_ids) if sizes is None else sizes
    incomes = counted_income_by_household(household_ids)
    standards: dict[str, Decimal | None] = {}
    for area in {area for _, area in sizes.values()}:
        try:
            standards[area] = monthly_standard(
                params.standard_in_force(
                    county=county, programme_code=dibao_code(area), area=area, on=on
                )
            )
        except ValidationFailed:
            standards[area] = None
    return {
        hid: Means(
            members=n,
            counted_monthly=incomes[hid].monthly_total if hid in incomes else Decimal("0"),
            standard_monthly=standards[area],
            has_income_facts=hid in incomes,
        )
        for hid, (n, area) in sizes.items()
    }


def estimate_households(
    *, county, household_ids: list[int], on: date, sizes: dict[int, tuple[int, str]] | None = None
) -> dict[int, tuple[str, str]]:
    """R7: a first estimate of eligibility from the recorded income, as (label, explanation)."""
    out = {}
    for hid, means in household_means(
        county=county, household_ids=household_ids, on=on, sizes=sizes
    ).items():
        standard = means.standard_monthly
        if standard is None:
            out[hid] = ("未估算", "没有生效的低保标准")
        elif not means.has_income_facts:
            out[hid] = ("未估算", "家庭收入未登记，需入户核查")
        elif means.per_capita < standard:
            out[hid] = (
                "可能符合",
                f"登记的人均月收入{format_yuan(means.per_capita)}低于"
                f"低保标准{format_yuan(standard)}",
            )
        else:
            out[hid] = (
                "收入高于标准",
                f"登记的人均月收入{format_yuan(means.per_capita)}不低于"
                f"低保标准{format_yuan(standard)}，仍需核实",
            )
    return out
