"""No full resident ID number reaches the audit trail: the guard masks valid 18-character
numbers (ASCII or full-width) in text and in JSON-like values, and leaves everything else."""

import json
import timeit
from datetime import date

from jiuzhu.core import idguard
from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.core.masking import mask_id_number

BORN = date(1965, 3, 3)
ID = make_resident_id(region_code="433123", birth_date=BORN, sequence=7, sex="M")
ID_X = next(
    n
    for s in range(100)
    if (n := make_resident_id(region_code="110101", birth_date=BORN, sequence=s, sex="F"))[-1]
    == "X"
)


def test_a_valid_id_in_text_is_masked():
    assert idguard.mask_ids(f"户主身份证{ID}，已核实") == f"户主身份证{mask_id_number(ID)}，已核实"
    assert idguard.mask_ids(f"{ID_X}") == mask_id_number(ID_X)
    assert idguard.mask_ids(ID_X[:-1] + "x") == mask_id_number(ID_X)
    full_width = ID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert idguard.mask_ids(f"号码：{full_width}") == f"号码：{mask_id_number(ID)}"


def test_what_is_not_an_id_number_is_left_alone():
    wrong_check = ID[:-1] + ("1" if ID[-1] != "1" else "2")
    bank = "6222021234567890123"  # 19 digits: not an ID number
    for text in (wrong_check, bank, ID[:17], f"a{ID[:16]}b", "", "龙大山"):
        assert idguard.mask_ids(text) == text


def test_two_numbers_in_one_text_are_both_masked():
    masked = idguard.mask_ids(f"{ID}与{ID_X}为夫妻")
    assert ID not in masked and ID_X not in masked and masked.count("**********") == 2


def test_values_are_masked_everywhere_inside():
    value = {
        "query": {"q": ID},
        ID_X: "key",
        "list": [1, f"见{ID}", None, True, {"deep": ID}],
        "as_int": int(ID) if ID[-1] != "X" else 0,
        "amount": "12.50",
    }
    masked = idguard.mask_ids_in(value)
    text = json.dumps(masked, ensure_ascii=False)
    assert ID not in text and ID_X not in text
    assert masked["amount"] == "12.50" and masked["list"][0] == 1 and masked["list"][3] is True
    assert masked["query"]["q"] == mask_id_number(ID)


def test_the_prefilter_passes_only_texts_with_17_digits_in_a_row():
    assert not idguard.may_hold_id("核查发现#1234 张伟", "", "{}", '{"n":7,"at":"2026-11-23"}')
    assert idguard.may_hold_id("", "", "{}", json.dumps({"q": ID}))
    assert not idguard.may_hold_id(ID[:9], ID[9:])  # the texts are not run together


def test_the_prefilter_is_cheap():
    """The guard runs for every audit entry (40,000 in a month's cross-check run): the common
    case, no long digit run, costs a few microseconds at most."""
    texts = ("核查发现#1234 张伟", "", "{}", '{"check":"death","summary":"死亡后发放8个月"}')
    per_call = min(timeit.repeat(lambda: idguard.may_hold_id(*texts), number=2000, repeat=5))
    assert per_call / 2000 < 20e-6
