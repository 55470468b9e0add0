"""The programmes of GUIDE §2 (pure data: no Django). Codes are stable; labels are what officers see."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ProgrammeInfo:
    code: str
    name: str
    payment: str  # "monthly", "yearly" or "once"
    needs_notice: bool = True  # unsupported children have no public notice (2019 opinion)
    delegated_by_default: bool = True  # R1: seed 001 delegates these to townships


PROGRAMMES: tuple[ProgrammeInfo, ...] = (
    ProgrammeInfo("dibao_urban", "城市最低生活保障", "monthly"),
    ProgrammeInfo("dibao_rural", "农村最低生活保障", "monthly"),
    ProgrammeInfo("extreme_poverty_centralised", "特困人员救助供养（集中供养）", "monthly"),
    ProgrammeInfo("extreme_poverty_dispersed", "特困人员救助供养（分散供养）", "monthly"),
    ProgrammeInfo("temporary", "临时救助", "once"),
    ProgrammeInfo("disability_living", "困难残疾人生活补贴", "monthly"),
    ProgrammeInfo("disability_care", "重度残疾人护理补贴", "monthly"),
    ProgrammeInfo("orphan", "孤儿基本生活保障", "monthly"),
    ProgrammeInfo(
        "unsupported_child", "事实无人抚养儿童基本生活保障", "monthly", needs_notice=False
    ),
    ProgrammeInfo("elderly_allowance", "高龄津贴（百岁老人长寿保健金）", "monthly"),
    ProgrammeInfo("heating", "取暖救助", "yearly", delegated_by_default=False),
)
BY_CODE = {p.code: p for p in PROGRAMMES}


def dibao_code(area_type: str) -> str:
    """The dibao programme of a household's area: urban or rural (城市 / 农村低保)."""
    return "dibao_urban" if area_type == "urban" else "dibao_rural"


class SettingKey:
    """County settings that are single values with effective dates (rules as data)."""

    TEMPORARY_CAP = "temporary_cap"  # R1: township confirms temporary assistance up to this
    FINANCIAL_MONTHS = "financial_months_per_person"  # S2 art. 14, county limit
    MAX_VEHICLES = "max_vehicles"
    FARM_MACHINE_VALUE = "farm_machine_value"  # R6: large farm machinery from this value
    BUSINESS_CAPITAL = "business_capital"  # R6: a business from this registered capital
    MAX_DWELLINGS = "max_dwellings"  # R6: residential properties allowed
    SINGLE_PERSON_FACTOR = "single_person_factor"  # S2 art. 8: edge household < factor × standard
    EP_CONSUMPTION_SHARE = "ep_consumption_share"  # R11: 60 %
    EP_DIBAO_FACTOR = "ep_dibao_factor"  # R11: 1.3
    PREV_YEAR_CONSUMPTION = "prev_year_consumption"  # R11: yuan per person per year
    ONE_CASE_THRESHOLD = "one_case_threshold"  # R15: 一事一议 above this amount
    EMERGENCY_FILING_DAYS = "emergency_filing_days"  # R15: file within N working days
    GRADUAL_EXIT_MONTHS = "gradual_exit_months"  # S6: in principle up to 6
    DIBAO_MODE = "dibao_mode"  # S1 art. 12, S2 art. 23: 0 = gap (差额), 1 = tiered (分档)
    LATE_ENTRY_DAYS = "late_entry_days"  # a step dated more than N days back is 补录 (R2)
    # The payment cycle (R13, R14, R17, S2 art. 31, S2 art. 33)
    CHANGE_WINDOW_START = "change_window_start"  # R17: changes submitted from the 10th …
    CHANGE_WINDOW_END = "change_window_end"  # … to the 20th; later ones roll to next month
    GRADUAL_EXIT_MONTHS_POVERTY = "gradual_exit_months_poverty"  # R13: up to 24 (seed 002)
    REVIEW_MONTHS_STABLE = "review_months_stable"  # S2 art. 31: yearly
    REVIEW_MONTHS_UNSTABLE = "review_months_unstable"  # S2 art. 31: every 6 months
    HEATING_PAY_MONTH = "heating_pay_month"  # R14: the month the yearly heating grant is paid
    # R19: working days to handle a clue (问题线索), per category; letters and visits (信访) by
    # their own limit (信访工作条例 art. 32: 60 days, about 40 working days)
    CLUE_DAYS_WRONG_INCLUSION = "clue_days_wrong_inclusion"
    CLUE_DAYS_FAVOURITISM = "clue_days_favouritism"
    CLUE_DAYS_MISSED = "clue_days_missed"
    CLUE_DAYS_PAYMENT = "clue_days_payment"
    CLUE_DAYS_CONDUCT = "clue_days_conduct"
    CLUE_DAYS_OTHER = "clue_days_other"
    CLUE_DAYS_PETITION = "clue_days_petition"
    # R20: the monthly typical-case report is due by this day of the following month (seed 003:
    # the 1st; seed 004: the 15th)
    TYPICAL_CASE_DUE_DAY = "typical_case_due_day"

    LABELS = {
        TEMPORARY_CAP: ("乡镇审核确认临时救助的金额上限（元，含）", "2000"),
        FINANCIAL_MONTHS: ("人均金融资产上限（相当于N个月保障标准）", "24"),
        MAX_VEHICLES: ("允许拥有的机动车数量（残疾人功能性补偿代步车除外）", "0"),
        FARM_MACHINE_VALUE: ("大型农机具价值标准（元，达到即为比对发现）", "50000"),
        BUSINESS_CAPITAL: ("经营实体注册资本标准（元，达到即为比对发现）", "100000"),
        MAX_DWELLINGS: ("允许拥有的住宅套数", "1"),
        SINGLE_PERSON_FACTOR: ("低保边缘家庭收入上限（保障标准的倍数）", "1.5"),
        EP_CONSUMPTION_SHARE: ("特困基本生活标准：上年人均消费支出的比例", "0.60"),
        EP_DIBAO_FACTOR: ("特困基本生活标准：低保标准的倍数", "1.3"),
        PREV_YEAR_CONSUMPTION: ("上年度居民人均消费支出（元/年）", "14000"),
        ONE_CASE_THRESHOLD: ("临时救助一事一议起点金额（元）", "10000"),
        EMERGENCY_FILING_DAYS: ("先行救助后补办手续期限（工作日）", "5"),
        GRADUAL_EXIT_MONTHS: ("渐退期（月）", "6"),
        DIBAO_MODE: ("低保计发方式（差额计发或分档计发）", "0"),  # stored as 0 or 1
        LATE_ENTRY_DAYS: ("补录认定天数（办理步骤日期早于录入日超过N天须说明补录理由）", "3"),
        CHANGE_WINDOW_START: ("每月异动申报开始日", "10"),
        CHANGE_WINDOW_END: ("每月异动申报截止日（之后提交的计入下月）", "20"),
        GRADUAL_EXIT_MONTHS_POVERTY: ("脱贫（防返贫监测）家庭渐退期（月，最长24）", "24"),
        REVIEW_MONTHS_STABLE: ("收入稳定家庭及特困人员复核周期（月）", "12"),
        REVIEW_MONTHS_UNSTABLE: ("收入不稳定或有劳动能力家庭复核周期（月）", "6"),
        HEATING_PAY_MONTH: ("取暖救助发放月份（1-12）", "11"),
        CLUE_DAYS_WRONG_INCLUSION: ("问题线索办理期限：错保（工作日）", "15"),
        CLUE_DAYS_FAVOURITISM: ("问题线索办理期限：人情保关系保（工作日）", "15"),
        CLUE_DAYS_MISSED: ("问题线索办理期限：漏保（工作日）", "10"),
        CLUE_DAYS_PAYMENT: ("问题线索办理期限：发放不及时或错发（工作日）", "10"),
        CLUE_DAYS_CONDUCT: ("问题线索办理期限：工作人员作风问题（工作日）", "20"),
        CLUE_DAYS_OTHER: ("问题线索办理期限：其他（工作日）", "15"),
        CLUE_DAYS_PETITION: ("信访（来信来访）事项办理期限（工作日）", "40"),
        TYPICAL_CASE_DUE_DAY: ("典型案例月报报送截止日（次月几日前，1-28）", "1"),
    }


# 低保计发方式 (S1 art. 12, S2 art. 23). CountySetting values are numbers: the mode is stored as
# its code below and read back with ``dibao_mode_of``.
DIBAO_MODE_GAP, DIBAO_MODE_TIERED = "gap", "tiered"
DIBAO_MODE_CODES = {DIBAO_MODE_GAP: 0, DIBAO_MODE_TIERED: 1}
DIBAO_MODE_LABELS = {DIBAO_MODE_GAP: "差额计发", DIBAO_MODE_TIERED: "分档计发"}


def dibao_mode_of(value) -> str:
    """The stored setting value (0 or 1) as the mode name the dibao rule takes."""
    for mode, code in DIBAO_MODE_CODES.items():
        if value == code:
            return mode
    raise ValueError(f"低保计发方式取值无效：{value}（应为0差额计发或1分档计发）")
