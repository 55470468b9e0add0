"""R7: a first estimate of a missed household's eligibility from its recorded income."""

from __future__ import annotations

from datetime import date

from jiuzhu.cases.benefit import household_counted_income, monthly_standard
from jiuzhu.core.errors import ValidationFailed
from jiuzhu.core.money import format_yuan
from jiuzhu.programmes import selectors as params
from jiuzhu.registry.models import Household


def estimate_households(*, county, household_ids: list[int], on: date) -> dict[int, tuple[str, str]]:
    out = {}
    households = Household.objects.filter(pk__in=household_ids).prefetch_related("members")
    for household in households:
        members = len(household.members.all())
        code = "dibao_urban" if household.area_type == "urban" else "dibao_rural"
        try:
            standard = monthly_standard(params.standard_in_force(
                county=county, programme_code=code, area=household.area_type, on=on))
        except ValidationFailed:
            out[household.pk] = ("未估算", "没有生效的低保标准")
            continue
        income = household_counted_income(household)
        if not household.incomes.exists():
            out[household.pk] = ("未估算", "家庭收入未登记，需入户核查")
            continue
        per_capita = (income.monthly_total / max(members, 1)).quantize(standard)
        if per_capita < standard:
            out[household.pk] = ("可能符合", f"登记的人均月收入{format_yuan(per_capita)}低于"
                                          f"低保标准{format_yuan(standard)}")
        else:
            out[household.pk] = ("收入高于标准", f"登记的人均月收入{format_yuan(per_capita)}不低于"
                                             f"低保标准{format_yuan(standard)}，仍需核实")
    return out
