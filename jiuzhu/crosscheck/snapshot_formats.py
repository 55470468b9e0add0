"""The templates officers fill in for each registry kind: headers, types and accepted words.

Pure module: no Django import. Documented in docs/import-formats.md (section 三); keep the two
in step. Each field's `key` is the normalised field it becomes; the Parquet columns themselves
are fixed by `registries.py` (the contract with the check engine).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from jiuzhu.cases.kinship import KIN_LABELS, Kin
from jiuzhu.registry.import_format import DISABILITY_WORDS

from .registries import Kind

__all__ = [
    "FORMATS",
    "Field",
    "FieldType",
    "KIN_KINDS",
    "KIN_WORDS",
    "SEX_WORDS",
    "fields_for",
    "header_to_key",
    "lookup_word",
    "words_text",
]


class FieldType(StrEnum):
    ID = "id"  # resident ID number, normalised and checked
    NAME = "name"  # a person's name: trimmed, and a simplified form for matching
    DATE = "date"
    SEX = "sex"
    TEXT = "text"
    ENUM = "enum"  # Chinese words -> code
    DECIMAL = "decimal"  # a non-negative amount
    GRADE = "grade"  # disability grade 1-4
    REGION = "region"  # 12-digit statistical division code


@dataclass(frozen=True)
class Field:
    header: str
    key: str
    type: FieldType
    required: bool = False
    words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # ENUM: code -> words
    example: str = ""
    note: str = ""
    aliases: tuple[str, ...] = ()  # other headers agencies commonly use for the same column


SEX_WORDS: dict[str, tuple[str, ...]] = {"M": ("男", "男性"), "F": ("女", "女性")}

# What the person in the row is to the staff member (cases.kinship.Kin), or the staff member
# himself. The first word of each entry is the one the template shows.
KIN_WORDS: dict[str, tuple[str, ...]] = {
    "self": ("本人",),
    Kin.SPOUSE: ("配偶", "妻子", "丈夫", "妻", "夫"),
    Kin.PARENT: ("父母", "父亲", "母亲", "养父母", "继父母"),
    Kin.CHILD: ("子女", "儿子", "女儿", "养子女", "继子女"),
    Kin.SIBLING: ("兄弟姐妹", "哥哥", "弟弟", "姐姐", "妹妹"),
    Kin.GRANDPARENT: (
        "祖父母外祖父母",
        "祖父母",
        "外祖父母",
        "祖父",
        "祖母",
        "外祖父",
        "外祖母",
        KIN_LABELS[Kin.GRANDPARENT],
    ),
    Kin.GRANDCHILD: (
        "孙子女外孙子女",
        "孙子女",
        "外孙子女",
        "孙子",
        "孙女",
        "外孙",
        "外孙女",
        KIN_LABELS[Kin.GRANDCHILD],
    ),
    Kin.PARENT_IN_LAW: ("配偶的父母", "岳父母", "公婆", "岳父", "岳母", "公公", "婆婆"),
    Kin.CHILD_IN_LAW: ("子女的配偶", "儿媳", "女婿"),
    Kin.SIBLING_IN_LAW: (
        "兄弟姐妹的配偶或配偶的兄弟姐妹",
        "兄弟姐妹的配偶",
        "配偶的兄弟姐妹",
        "嫂子",
        "弟媳",
        "姐夫",
        "妹夫",
        "大伯子",
        "小叔子",
        "大姑子",
        "小姑子",
        "内兄",
        "内弟",
        "大姨子",
        "小姨子",
    ),
    Kin.UNCLE_AUNT: ("伯叔姑舅姨", "伯父", "叔父", "姑母", "舅父", "姨母"),
    Kin.NEPHEW_NIECE: ("侄甥", "侄子女、外甥子女", "侄子", "侄女", "外甥", "外甥女"),
    Kin.COUSIN: ("堂表兄弟姐妹", "堂兄弟姐妹", "表兄弟姐妹"),
    Kin.LEGAL_SUPPORTER: ("其他法定赡养扶养抚养义务人", KIN_LABELS[Kin.LEGAL_SUPPORTER]),
}

VEHICLE_WORDS: dict[str, tuple[str, ...]] = {
    "car": (
        "小型汽车",
        "小型轿车",
        "轿车",
        "小型普通客车",
        "小型越野客车",
        "微型普通客车",
        "中型客车",
        "大型客车",
        "客车",
        "汽车",
    ),
    "truck": (
        "货车",
        "载货汽车",
        "重型货车",
        "中型货车",
        "轻型货车",
        "微型货车",
        "三轮汽车",
        "低速货车",
        "专项作业车",
    ),
    "motorcycle": ("摩托车", "普通二轮摩托车", "普通三轮摩托车", "轻便摩托车"),
    "disabled_mobility": ("残疾人机动轮椅车", "残疾人专用车", "残疾人代步车"),
    "farm_machine": (
        "大型农业机械",
        "大型农机具",
        "拖拉机",
        "大中型拖拉机",
        "轮式拖拉机",
        "联合收割机",
        "收获机械",
    ),
}
BUSINESS_ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "legal_rep": ("法定代表人", "法人", "负责人", "执行事务合伙人"),
    "shareholder": ("股东", "出资人", "投资人", "合伙人"),
    "owner": ("经营者", "个体工商户经营者", "个体户", "业主"),
}
BUSINESS_STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "active": ("存续", "在业", "开业", "正常", "在营", "存续（在营、开业、在册）"),
    "closed": ("注销", "吊销", "歇业", "停业", "迁出", "撤销", "已注销", "已吊销"),
}
USAGE_WORDS: dict[str, tuple[str, ...]] = {
    "residential": ("住宅", "成套住宅", "住房", "宅基地", "农村宅基地", "城镇住宅用地"),
    "commercial": ("商业", "商服", "商业服务", "商铺", "办公", "商业用房"),
    "industrial": ("工业", "仓储", "工业用地", "厂房", "仓库"),
    "other": ("其他", "车库", "车位", "储藏室", "附属用房"),
}
MONITORING_WORDS: dict[str, tuple[str, ...]] = {
    "lifted": ("脱贫户", "建档立卡脱贫户", "已脱贫户"),
    "unstable": ("脱贫不稳定户", "脱贫不稳定"),
    "edge": ("边缘易致贫户", "边缘户", "边缘易致贫"),
    "sudden_hardship": ("突发严重困难户", "突发困难户", "突发严重困难"),
}
RISK_WORDS: dict[str, tuple[str, ...]] = {
    "open": ("风险未消除", "未消除", "未消除风险"),
    "removed": ("风险已消除", "已消除", "已消除风险"),
}
BENEFIT_WORDS: dict[str, tuple[str, ...]] = {
    "resident_pension": (
        "城乡居民基本养老保险",
        "城乡居民养老保险",
        "城乡居民养老金",
        "居民养老金",
    ),
    "employee_pension": (
        "城镇职工基本养老保险",
        "企业职工基本养老保险",
        "职工养老保险",
        "职工养老金",
        "企业养老金",
    ),
    "public_pension": ("机关事业单位养老保险", "机关事业单位养老金", "机关事业单位退休金"),
    "unemployment": ("失业保险金", "失业保险"),
    "other": ("其他", "工伤保险", "遗属待遇", "其他社会保险待遇"),
}
PROGRAMME_WORDS: dict[str, tuple[str, ...]] = {
    "dibao": (
        "低保",
        "最低生活保障",
        "城乡低保",
        "城市低保",
        "农村低保",
        "城市最低生活保障",
        "农村最低生活保障",
    ),
    "extreme_poverty": ("特困", "特困供养", "特困人员", "特困人员救助供养", "五保"),
}
DISABILITY_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    # The full label first (as registry.DisabilityType shows it), then the short word.
    code: (words[1], words[0])
    for code, words in DISABILITY_WORDS.items()
}

_F = FieldType
_ID_ALIASES = ("身份证号码", "身份证号")

COMMON: tuple[Field, ...] = (
    Field("姓名", "name", _F.NAME, True, example="龙大山"),
    Field(
        "公民身份号码",
        "id_number",
        _F.ID,
        example="433123196805120131",
        note="可留空（以姓名、出生日期等比对）",
        aliases=_ID_ALIASES,
    ),
    Field("性别", "sex", _F.SEX, words=SEX_WORDS, example="男", note="留空时取自身份证号码"),
    Field("出生日期", "birth_date", _F.DATE, example="1968-05-12", note="留空时取自身份证号码"),
    Field(
        "所在地区划代码",
        "region_code",
        _F.REGION,
        example="433123109201",
        note="12位统计用区划代码",
    ),
)

# Registries of staff or cadres with their close relatives: one row per person to match.
KIN_LAYOUT: tuple[Field, ...] = (
    Field("工作人员姓名", "staff_name", _F.NAME, True, example="龙国强"),
    Field(
        "工作人员身份号码",
        "staff_id_number",
        _F.ID,
        example="433123197501150133",
        aliases=("工作人员身份证号码",),
    ),
    Field("工作单位", "unit", _F.TEXT, example="凤凰县财政局"),
    Field("职务", "post", _F.TEXT, example="科员"),
    Field(
        "与工作人员关系",
        "kin",
        _F.ENUM,
        True,
        words=KIN_WORDS,
        example="父母",
        note="本人那一行的姓名、公民身份号码可留空（取工作人员的）",
    ),
)

_KIND_FIELDS: dict[Kind, tuple[Field, ...]] = {
    Kind.DEATH: (
        Field("死亡日期", "death_date", _F.DATE, True, example="2025-03-14"),
        Field(
            "死亡信息来源",
            "source",
            _F.TEXT,
            example="火化",
            note="如：火化、户籍注销、医学死亡证明",
        ),
    ),
    Kind.VEHICLE: (
        Field("号牌号码", "plate", _F.TEXT, example="湘U12345"),
        Field("车辆类型", "vehicle_type", _F.ENUM, True, words=VEHICLE_WORDS, example="小型汽车"),
        Field("评估价值（元）", "value", _F.DECIMAL, example="45000"),
        Field("登记日期", "registered_on", _F.DATE, example="2021-06-01"),
    ),
    Kind.BUSINESS: (
        Field("市场主体名称", "business_name", _F.TEXT, True, example="凤凰县大坪农家乐"),
        Field("统一社会信用代码", "credit_code", _F.TEXT, example="92433123MA4L0XXXXX"),
        Field("人员身份", "role", _F.ENUM, True, words=BUSINESS_ROLE_WORDS, example="经营者"),
        Field("注册资本（元）", "registered_capital", _F.DECIMAL, example="50000"),
        Field("登记状态", "business_status", _F.ENUM, words=BUSINESS_STATUS_WORDS, example="存续"),
        Field("成立日期", "established_on", _F.DATE, example="2019-04-20"),
    ),
    Kind.REAL_ESTATE: (
        Field("坐落", "address", _F.TEXT, example="凤凰县沱江镇虹桥路8号2栋301"),
        Field("用途", "usage", _F.ENUM, True, words=USAGE_WORDS, example="住宅"),
        Field("建筑面积（平方米）", "area_m2", _F.DECIMAL, example="96.5"),
        Field("登记日期", "registered_on", _F.DATE, example="2018-09-10"),
    ),
    Kind.POVERTY: (
        Field("户编号", "household_no", _F.TEXT, example="4331231092010001"),
        Field(
            "监测对象类别",
            "monitoring_type",
            _F.ENUM,
            True,
            words=MONITORING_WORDS,
            example="脱贫不稳定户",
        ),
        Field("风险状态", "risk_status", _F.ENUM, words=RISK_WORDS, example="风险未消除"),
    ),
    Kind.DISABILITY: (
        Field(
            "残疾类别",
            "disability_type",
            _F.ENUM,
            True,
            words=DISABILITY_TYPE_WORDS,
            example="肢体残疾",
        ),
        Field(
            "残疾等级",
            "disability_grade",
            _F.GRADE,
            True,
            example="二级",
            note="1至4级：1、一级、1级均可",
        ),
    ),
    Kind.PENSION: (
        Field(
            "待遇类别",
            "benefit_type",
            _F.ENUM,
            True,
            words=BENEFIT_WORDS,
            example="城乡居民基本养老保险",
        ),
        Field("月待遇金额（元）", "monthly_amount", _F.DECIMAL, example="168"),
        Field("待遇起始日期", "since", _F.DATE, example="2020-01-01"),
    ),
    Kind.NEIGHBOUR: (
        Field("所在县（市、区）", "county_name", _F.TEXT, True, example="吉首市"),
        Field("保障类别", "programme", _F.ENUM, True, words=PROGRAMME_WORDS, example="农村低保"),
        Field("月保障金额（元）", "monthly_amount", _F.DECIMAL, example="420"),
        Field("保障起始日期", "since", _F.DATE, example="2023-07-01"),
    ),
}

KIN_KINDS = frozenset({Kind.FISCAL_STAFF, Kind.VILLAGE_CADRE, Kind.STAFF_REPORT})


def _fields(kind: Kind) -> tuple[Field, ...]:
    if kind in KIN_KINDS:
        return KIN_LAYOUT + COMMON
    return COMMON + _KIND_FIELDS[kind]


FORMATS: dict[Kind, tuple[Field, ...]] = {kind: _fields(kind) for kind in Kind}


def fields_for(kind: str) -> tuple[Field, ...]:
    return FORMATS[Kind(kind)]


def header_to_key(kind: str) -> dict[str, str]:
    """Every accepted header (the template's and its aliases) -> field key."""
    mapping = {}
    for f in fields_for(kind):
        mapping[f.header] = f.key
        mapping.update(dict.fromkeys(f.aliases, f.key))
    return mapping


def lookup_word(words: Mapping[str, tuple[str, ...]], value: str) -> str | None:
    """The code whose words include `value` (exact, after removing spaces), or None."""
    text = "".join(value.split())
    for code, options in words.items():
        if text in options:
            return str(code)
    return None


def words_text(words: Mapping[str, tuple[str, ...]]) -> str:
    """The main word of each code, for messages: 'the allowed words are …'."""
    return "、".join(options[0] for options in words.values())
