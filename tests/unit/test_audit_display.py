from jiuzhu.registry.audit_display import describe_changes


def test_codes_become_chinese_labels():
    rows = describe_changes(
        {"disability_type": "", "disability_grade": None},
        {"disability_type": "physical", "disability_grade": 2},
    )
    assert rows == [("残疾类别", "无", "肢体残疾"), ("残疾等级", "（空）", "2级")]


def test_new_only_fields_have_no_old_value():
    assert describe_changes({}, {"category": "wages", "amount": "12000.00"}) == [
        ("类别", "", "工资性收入"),
        ("金额", "", "12000.00"),
    ]


def test_lists_and_dicts_are_shown_not_crashed_on():
    assert describe_changes({}, {"years": [2024, 2025], "query": {"q": "lds"}}) == [
        ("年份", "", "2024、2025"),
        ("查询条件", "", "q=lds"),
    ]
