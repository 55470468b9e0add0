"""Labels of the programmes' audit values: programme codes as their Chinese names, and the
fields of each dated setting (jiuzhu.core.audit_values)."""

from jiuzhu.core.audit_values import register, register_model

from .catalogue import PROGRAMMES
from .models import (
    AddOnRate,
    CareRate,
    CountySetting,
    Delegation,
    DibaoTier,
    Standard,
    TemporaryTier,
)

PROGRAMME_NAMES = {p.code: p.name for p in PROGRAMMES}

register(fields={"programme": "救助项目"}, values={"programme": PROGRAMME_NAMES})
for model in (Standard, Delegation, CountySetting, AddOnRate, TemporaryTier, DibaoTier, CareRate):
    register_model(model, actions=(f"settings.{model._meta.model_name}",))
register(
    fields={
        "tiers": "分档",
        "max_per_capita_income": "人均收入上限",
        "amount_per_person": "每人金额",
    },
    money=("max_per_capita_income", "amount_per_person"),
    actions=("settings.dibaotier",),
)
