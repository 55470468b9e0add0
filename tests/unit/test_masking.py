import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.core.masking import (
    mask_bank_account,
    mask_id_number,
    mask_id_number_public,
    mask_name,
    mask_phone,
)

ALL_MASKS = [mask_id_number, mask_id_number_public, mask_phone, mask_bank_account, mask_name]


@pytest.mark.parametrize("mask", ALL_MASKS)
@pytest.mark.parametrize("empty", [None, ""])
def test_empty_values(mask, empty):
    assert mask(empty) == ""


def test_mask_id_number():
    assert mask_id_number("350102198001011234") == "3501**********1234"
    assert mask_id_number("35010219800101123X") == "3501**********123X"


def test_mask_id_number_15_digits():
    assert mask_id_number("350102800101123") == "3501*******1123"


def test_mask_id_number_public():
    assert mask_id_number_public("350102198001011234") == "35*************234"
    assert mask_id_number_public("350102800101123") == "35**********123"


def test_short_values_are_fully_masked():
    assert mask_id_number("12345678") == "********"
    assert mask_id_number_public("12345") == "*****"


def test_mask_phone_mobile():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("138 1234 1234") == "138****1234"


def test_mask_phone_other_lengths():
    assert mask_phone("0591-87654321") == "059********21"
    assert mask_phone("87654321") == "876***21"
    assert mask_phone("12345") == "1***5"
    assert mask_phone("12") == "**"


def test_mask_bank_account():
    assert mask_bank_account("6222 0210 0112 3456 789") == "6222***********6789"
    assert mask_bank_account("6222021001123456789") == "6222***********6789"


def test_mask_name():
    assert mask_name("张三") == "张*"
    assert mask_name("王小明") == "王*明"
    assert mask_name("欧阳娜娜") == "欧*娜"
    assert mask_name(" 李 ") == "*"


@given(st.text(alphabet="0123456789X", min_size=9, max_size=30))
def test_id_mask_keeps_length_and_ends(n):
    masked = mask_id_number(n)
    assert len(masked) == len(n)
    assert masked[:4] == n[:4]
    assert masked[-4:] == n[-4:]
    assert set(masked[4:-4]) == {"*"}


@given(st.text(alphabet="0123456789 ", max_size=30))
def test_masks_never_show_a_whole_value(n):
    compact = n.replace(" ", "")
    for mask in (mask_id_number, mask_id_number_public, mask_phone, mask_bank_account):
        masked = mask(n)
        assert len(masked) == len(compact)
        if compact:
            assert "*" in masked
