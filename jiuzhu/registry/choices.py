"""Choice lists of the registry. Labels are what officers see."""

from django.db import models


class HukouType(models.TextChoices):
    URBAN = "urban", "城镇（非农业）"
    RURAL = "rural", "农村（农业）"


class Relation(models.TextChoices):
    SELF = "self", "户主"
    SPOUSE = "spouse", "配偶"
    SON = "son", "子"
    DAUGHTER = "daughter", "女"
    PARENT = "parent", "父母"
    PARENT_IN_LAW = "parent_in_law", "岳父母/公婆"
    GRANDPARENT = "grandparent", "祖父母/外祖父母"
    GRANDCHILD = "grandchild", "孙子女/外孙子女"
    SIBLING = "sibling", "兄弟姐妹"
    CHILD_IN_LAW = "child_in_law", "儿媳/女婿"
    OTHER = "other", "其他"


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class LabourCapacity(models.TextChoices):
    FULL = "full", "有劳动能力"
    PARTIAL = "partial", "部分丧失劳动能力"
    NONE = "none", "无劳动能力"


class DisabilityType(models.TextChoices):
    NONE = "", "无"
    VISUAL = "visual", "视力残疾"
    HEARING = "hearing", "听力残疾"
    SPEECH = "speech", "言语残疾"
    PHYSICAL = "physical", "肢体残疾"
    INTELLECTUAL = "intellectual", "智力残疾"
    MENTAL = "mental", "精神残疾"
    MULTIPLE = "multiple", "多重残疾"


class HealthStatus(models.TextChoices):
    HEALTHY = "healthy", "健康"
    CHRONIC = "chronic", "慢性病"
    SERIOUS = "serious", "重特大疾病"


class IncomeCategory(models.TextChoices):
    """S2 art. 13: counted categories first, then those excluded by law, then deductions."""

    WAGES = "wages", "工资性收入"
    BUSINESS = "business", "经营净收入"
    PROPERTY = "property", "财产净收入"
    TRANSFER = "transfer", "转移净收入"
    SPECIAL_CARE = "special_care", "优待抚恤金（不计入）"
    FAMILY_PLANNING = "family_planning", "计划生育奖励与扶助金（不计入）"
    SCHOLARSHIP = "scholarship", "奖学金、助学金（不计入）"
    BRAVERY = "bravery", "见义勇为奖励（不计入）"
    ASSISTANCE = "assistance", "社会救助金（不计入）"
    BASIC_PENSION = "basic_pension", "城乡居民基本养老金（不计入）"
    UNSUPPORTED_CHILD = "unsupported_child", "事实无人抚养儿童生活补贴（不计入）"
    RIGID_SPENDING = "rigid_spending", "因残因病刚性支出（可扣减）"
    EMPLOYMENT_COST = "employment_cost", "必要就业成本（可扣减）"


class AssetKind(models.TextChoices):
    DEPOSIT = "deposit", "银行存款"
    SECURITIES = "securities", "有价证券"
    INSURANCE = "insurance", "商业保险"
    RECEIVABLE = "receivable", "债权"
    ONLINE_FINANCE = "online_finance", "互联网金融资产"
    VEHICLE = "vehicle", "机动车辆"
    REAL_ESTATE = "real_estate", "房产"
    BUSINESS = "business", "工商登记（经营实体）"
    FARM_MACHINERY = "farm_machinery", "大型农机具"
