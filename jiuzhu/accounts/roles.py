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
    # Command-line, scheduled and demo work: a named account that cannot log in (accounts.system)
    SYSTEM = "system"


ROLE_LABELS = {
    Role.COUNTY_ADMIN: "县级管理员",
    Role.COUNTY_REVIEWER: "县级审核确认人员",
    Role.TOWNSHIP_OFFICER: "乡镇民政经办人员",
    Role.TOWNSHIP_HEAD: "乡镇负责人",
    Role.VILLAGE_ASSISTANT: "村（居）委会协办人员",
    Role.INSPECTOR: "纪检监察人员",
    Role.FINANCE: "财政人员",
    Role.AUDITOR: "审计人员",
    Role.SYSTEM: "系统",
}

# The roles a person can be given (the system role belongs to system actors only).
STAFF_ROLES = tuple(r for r in Role if r != Role.SYSTEM)

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
    RECORD_COMPLAINTS = "record_complaints"  # record a complaint about a case (forces a visit, R3)
    CHANGE_ENROLMENTS = "change_enrolments"  # stop or reduce a payment (异动, R17)
    MANAGE_REGIONS = "manage_regions"  # load the region tree (the operator, at the command line)


_ALL_VIEW = {Perm.VIEW_HOUSEHOLDS, Perm.VIEW_SETTINGS, Perm.VIEW_CASES, Perm.VIEW_FINDINGS}
_HANDLE = {Perm.REGISTER_CASES, Perm.HANDLE_CASES}
# Who may act on a finding may also stop or reduce the payment it concerns.
_FINDINGS = {Perm.HANDLE_FINDINGS, Perm.CHANGE_ENROLMENTS}
PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.COUNTY_ADMIN: frozenset(
        _ALL_VIEW
        | _HANDLE
        | _FINDINGS
        | {
            Perm.EDIT_HOUSEHOLDS,
            Perm.IMPORT_HOUSEHOLDS,
            Perm.VIEW_FULL_ID,
            Perm.VIEW_SENSITIVE,
            Perm.VIEW_AUDIT,
            Perm.MANAGE_USERS,
            Perm.MANAGE_SETTINGS,
            Perm.DECLARE_KIN,
            Perm.SPOT_CHECK,
            Perm.IMPORT_REGISTRIES,
            Perm.RUN_CHECKS,
            Perm.RECORD_COMPLAINTS,
        }
    ),
    Role.COUNTY_REVIEWER: frozenset(
        _ALL_VIEW
        | _HANDLE
        | _FINDINGS
        | {
            Perm.VIEW_FULL_ID,
            Perm.VIEW_SENSITIVE,
            Perm.DECIDE_CASES,
            Perm.SPOT_CHECK,
            Perm.IMPORT_REGISTRIES,
            Perm.RUN_CHECKS,
            Perm.RECORD_COMPLAINTS,
        }
    ),
    Role.TOWNSHIP_OFFICER: frozenset(
        _ALL_VIEW
        | _HANDLE
        | _FINDINGS
        | {
            Perm.EDIT_HOUSEHOLDS,
            Perm.IMPORT_HOUSEHOLDS,
            Perm.VIEW_FULL_ID,
            Perm.VIEW_SENSITIVE,
            Perm.DECLARE_KIN,
            Perm.RECORD_COMPLAINTS,
        }
    ),
    Role.TOWNSHIP_HEAD: frozenset(
        _ALL_VIEW
        | _FINDINGS
        | {Perm.VIEW_FULL_ID, Perm.VIEW_SENSITIVE, Perm.DECIDE_CASES, Perm.RECORD_COMPLAINTS}
    ),
    # R4: village committees discover and report needy households and assist; they register
    # applications but do not accept, investigate on their own account or decide.
    Role.VILLAGE_ASSISTANT: frozenset(_ALL_VIEW | {Perm.EDIT_HOUSEHOLDS, Perm.REGISTER_CASES}),
    # The discipline-inspection office receives complaints (R19) and reads everything.
    Role.INSPECTOR: frozenset(
        _ALL_VIEW
        | {Perm.VIEW_FULL_ID, Perm.VIEW_SENSITIVE, Perm.VIEW_AUDIT, Perm.RECORD_COMPLAINTS}
    ),
    Role.FINANCE: frozenset(_ALL_VIEW),
    Role.AUDITOR: frozenset(_ALL_VIEW | {Perm.VIEW_SENSITIVE, Perm.VIEW_AUDIT}),
    # The operator's command line and scheduled work: accounts, settings, regions, the calendar.
    Role.SYSTEM: frozenset(
        _ALL_VIEW | {Perm.MANAGE_USERS, Perm.MANAGE_SETTINGS, Perm.MANAGE_REGIONS}
    ),
}


def role_can(role: str, perm: Perm) -> bool:
    try:
        return perm in PERMISSIONS[Role(role)]
    except ValueError:
        return False
