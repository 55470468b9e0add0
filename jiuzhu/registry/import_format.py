"""The household import template: columns and the words accepted in each (pure: no Django).
Documented in docs/import-formats.md; keep the two in step."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool = False
    example: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("家庭编号", "family_key", True, "1"),
    Column("村（社区）代码", "village_code", True, "433123109201"),
    Column("家庭住址", "address", False, "沱江镇大坪村3组"),
    Column("与户主关系", "relation", True, "户主"),
    Column("姓名", "name", True, "龙大山"),
    Column("身份证号码", "id_number", True, "433123196805120131"),
    Column("出生日期", "birth_date", False, "1968-05-12"),
    Column("户籍性质", "hukou_type", False, "农业"),
    Column("民族", "ethnicity", False, "苗族"),
    Column("劳动能力", "labour_capacity", False, "有劳动能力"),
    Column("残疾类别", "disability_type", False, ""),
    Column("残疾等级", "disability_grade", False, ""),
    Column("健康状况", "health_status", False, "健康"),
    Column("联系电话", "phone", False, "13812341234"),
    Column("开户银行", "bank_name", False, "凤凰县农村商业银行"),
    Column("银行账号", "bank_account", False, "6230901234567890123"),
    Column("工资性收入（元/年）", "wages", False, "12000"),
    Column("经营净收入（元/年）", "business", False, "0"),
    Column("财产净收入（元/年）", "property", False, "0"),
    Column("转移净收入（元/年）", "transfer", False, "0"),
    Column("存款（元）", "deposit", False, "3000"),
    Column("机动车（辆）", "vehicles", False, "0"),
    Column("房产（套）", "real_estate", False, "1"),
    Column("工商登记（个）", "businesses", False, "0"),
    Column("大型农机具（台）", "farm_machinery", False, "0"),
)
HEADER_TO_KEY = {c.header: c.key for c in COLUMNS}
KEY_TO_HEADER = {c.key: c.header for c in COLUMNS}
INCOME_KEYS = ("wages", "business", "property", "transfer")
COUNT_KEYS = ("vehicles", "real_estate", "businesses", "farm_machinery")

RELATION_WORDS = {
    "self": ("户主", "本人"),
    "spouse": ("配偶", "妻", "妻子", "夫", "丈夫"),
    "son": ("子", "儿子", "长子", "次子", "三子", "养子", "继子"),
    "daughter": ("女", "女儿", "长女", "次女", "三女", "养女", "继女"),
    "parent": ("父母", "父亲", "母亲", "父", "母"),
    "parent_in_law": ("岳父", "岳母", "公公", "婆婆", "岳父母", "公婆"),
    "grandparent": ("祖父", "祖母", "外祖父", "外祖母", "祖父母", "外祖父母"),
    "grandchild": ("孙子", "孙女", "外孙子", "外孙女", "孙子女", "外孙子女"),
    "sibling": ("兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹", "兄弟姐妹"),
    "child_in_law": ("儿媳", "女婿"),
    "other": ("其他",),
}
HUKOU_WORDS = {
    "rural": ("农业", "农村", "农业户口", "农业家庭户口"),
    "urban": ("非农业", "城镇", "非农业户口", "非农业家庭户口", "居民户口"),
}
LABOUR_WORDS = {
    "full": ("有", "有劳动能力", "健全"),
    "partial": ("部分", "部分丧失", "部分丧失劳动能力"),
    "none": ("无", "无劳动能力", "丧失", "完全丧失劳动能力"),
}
DISABILITY_WORDS = {
    "visual": ("视力", "视力残疾"),
    "hearing": ("听力", "听力残疾"),
    "speech": ("言语", "言语残疾"),
    "physical": ("肢体", "肢体残疾"),
    "intellectual": ("智力", "智力残疾"),
    "mental": ("精神", "精神残疾"),
    "multiple": ("多重", "多重残疾"),
}
GRADE_WORDS = {
    1: ("1", "一", "一级", "1级"),
    2: ("2", "二", "二级", "2级"),
    3: ("3", "三", "三级", "3级"),
    4: ("4", "四", "四级", "4级"),
}
HEALTH_WORDS = {
    "healthy": ("健康", "良好"),
    "chronic": ("慢性病", "一般", "患病"),
    "serious": ("重病", "大病", "重特大疾病", "重大疾病"),
}


def lookup(words: dict, value: str):
    """The code whose words include `value`, or None."""
    for code, options in words.items():
        if value in options:
            return code
    return None
