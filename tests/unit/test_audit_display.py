from jiuzhu.registry.audit_display import describe_changes


def test_codes_become_chinese_labels():
    rows = describe_changes(
        {"disability_type": "", "disability_grade": None},
        {"disability_type": "physical", "disability_grade": 2},
    )
    assert rows == [("残疾类别", "无", "肢体残疾"), ("残疾等级", "（空）", "2级")]


def test_new_only_fields_have_no_old_value():
    assert describe_changes({}, {"category": "wages", "amount": "12000.00"}, "income.add") == [
        ("收入类别", "", "工资性收入"),
        ("金额（元）", "", "¥12,000.00"),
    ]


def test_lists_and_dicts_are_shown_not_crashed_on():
    assert describe_changes({}, {"years": [2024, 2025], "query": {"q": "lds"}}) == [
        ("年份", "", "2024、2025"),
        ("查询条件", "", "q：lds"),
    ]


def test_the_same_field_reads_by_the_action_that_wrote_it():
    case = describe_changes({"status": "draft"}, {"status": "incomplete"}, "case.mark_incomplete")
    payroll = describe_changes({"status": "generated"}, {"status": "approved"}, "payroll.approve")
    assert case == [("状态", "登记", "材料不全，已一次性告知")]
    assert payroll == [("状态", "已生成待审核", "已审核待发放")]


def test_programmes_months_dates_and_money_in_chinese():
    rows = describe_changes(
        {},
        {
            "programme": "dibao_urban",
            "effective_month": "2026-03",
            "died_on": "2026-01-05",
            "monthly_amount": "680.00",
            "kin_registered": True,
        },
        "enrolment.stop",
    )
    assert [new for _, _, new in rows] == [
        "城市最低生活保障",
        "2026年3月",
        "2026年1月5日",
        "¥680.00",
        "是",
    ]


def test_finding_handling_in_chinese():
    rows = describe_changes(
        {"status": "confirmed"}, {"status": "acted", "action": "stop"}, "crosscheck.finding_act"
    )
    assert rows == [("状态", "核实属实", "已处置"), ("处置方式", "", "停发")]


def test_a_period_reads_in_the_one_date_format():
    from jiuzhu.core.audit_values import _date_text

    assert _date_text("2025-01-01~2025-12-31") == "2025年1月1日至2025年12月31日"
    assert _date_text("2026-03~2026-08") == "2026年3月至2026年8月"
