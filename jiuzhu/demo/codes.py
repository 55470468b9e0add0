"""The stored codes of the registry choices that the demo planner uses (pure: no Django).

The planner must not import ``jiuzhu.registry.choices`` (Django ``TextChoices``), so it writes
the same plain strings those choices store. tests/integration/test_demo_generator.py checks
that every code here is still a value of the matching registry choice.
"""


class Relation:
    SELF = "self"
    SPOUSE = "spouse"
    SON = "son"
    DAUGHTER = "daughter"
    PARENT = "parent"
    PARENT_IN_LAW = "parent_in_law"
    GRANDCHILD = "grandchild"
    SIBLING = "sibling"
    CHILD_IN_LAW = "child_in_law"


class HukouType:
    URBAN = "urban"
    RURAL = "rural"


class LabourCapacity:
    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


class DisabilityType:
    VISUAL = "visual"
    HEARING = "hearing"
    SPEECH = "speech"
    PHYSICAL = "physical"
    INTELLECTUAL = "intellectual"
    MENTAL = "mental"
    MULTIPLE = "multiple"


class HealthStatus:
    HEALTHY = "healthy"
    CHRONIC = "chronic"
    SERIOUS = "serious"


class IncomeCategory:
    WAGES = "wages"
    BUSINESS = "business"
    PROPERTY = "property"
    TRANSFER = "transfer"
    SPECIAL_CARE = "special_care"
    FAMILY_PLANNING = "family_planning"
    SCHOLARSHIP = "scholarship"
    BASIC_PENSION = "basic_pension"
    RIGID_SPENDING = "rigid_spending"


class AssetKind:
    DEPOSIT = "deposit"
    SECURITIES = "securities"
    INSURANCE = "insurance"
    VEHICLE = "vehicle"
    REAL_ESTATE = "real_estate"
    BUSINESS = "business"
    FARM_MACHINERY = "farm_machinery"


ALL = (Relation, HukouType, LabourCapacity, DisabilityType, HealthStatus, IncomeCategory, AssetKind)
