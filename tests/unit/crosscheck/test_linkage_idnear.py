"""Tier 2: one-character differences between two ID texts (pure)."""

from datetime import date

import pytest

from jiuzhu.core.idnumber import check_digit, make_resident_id, parse_resident_id
from jiuzhu.crosscheck.linkage.idnear import compare_ids, to_15

OURS = make_resident_id(region_code="433123", birth_date=date(1975, 3, 12), sequence=41, sex="M")


def _substitute(text: str, position: int, digit: str) -> str:
    return text[: position - 1] + digit + text[position:]


def test_every_single_substitution_is_invalid_and_found_with_its_position():
    for position in range(1, 18):
        for digit in "0123456789":
            if digit == OURS[position - 1]:
                continue
            wrong = _substitute(OURS, position, digit)
            with pytest.raises(ValueError):
                parse_resident_id(wrong)  # MOD 11-2 catches it: the snapshot says 'invalid'
            diff = compare_ids(wrong, OURS)
            assert diff is not None and diff.kind == "substitution"
            assert diff.positions == (position,)
            assert (diff.ref_chars, diff.our_chars) == (digit, OURS[position - 1])


def test_detail_names_the_position_and_both_digits():
    wrong = _substitute(OURS, 17, "8" if OURS[16] != "8" else "6")
    detail = compare_ids(wrong, OURS).detail
    assert detail.startswith(f"身份证号码第17位：{wrong[16]} ≠ {OURS[16]}")


def test_adjacent_transposition():
    i = next(i for i in range(17) if OURS[i] != OURS[i + 1])
    swapped = OURS[:i] + OURS[i + 1] + OURS[i] + OURS[i + 2 :]
    diff = compare_ids(swapped, OURS)
    assert diff.kind == "transposition"
    assert diff.positions == (i + 1, i + 2)
    assert "相邻颠倒" in diff.detail


def test_two_substitutions_or_a_distant_swap_are_not_near():
    two = _substitute(
        _substitute(OURS, 3, "9" if OURS[2] != "9" else "8"), 11, "0" if OURS[10] != "0" else "1"
    )
    assert compare_ids(two, OURS) is None
    i, j = next((i, j) for i in range(17) for j in range(i + 2, 17) if OURS[i] != OURS[j])
    far = list(OURS)
    far[i], far[j] = far[j], far[i]
    assert compare_ids("".join(far), OURS) is None


def test_equal_empty_and_other_lengths_are_not_near():
    assert compare_ids(OURS, OURS) is None
    assert compare_ids(None, OURS) is None
    assert compare_ids(OURS, None) is None
    assert compare_ids(OURS[:17], OURS) is None
    assert compare_ids(OURS + "1", OURS) is None


def test_malformed_15_digit_number_is_compared_with_the_old_form():
    old = to_15(OURS)
    assert old == OURS[:6] + OURS[8:17]
    wrong = _substitute(old, 9, "0" if old[8] != "0" else "5")
    diff = compare_ids(wrong, OURS)
    assert diff.positions == (9,) and diff.length == 15
    assert "15位旧号码" in diff.detail


def test_check_character_x():
    first17 = next(
        f"43312319750312{n:03d}"
        for n in range(1000)
        if check_digit(f"43312319750312{n:03d}") == "X"
    )
    ours = first17 + "X"
    diff = compare_ids(first17 + "3", ours)
    assert diff.positions == (18,) and diff.our_chars == "X"
