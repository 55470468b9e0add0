"""Finding a household by ID number, name, pinyin initials or full pinyin, within jurisdiction."""

from jiuzhu.core.crypto import decrypt
from jiuzhu.registry.selectors import household_search
from tests.conftest import TOWNSHIP_A


def numbers(qs):
    return sorted(h.number for h in qs)


def test_search_modes(users, make_household):
    officer = users["officer_a"]
    shan = make_household(TOWNSHIP_A, head_name="单田芳", size=2)
    long_ = make_household(TOWNSHIP_A, head_name="龙大山", size=1)
    assert numbers(household_search(user=officer, query="单田")) == [shan.number]
    assert numbers(household_search(user=officer, query="stf")) == [shan.number]
    assert numbers(household_search(user=officer, query="shantian")) == [shan.number]
    assert numbers(household_search(user=officer, query="LDS")) == [long_.number]
    # a member's name finds the household too (members are named 龙小1… by the fixture)
    assert numbers(household_search(user=officer, query="龙小")) == [shan.number]
    head_id = decrypt(long_.members.get(relation="self").id_cipher)
    assert numbers(household_search(user=officer, query=head_id)) == [long_.number]
    assert numbers(household_search(user=officer, query=head_id.lower())) == [long_.number]
    # an ID-shaped query with a wrong check digit finds nothing rather than something similar
    wrong = head_id[:-1] + ("1" if head_id[-1] != "1" else "2")
    assert numbers(household_search(user=officer, query=wrong)) == []
    assert numbers(household_search(user=officer, query="")) == sorted([shan.number, long_.number])


def test_full_width_id_and_15_digit_id_are_normalised(users, make_household, regions):

    from jiuzhu.core.idnumber import convert_15_to_18

    id15 = "433123650303041"
    h = make_household(TOWNSHIP_A, head_name="田十五", size=1, head_id=convert_15_to_18(id15))
    officer = users["officer_a"]
    assert numbers(household_search(user=officer, query=id15)) == [h.number]
    full_width = convert_15_to_18(id15).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    assert numbers(household_search(user=officer, query=full_width)) == [h.number]
