from decimal import Decimal

import pytest

from jiuzhu.cases.authority import (
    DEFAULT_DELEGATED_PROGRAMMES,
    DEFAULT_DELEGATION,
    AuthorityError,
    DelegationSettings,
    check_actor,
    confirming_level,
    decide_level,
)
from jiuzhu.cases.workflow import Action
from jiuzhu.programmes.catalogue import PROGRAMMES

SEED_001 = {
    "dibao_urban",
    "dibao_rural",
    "extreme_poverty_centralised",
    "extreme_poverty_dispersed",
    "disability_living",
    "disability_care",
    "orphan",
    "unsupported_child",
    "elderly_allowance",
    "temporary",
}


def test_default_delegation_follows_seed_001():
    assert DEFAULT_DELEGATED_PROGRAMMES == SEED_001
    assert DEFAULT_DELEGATION.temporary_cap == Decimal("2000")
    assert DEFAULT_DELEGATION.county_has_delegated is True
    # Agrees with the programme catalogue's own flag.
    assert SEED_001 == {p.code for p in PROGRAMMES if p.delegated_by_default}


def test_unknown_programme_goes_to_county_under_its_code():
    decision = decide_level("fuel_subsidy", None, DEFAULT_DELEGATION)
    assert decision.level == "county" and "fuel_subsidy" in decision.reason


@pytest.mark.parametrize("programme", sorted(SEED_001 - {"temporary"}))
def test_delegated_programmes_go_to_the_township(programme):
    assert confirming_level(programme, None, DEFAULT_DELEGATION) == "township"


def test_temporary_cap_is_inclusive():
    assert confirming_level("temporary", Decimal("2000.00"), DEFAULT_DELEGATION) == "township"
    decision = decide_level("temporary", Decimal("2000.01"), DEFAULT_DELEGATION)
    assert decision.level == "county"
    assert decision.reason == "临时救助金额¥2,000.01超过乡镇审核确认上限¥2,000.00，由县级审核确认"
    assert confirming_level("temporary", Decimal("0"), DEFAULT_DELEGATION) == "township"


def test_temporary_cap_is_a_setting():
    settings = DelegationSettings(DEFAULT_DELEGATED_PROGRAMMES, temporary_cap=Decimal("3000"))
    assert confirming_level("temporary", Decimal("2500"), settings) == "township"
    assert confirming_level("temporary", Decimal("3000.01"), settings) == "county"


def test_temporary_needs_a_valid_amount():
    with pytest.raises(ValueError, match="救助金额"):
        confirming_level("temporary", None, DEFAULT_DELEGATION)
    with pytest.raises(ValueError, match="负数"):
        confirming_level("temporary", Decimal("-1"), DEFAULT_DELEGATION)


def test_heating_is_not_delegated():
    decision = decide_level("heating", Decimal("200"), DEFAULT_DELEGATION)
    assert decision.level == "county"
    assert decision.reason == "“取暖救助”未下放乡镇，由县级民政部门审核确认"


def test_county_that_has_not_delegated_decides_everything():
    settings = DelegationSettings(DEFAULT_DELEGATED_PROGRAMMES, county_has_delegated=False)
    for programme in sorted(SEED_001):
        assert confirming_level(programme, Decimal("1"), settings) == "county"
    assert "未下放" in decide_level("orphan", None, settings).reason


def test_programme_removed_from_settings_goes_to_county():
    settings = DelegationSettings(DEFAULT_DELEGATED_PROGRAMMES - {"orphan"})
    assert confirming_level("orphan", None, settings) == "county"


def check(**overrides):
    kwargs = dict(
        action="confirm",
        actor_id=7,
        actor_level="township",
        created_by=1,
        investigated_by=frozenset({2, 3}),
        recused=frozenset(),
        required_level="township",
    )
    kwargs.update(overrides)
    check_actor(**kwargs)


def test_an_independent_actor_at_the_right_level_may_decide():
    check()
    check(action="refuse", actor_level="county", required_level="county")
    check(action=Action.CONFIRM, created_by=None)


@pytest.mark.parametrize("action", ["confirm", "refuse", Action.REFUSE])
def test_creator_cannot_decide(action):
    with pytest.raises(AuthorityError, match="登记本申请的工作人员不能审核确认本案"):
        check(action=action, actor_id=1)


def test_investigator_cannot_decide():
    with pytest.raises(AuthorityError, match="参与本案入户调查"):
        check(actor_id=3)


def test_creator_and_investigator_may_do_other_steps():
    check(action="record_investigation", actor_id=1)
    check(action="publish_notice", actor_id=2)


@pytest.mark.parametrize("action", ["confirm", "record_investigation", "publish_notice"])
def test_recused_person_cannot_act_at_all(action):
    with pytest.raises(AuthorityError, match="回避"):
        check(action=action, actor_id=9, recused=frozenset({9}))


def test_decision_needs_the_confirming_level():
    with pytest.raises(AuthorityError, match="本案应由县级民政部门审核确认"):
        check(actor_level="township", required_level="county")
    with pytest.raises(AuthorityError):
        check(actor_level="county", required_level="township")
    with pytest.raises(AuthorityError):
        check(actor_level="village")
    check(action="record_investigation", actor_level="village")


def test_authority_error_is_a_permission_error():
    assert issubclass(AuthorityError, PermissionError)


def test_invalid_required_level():
    with pytest.raises(ValueError):
        check(required_level="province")
