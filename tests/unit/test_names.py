import random
import re
from collections import Counter

import pytest

from jiuzhu.demo.names import (
    ETHNIC_GROUPS,
    FEMALE_CHARS,
    MALE_CHARS,
    NEUTRAL_CHARS,
    SURNAME_WEIGHTS,
    NameGenerator,
)

CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
DRAWS = 10_000


def _gen(seed: int = 20240711) -> NameGenerator:
    return NameGenerator(random.Random(seed))


def _people(gen: NameGenerator, n: int = DRAWS) -> list[str]:
    return [gen.person_name("M" if i % 2 else "F") for i in range(n)]


def test_same_seed_gives_same_sequence():
    a, b = _gen(7), _gen(7)
    seq_a = [
        (a.person_name("F"), a.surname(), a.given_name("M"), a.ethnic_group()) for _ in range(200)
    ]
    seq_b = [
        (b.person_name("F"), b.surname(), b.given_name("M"), b.ethnic_group()) for _ in range(200)
    ]
    assert seq_a == seq_b
    assert _people(_gen(7), 200) == _people(_gen(7), 200)
    assert _people(_gen(8), 200) != _people(_gen(7), 200)


def test_names_are_two_to_four_cjk_characters():
    for name in _people(_gen()):
        assert CJK_NAME.match(name), name


def test_given_name_length_mix():
    gen = _gen()
    lengths = Counter(len(gen.given_name(sex)) for sex in "MF" for _ in range(DRAWS // 2))
    assert set(lengths) == {1, 2}
    assert 0.6 < lengths[2] / DRAWS < 0.8


def test_surname_distribution_is_realistic():
    gen = _gen()
    counts = Counter(gen.surname() for _ in range(DRAWS))
    top, _ = counts.most_common(1)[0]
    assert top in {"王", "李", "张", "刘", "陈", "龙", "吴", "杨"}
    assert len(SURNAME_WEIGHTS) >= 150
    assert len(counts) >= 150
    # local Miao-area surnames are well represented
    for local in ("龙", "吴", "麻", "石"):
        assert counts[local] > 200, local


def test_rare_and_compound_surnames_are_in_the_table():
    for name in ("单", "曾", "解", "仇", "区", "朴", "查", "欧阳", "司马"):
        assert name in SURNAME_WEIGHTS
    assert SURNAME_WEIGHTS["司马"] < SURNAME_WEIGHTS["王"] / 100


def test_duplicate_full_names_occur():
    counts = Counter(_people(_gen()))
    assert sum(1 for c in counts.values() if c > 1) >= 20


def test_classic_duplicates_are_possible():
    gen = _gen()
    males = {gen.person_name("M", surname="张") for _ in range(20_000)}
    females = {gen.person_name("F", surname="王") for _ in range(20_000)}
    assert "张伟" in males
    assert "王芳" in females


def test_caller_supplied_surname_is_kept():
    gen = _gen()
    for _ in range(100):
        assert gen.person_name("M", surname="欧阳").startswith("欧阳")


def test_sex_specific_pools_differ():
    assert len(MALE_CHARS) >= 60 and len(FEMALE_CHARS) >= 60 and len(NEUTRAL_CHARS) >= 25
    assert not set(MALE_CHARS) & set(FEMALE_CHARS)
    gen = _gen()
    male_chars = Counter("".join(gen.given_name("M") for _ in range(3000)))
    female_chars = Counter("".join(gen.given_name("F") for _ in range(3000)))
    assert "伟" in male_chars and "伟" not in female_chars
    assert "芳" in female_chars and "芳" not in male_chars


def test_given_name_rejects_unknown_sex():
    with pytest.raises(ValueError):
        _gen().given_name("X")


def test_ethnic_groups_match_county_shares():
    assert abs(sum(ETHNIC_GROUPS.values()) - 100) < 1e-6
    gen = _gen()
    counts = Counter(gen.ethnic_group() for _ in range(DRAWS))
    assert 0.55 < counts["苗族"] / DRAWS < 0.65
    assert 0.20 < counts["汉族"] / DRAWS < 0.28
    assert 0.12 < counts["土家族"] / DRAWS < 0.18
    assert set(counts) <= set(ETHNIC_GROUPS)
