from jiuzhu.registry.namekeys import name_initials, name_pinyin, split_surname


def test_common_names():
    assert name_pinyin("张伟") == "zhangwei" and name_initials("张伟") == "zw"
    assert name_initials("龙大山") == "lds"


def test_surname_readings_differ_from_common_readings():
    assert name_pinyin("单田芳") == "shantianfang"
    assert name_pinyin("曾国藩").startswith("zeng")
    assert name_pinyin("解缙").startswith("xie")
    assert name_pinyin("仇英").startswith("qiu")
    assert name_pinyin("区家豪").startswith("ou")
    assert name_pinyin("朴志明").startswith("piao")
    assert name_pinyin("查良镛").startswith("zha")


def test_compound_surnames():
    assert split_surname("欧阳娜娜") == ("欧阳", "娜娜")
    assert split_surname("欧阳") == ("欧", "阳")  # a two-character name is surname + given name
    assert name_initials("司马光") == "smg"


def test_empty_and_non_chinese():
    assert name_pinyin("") == "" and name_initials("  ") == ""
