import math
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from jiuzhu.cases.sampling import (
    MANDATORY_REASONS,
    RANDOM,
    draw_sample,
    new_seed,
    random_quota,
)

case_lists = st.lists(st.integers(1, 10_000), min_size=0, max_size=80, unique=True)


@st.composite
def batches(draw):
    ids = draw(case_lists)
    chosen = draw(st.lists(st.sampled_from(ids), unique=True)) if ids else []
    mandatory = {i: draw(st.sampled_from(MANDATORY_REASONS)) for i in chosen}
    return ids, mandatory


seeds = st.integers(0, 2**63 - 1)


@given(batches(), seeds)
def test_same_seed_same_sample(batch, seed):
    ids, mandatory = batch
    first = draw_sample(case_ids=ids, mandatory=mandatory, seed=seed)
    shuffled = list(reversed(ids))  # the input order must not matter
    again = draw_sample(case_ids=shuffled, mandatory=mandatory, seed=seed)
    assert first == again


@given(batches(), seeds)
def test_every_mandatory_case_and_the_quota(batch, seed):
    ids, mandatory = batch
    sample = draw_sample(case_ids=ids, mandatory=mandatory, seed=seed)
    assert set(mandatory) <= set(sample.selected)
    assert set(sample.selected) <= set(ids)
    assert list(sample.selected) == sorted(sample.selected)
    quota = math.ceil(len(ids) * 3 / 10)
    assert sum(RANDOM in r for r in sample.reasons.values()) == quota
    assert len(sample.selected) >= max(quota, len(mandatory))
    assert len(sample.selected) <= quota + len(mandatory)
    for case_id in sample.selected:
        reasons = sample.reasons[case_id]
        assert reasons
        if case_id in mandatory:
            assert reasons[0] == mandatory[case_id]


@given(st.lists(st.integers(1, 10_000), min_size=20, max_size=80, unique=True), seeds, seeds)
def test_different_seeds_usually_differ(ids, seed_a, seed_b):
    assume(seed_a != seed_b)
    # With ≥20 cases there are ≥ C(20, 6) = 38,760 possible draws; a collision is rare but
    # possible, so compare many seed pairs and require most of them to differ.
    differ = sum(
        draw_sample(case_ids=ids, mandatory={}, seed=seed_a + k).selected
        != draw_sample(case_ids=ids, mandatory={}, seed=seed_b + k).selected
        for k in range(10)
    )
    assert differ >= 8


def test_known_draw_is_stable():
    ids = list(range(1, 11))
    sample = draw_sample(case_ids=ids, mandatory={10: "kin", 4: "complaint"}, seed=42)
    assert sample == draw_sample(case_ids=ids, mandatory={10: "kin", 4: "complaint"}, seed=42)
    assert sum(RANDOM in r for r in sample.reasons.values()) == 3
    assert {4, 10} <= set(sample.selected)
    assert sample.lines[0] == "本批新确认案件10件，随机抽查比例30%，随机抽取3件（向上取整）"
    assert "近亲属备案1件" in sample.lines[1] and "有投诉举报1件" in sample.lines[1]
    assert sample.lines[-1].startswith("随机种子：42")


def test_quota_rounds_up_exactly():
    assert random_quota(10, Decimal("0.30")) == 3
    assert random_quota(11, Decimal("0.30")) == 4
    assert random_quota(1, Decimal("0.30")) == 1
    assert random_quota(0, Decimal("0.30")) == 0
    assert random_quota(7, Decimal("1")) == 7


def test_empty_batch():
    sample = draw_sample(case_ids=[], mandatory={}, seed=1)
    assert sample.selected == () and dict(sample.reasons) == {}


def test_several_reasons_for_one_case():
    sample = draw_sample(
        case_ids=[1, 2, 3], mandatory={2: ("kin", "complaint")}, fraction=Decimal(0), seed=1
    )
    assert sample.selected == (2,)
    assert sample.reasons[2] == ("kin", "complaint")


def test_invalid_input_is_rejected():
    with pytest.raises(ValueError, match="不在本批"):
        draw_sample(case_ids=[1, 2], mandatory={3: "kin"}, seed=1)
    with pytest.raises(ValueError, match="必查原因无效"):
        draw_sample(case_ids=[1, 2], mandatory={1: "whim"}, seed=1)
    with pytest.raises(ValueError, match="抽查比例"):
        draw_sample(case_ids=[1, 2], mandatory={}, fraction=Decimal("1.5"), seed=1)


def test_reasons_are_read_only():
    sample = draw_sample(case_ids=[1, 2, 3], mandatory={1: "kin"}, seed=5)
    with pytest.raises(TypeError):
        sample.reasons[1] = ("random",)


def test_new_seed_is_a_63_bit_integer():
    seeds = {new_seed() for _ in range(20)}
    assert all(0 <= s < 2**63 for s in seeds)
    assert len(seeds) > 1
