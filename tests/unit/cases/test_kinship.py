import pytest

from jiuzhu.cases.kinship import (
    DEFAULT_CLOSE_RELATIVES,
    KIN_LABELS,
    Kin,
    KinDeclaration,
    KinMatch,
    is_close_relative,
    kin_flags,
    recused_staff,
)

HOUSEHOLD = {101, 102, 103}


def test_default_close_relatives():
    assert DEFAULT_CLOSE_RELATIVES == {
        Kin.SPOUSE,
        Kin.PARENT,
        Kin.CHILD,
        Kin.SIBLING,
        Kin.GRANDPARENT,
        Kin.GRANDCHILD,
        Kin.PARENT_IN_LAW,
    }
    assert set(KIN_LABELS) == set(Kin)
    assert Kin.SPOUSE.label == "配偶"


@pytest.mark.parametrize("kin", sorted(DEFAULT_CLOSE_RELATIVES))
def test_default_degrees_are_close(kin):
    assert is_close_relative(kin, DEFAULT_CLOSE_RELATIVES)


@pytest.mark.parametrize("kin", [Kin.UNCLE_AUNT, Kin.COUSIN, Kin.CHILD_IN_LAW, "nephew_niece"])
def test_wider_degrees_only_when_configured(kin):
    assert not is_close_relative(kin, DEFAULT_CLOSE_RELATIVES)
    assert is_close_relative(kin, DEFAULT_CLOSE_RELATIVES | {Kin(kin)})


def test_unknown_kin_is_rejected():
    with pytest.raises(ValueError):
        is_close_relative("neighbour", DEFAULT_CLOSE_RELATIVES)


def test_flags_match_household_members_with_a_close_degree():
    declarations = [
        (1, "township_officer", 101, Kin.SPOUSE),
        KinDeclaration(2, "village_assistant", 102, "parent"),
        (3, "township_head", 999, Kin.CHILD),  # not in the household
        (4, "county_reviewer", 103, Kin.COUSIN),  # not close by default
    ]
    matches = kin_flags(
        declarations, HOUSEHOLD, DEFAULT_CLOSE_RELATIVES, person_names={101: "张三"}
    )
    assert matches == (
        KinMatch(1, "township_officer", 101, Kin.SPOUSE, "与申请家庭成员张三为配偶关系"),
        KinMatch(
            2, "village_assistant", 102, Kin.PARENT, "与申请家庭成员（编号102）为父母子女关系"
        ),
    )
    assert recused_staff(matches) == {1, 2}


def test_configured_degree_widens_the_flags():
    declarations = [(4, "county_reviewer", 103, "cousin")]
    assert kin_flags(declarations, HOUSEHOLD, DEFAULT_CLOSE_RELATIVES) == ()
    wider = DEFAULT_CLOSE_RELATIVES | {Kin.COUSIN}
    (match,) = kin_flags(declarations, HOUSEHOLD, wider, person_names={103: "李四"})
    assert match.reason == "与申请家庭成员李四为堂表兄弟姐妹关系"


def test_duplicate_declarations_give_one_match():
    declarations = [(1, "township_officer", 101, "spouse")] * 2
    assert len(kin_flags(declarations, HOUSEHOLD, DEFAULT_CLOSE_RELATIVES)) == 1


def test_no_declarations():
    assert kin_flags([], HOUSEHOLD, DEFAULT_CLOSE_RELATIVES) == ()
    assert recused_staff(()) == frozenset()
