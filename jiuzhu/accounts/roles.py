"""Roles and what each may do (R4). Pure data: no database."""

from enum import StrEnum


class Role(StrEnum):
    COUNTY_ADMIN = "county_admin"
    COUNTY_REVIEWER = "county_reviewer"
    TOWNSHIP_OFFICER = "township_officer"
    TOWNSHIP_HEAD = "township_head"
    VILLAGE_ASSISTANT = "village_assistant"
    INSPECTOR = "inspector"
    FINANCE = "finance"
    AUDITOR = "auditor"


ROLE_LABELS = {
    Role.COUNTY_ADMIN: "县级管理员",
    Role.COUNTY_REVIEWER: "县级审核确认人员",
    Role.TOWNSHIP_OFFICER: "乡镇民政经办人员",
    Role.TOWNSHIP_HEAD: "乡镇负责人",
    Role.VILLAGE_ASSISTANT: "村（居）委会协办人员",
    Role.INSPECTOR: "纪检监察人员",
    Role.FINANCE: "财政人员",
    Role.AUDITOR: "审计人员",
}

# The level of region each role is scoped to.
ROLE_LEVEL = {
    Role.COUNTY_ADMIN: "county",
    Role.COUNTY_REVIEWER: "county",
    Role.INSPECTOR: "county",
    Role.FINANCE: "county",
    Role.AUDITOR: "county",
    Role.TOWNSHIP_OFFICER: "township",
    Role.TOWNSHIP_HEAD: "township",
    Role.VILLAGE_ASSISTANT: "village",
}

COUNTY_ROLES = frozenset(r for r, level in ROLE_LEVEL.items() if level == "county")


class Perm(StrEnum):
    VIEW_HOUSEHOLDS = "view_households"
    EDIT_HOUSEHOLDS = "edit_households"
    IMPORT_HOUSEHOLDS = "import_households"
    VIEW_FULL_ID = "view_full_id"
    VIEW_SENSITIVE = "view_sensitive"  # health conditions, bank accounts
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    MANAGE_SETTINGS = "manage_settings"  # standards, delegation, county parameters
    VIEW_SETTINGS = "view_settings"
    VIEW_CASES = "view_cases"
    REGISTER_CASES = "register_cases"  # register an application, hand in missing material (R4)
    HANDLE_CASES = "handle_cases"  # accept, investigate, verify, notice, opinion
    DECIDE_CASES = "decide_cases"  # confirm or refuse, at the level that holds the power (R1, R4)
    SPOT_CHECK = "spot_check"  # county re-visits (R3)
    DECLARE_KIN = "declare_kin"  # record staff and cadre kin declarations (R5)
    IMPORT_REGISTRIES = "import_registries"  # other agencies' registry snapshots (R5–R9)
    RUN_CHECKS = "run_checks"  # run the monthly cross-checks, work the linkage review queue
    VIEW_FINDINGS = "view_findings"
    HANDLE_FINDINGS = "handle_findings"  # assign, verify, act on and close findings


_ALL_VIEW = {Perm.VIEW_HOUSEHOLDS, Perm.VIEW_SETTINGS, Perm.VIEW_CASES, Perm.VIEW_FINDINGS}
_HANDLE = {Perm.REGISTER_CASES, Perm.HANDLE_CASES}
PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.COUNTY_ADMIN: frozenset(
        _ALL_VIEW
        | {
            Perm.EDIT_HOUSEHOLDS,
            Perm.IMPORT_HOUSEHOLDS,
            Perm.VIEW_FULL_ID,
            Perm.VIEW_SENSITIVE,
            Perm.VIEW_AUDIT,
            Perm.MANAGE_USERS,
            Perm.MANAGE_SETTINGS,
            *_HANDLE,
            Perm.DECLARE_KIN,
            Perm.SPOT_CHECK,
            Perm.IMPORT_REGISTRIES,
            Perm.RUN_CHECKS,
            Perm.HANDLE_FINDINGS,
        }
    ),
    Role.COUNTY_REVIEWER: frozenset(
        _ALL_VIEW
        | {
            Perm.VIEW_FULL_ID,
            Perm.VIEW_SENSITIVE,
            *_HANDLE,
            Perm.DECIDE_CASES,
            Perm.SPOT_CHECK,
            Perm.IMPORT_REGISTRIES,
            Perm.RUN_CHECKS,
            Perm.HANDLE_FINDINGS,
        }
    ),
    Role.TOWNSHIP_OFFICER: frozenset(
        _ALL_VIEW
        | {
            Perm.EDIT_HOUSEHOLDS,
            Perm.IMPORT_HOUSEHOLDS,
            Perm.VIEW_FULL_ID,
            Perm.VIEW_SENSITIVE,
            *_HANDLE,
            Perm.DECLARE_KIN,
            Perm.HANDLE_FINDINGS,
        }
    ),
    Role.TOWNSHIP_HEAD: frozenset(
        _ALL_VIEW
        | {Perm.VIEW_FULL_ID, Perm.VIEW_SENSITIVE, Perm.DECIDE_CASES, Perm.HANDLE_FINDINGS}
    ),
    # R4: village committees discover and report needy households and assist; they register
    # applications but do not accept, investigate on their own account or decide.
    Role.VILLAGE_ASSISTANT: frozenset(_ALL_VIEW | {Perm.EDIT_HOUSEHOLDS, Perm.REGISTER_CASES}),
    Role.INSPECTOR: frozenset(
        _ALL_VIEW | {Perm.VIEW_FULL_ID, Perm.VIEW_SENSITIVE, Perm.VIEW_AUDIT}
    ),
    Role.FINANCE: frozenset(_ALL_VIEW),
    Role.AUDITOR: frozenset(_ALL_VIEW | {Perm.VIEW_SENSITIVE, Perm.VIEW_AUDIT}),
}


def role_can(role: str, perm: Perm) -> bool:
    try:
        return perm in PERMISSIONS[Role(role)]
    except ValueError:
        return False
