"""Pure benefit and eligibility rules: frozen dataclasses in, results with Chinese ``lines`` out.

No Django import anywhere in this package; parameters (standards, limits, rates, tiers) are
arguments supplied by the caller, never constants here.
"""

from ._common import Check
from .dibao import (
    AddOn,
    DibaoResult,
    SinglePersonResult,
    Tier,
    dibao_amount,
    is_severely_disabled,
    single_person_inclusion,
    yearly_to_monthly,
)
from .extreme_poverty import (
    BasicLivingStandard,
    CareSubsidy,
    ExtremePovertyResult,
    SelfCareResult,
    Supporter,
    basic_living_standard,
    care_subsidy,
    extreme_poverty_eligible,
    labour_incapable,
    minor_coverage_continues,
    no_means_of_living,
    self_care_assessment,
    self_care_level,
    supporter_unable,
    supporters_unable,
)
from .heating import HeatingAmount, heating_amount
from .income import CountedIncome, IncomeItem, IncomeLine, counted_income
from .property_test import AssetItem, PropertyLimits, PropertyResult, assess_property
from .temporary import (
    TemporaryAmount,
    TempTier,
    needs_one_case_decision,
    temporary_amount,
    township_may_confirm,
)

__all__ = [
    "AddOn",
    "AssetItem",
    "BasicLivingStandard",
    "CareSubsidy",
    "Check",
    "CountedIncome",
    "DibaoResult",
    "ExtremePovertyResult",
    "HeatingAmount",
    "IncomeItem",
    "IncomeLine",
    "PropertyLimits",
    "PropertyResult",
    "SelfCareResult",
    "SinglePersonResult",
    "Supporter",
    "TempTier",
    "TemporaryAmount",
    "Tier",
    "assess_property",
    "basic_living_standard",
    "care_subsidy",
    "counted_income",
    "dibao_amount",
    "extreme_poverty_eligible",
    "heating_amount",
    "is_severely_disabled",
    "labour_incapable",
    "minor_coverage_continues",
    "needs_one_case_decision",
    "no_means_of_living",
    "self_care_assessment",
    "self_care_level",
    "single_person_inclusion",
    "supporter_unable",
    "supporters_unable",
    "temporary_amount",
    "township_may_confirm",
    "yearly_to_monthly",
]
