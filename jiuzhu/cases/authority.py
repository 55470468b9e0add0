"""Who may confirm a case (R1, seed 001) and separation of duties (R5, S2 art. 11).

Pure module: no Django import. Settings are data supplied by the caller (per county, dated).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from jiuzhu.core.money import format_yuan
from jiuzhu.programmes.catalogue import BY_CODE

__all__ = [
    "DECISION_ACTIONS",
    "DEFAULT_DELEGATED_PROGRAMMES",
    "DEFAULT_DELEGATION",
    "AuthorityError",
    "DelegationSettings",
    "LevelDecision",
    "check_actor",
    "confirming_level",
    "decide_level",
]

Level = Literal["township", "county"]

LEVEL_LABELS = {"township": "乡镇（街道）", "county": "县级民政部门", "village": "村（居）委会"}


TEMPORARY = "temporary"

# Seed 001: the items whose confirmation is delegated to townships (temporary up to the cap).
DEFAULT_DELEGATED_PROGRAMMES: frozenset[str] = frozenset(
    {
        "dibao_urban",
        "dibao_rural",
        "extreme_poverty_centralised",
        "extreme_poverty_dispersed",
        "disability_living",
        "disability_care",
        "orphan",
        "unsupported_child",
        "elderly_allowance",
        TEMPORARY,
    }
)

DECISION_ACTIONS = frozenset({"confirm", "refuse"})


class AuthorityError(PermissionError):
    """The actor may not perform this action on this case."""


@dataclass(frozen=True)
class DelegationSettings:
    delegated_programmes: frozenset[str]
    temporary_cap: Decimal = Decimal("2000")  # inclusive
    county_has_delegated: bool = True


DEFAULT_DELEGATION = DelegationSettings(DEFAULT_DELEGATED_PROGRAMMES)


@dataclass(frozen=True)
class LevelDecision:
    level: Level
    reason: str


def _programme_label(programme: str) -> str:
    info = BY_CODE.get(programme)
    return info.name if info else programme


def decide_level(
    programme: str, amount: Decimal | None, settings: DelegationSettings
) -> LevelDecision:
    """Which level confirms the case, with the reason shown to the officer."""
    name = _programme_label(programme)
    if not settings.county_has_delegated:
        return LevelDecision("county", "本县未下放审核确认权限，由县级民政部门审核确认")
    if programme not in settings.delegated_programmes:
        return LevelDecision("county", f"“{name}”未下放乡镇，由县级民政部门审核确认")
    if programme == TEMPORARY:
        if amount is None:
            raise ValueError("临时救助须先确定救助金额，才能确定审核确认层级")
        if amount < 0:
            raise ValueError(f"救助金额不能为负数：{amount}")
        cap = settings.temporary_cap
        if amount > cap:
            return LevelDecision(
                "county",
                f"临时救助金额{format_yuan(amount)}超过乡镇审核确认上限{format_yuan(cap)}，由县级审核确认",
            )
        return LevelDecision(
            "township", f"临时救助金额{format_yuan(amount)}未超过{format_yuan(cap)}，由乡镇审核确认"
        )
    return LevelDecision("township", f"“{name}”已下放乡镇（街道）审核确认")


def confirming_level(programme: str, amount: Decimal | None, settings: DelegationSettings) -> Level:
    """R1: "township" or "county"; see :func:`decide_level` for the reason."""
    return decide_level(programme, amount, settings).level


def check_actor(
    *,
    action: str,
    actor_id: int,
    actor_level: str,
    created_by: int | None,
    investigated_by: frozenset[int],
    recused: frozenset[int],
    required_level: str,
) -> None:
    """Raise :class:`AuthorityError` unless the actor may perform ``action`` on the case.

    A recused person may do nothing on the case; whoever registered or investigated it may not
    decide it; a decision is taken at the confirming level only.
    """
    if required_level not in ("township", "county"):
        raise ValueError(f"审核确认层级无效：{required_level}")
    if actor_id in recused:
        raise AuthorityError("您已对本案回避，不能办理本案的任何事项")
    if str(action) not in DECISION_ACTIONS:
        return
    if created_by is not None and actor_id == created_by:
        raise AuthorityError("登记本申请的工作人员不能审核确认本案")
    if actor_id in investigated_by:
        raise AuthorityError("参与本案入户调查的工作人员不能审核确认本案")
    if actor_level != required_level:
        actor_name = LEVEL_LABELS.get(actor_level, actor_level)
        raise AuthorityError(
            f"本案应由{LEVEL_LABELS[required_level]}审核确认，{actor_name}工作人员无权决定"
        )
