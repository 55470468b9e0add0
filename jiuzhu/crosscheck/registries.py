"""The registries other agencies send, and the columns of their Parquet snapshots.

This module is the contract between the snapshot import (which writes the Parquet files) and
the checks (which read them with DuckDB). Pure module: no Django import.

Every snapshot has the common columns; each kind adds its own. Types are DuckDB types.
ID numbers are never stored in plain text: a usable ID is kept as the keyed hash that
``registry.Person.id_hash`` uses (``registry.sensitive.id_lookup_hash(id18)``), and an ID
that fails its check digit is kept encrypted (``id_cipher``) so that one-character errors can be
resolved for the few candidate pairs (linkage tier 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "COMMON_COLUMNS",
    "IdStatus",
    "Kind",
    "OPTIONAL_COLUMNS",
    "REGISTRIES",
    "Registry",
    "registry",
]


class IdStatus(StrEnum):
    VALID = "valid"  # 18 digits, check digit right
    CONVERTED = "converted15"  # a 15-digit number converted to 18 digits
    INVALID = "invalid"  # present but malformed or a wrong check digit
    MISSING = "missing"


# Column name -> DuckDB type, in every snapshot file.
COMMON_COLUMNS: dict[str, str] = {
    "row_no": "INTEGER",  # row number in the file as the user sees it (Excel row, header = 1)
    "id_hash": "VARCHAR",  # keyed hash of the normalised 18-digit ID; NULL when not usable
    "id_cipher": "VARCHAR",  # Fernet ciphertext of the normalised text, only when INVALID
    "id_masked": "VARCHAR",  # 4301**********1234 style, for display
    "id_status": "VARCHAR",  # IdStatus
    "name": "VARCHAR",  # as given, trimmed
    "name_norm": "VARCHAR",  # simplified Chinese, no spaces or middle dots
    "birth_date": "DATE",  # from the file, else from a usable ID
    "sex": "VARCHAR",  # 'M' / 'F' / NULL
    "region_code": "VARCHAR",  # 12-digit code of village/township when given
    # keyed hash of the usable ID's first six digits (its county: snapshot_store.id_county_hash),
    # so that a row without a region code can still be placed in or out of the county without
    # storing digits the mask hides
    "id_county_hash": "VARCHAR",
}

# Contract columns a file may lack: files written before the column existed, or registered from
# elsewhere. The checks read a missing one as NULL (checks.base.snap_column).
OPTIONAL_COLUMNS: frozenset[str] = frozenset({"id_county_hash"})

# Columns of registries listing staff or cadres with their close relatives: one row per person to
# match (the staff member himself with kin 'self', or one relative), with the staff member named.
_KIN_COLUMNS = {
    "staff_name": "VARCHAR",
    "staff_id_hash": "VARCHAR",
    "staff_id_masked": "VARCHAR",
    "unit": "VARCHAR",  # 工作单位
    "post": "VARCHAR",  # 职务
    "kin": "VARCHAR",  # 'self' or cases.kinship.Kin value: what this person is to the staff
}


class Kind(StrEnum):
    DEATH = "death"
    FISCAL_STAFF = "fiscal_staff"
    VILLAGE_CADRE = "village_cadre"
    STAFF_REPORT = "staff_report"
    VEHICLE = "vehicle"
    BUSINESS = "business"
    REAL_ESTATE = "real_estate"
    POVERTY = "poverty"
    DISABILITY = "disability"
    PENSION = "pension"
    NEIGHBOUR = "neighbour"


@dataclass(frozen=True)
class Registry:
    kind: Kind
    label: str  # what officers call it
    agency: str  # who usually sends it
    columns: dict[str, str]  # kind-specific columns -> DuckDB type

    @property
    def all_columns(self) -> dict[str, str]:
        return {**COMMON_COLUMNS, **self.columns}


REGISTRIES: dict[Kind, Registry] = {
    r.kind: r
    for r in [
        Registry(
            Kind.DEATH,
            "死亡和火化数据",
            "公安、卫健、殡葬管理机构",
            {"death_date": "DATE", "source": "VARCHAR"},
        ),
        Registry(Kind.FISCAL_STAFF, "财政供养人员及其近亲属", "组织、人社、财政部门", _KIN_COLUMNS),
        Registry(
            Kind.VILLAGE_CADRE, "村（社区）干部及其近亲属", "组织部门、乡镇（街道）", _KIN_COLUMNS
        ),
        Registry(
            Kind.STAFF_REPORT, "社会救助经办人员近亲属申报", "民政部门（003附件4）", _KIN_COLUMNS
        ),
        Registry(
            Kind.VEHICLE,
            "机动车和大型农机登记",
            "公安交管、农业农村部门",
            {
                "plate": "VARCHAR",
                "vehicle_type": "VARCHAR",  # car / truck / motorcycle / disabled_mobility / farm_machine
                "value": "DECIMAL(14,2)",  # assessed value in yuan, may be NULL
                "registered_on": "DATE",
            },
        ),
        Registry(
            Kind.BUSINESS,
            "工商登记（市场主体）",
            "市场监管部门",
            {
                "business_name": "VARCHAR",
                "credit_code": "VARCHAR",
                "role": "VARCHAR",  # legal_rep / shareholder / owner (个体工商户经营者)
                "registered_capital": "DECIMAL(16,2)",  # yuan
                "business_status": "VARCHAR",  # active / closed
                "established_on": "DATE",
            },
        ),
        Registry(
            Kind.REAL_ESTATE,
            "不动产登记",
            "自然资源（不动产登记）部门",
            {
                "address": "VARCHAR",
                "usage": "VARCHAR",  # residential / commercial / industrial / other
                "area_m2": "DECIMAL(10,2)",
                "registered_on": "DATE",
            },
        ),
        Registry(
            Kind.POVERTY,
            "防返贫监测对象（建档立卡）",
            "乡村振兴（农业农村）部门",
            {
                "household_no": "VARCHAR",
                "monitoring_type": "VARCHAR",  # lifted / unstable / edge / sudden_hardship
                "risk_status": "VARCHAR",
            },
        ),  # open / removed (风险未消除 / 已消除)
        Registry(
            Kind.DISABILITY,
            "残疾人基础信息",
            "残联",
            {
                "disability_type": "VARCHAR",  # registry.DisabilityType values
                "disability_grade": "INTEGER",
            },
        ),
        Registry(
            Kind.PENSION,
            "养老金和社会保险待遇",
            "人社部门",
            {
                "benefit_type": "VARCHAR",  # resident_pension / employee_pension / public_pension / unemployment / other
                "monthly_amount": "DECIMAL(12,2)",
                "since": "DATE",
            },
        ),
        Registry(
            Kind.NEIGHBOUR,
            "周边县（市、区）保障对象名单",
            "周边县民政部门",
            {
                "county_name": "VARCHAR",
                "programme": "VARCHAR",  # dibao / extreme_poverty
                "monthly_amount": "DECIMAL(12,2)",
                "since": "DATE",
            },
        ),
    ]
}


def registry(kind: str) -> Registry:
    try:
        return REGISTRIES[Kind(kind)]
    except ValueError as exc:
        raise ValueError(f"未知的比对数据类别：{kind}") from exc
