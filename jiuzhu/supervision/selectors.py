"""Reading the audit trail within the reader's jurisdiction (the inspector's pages)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from jiuzhu.accounts.jurisdiction import region_ids_q
from jiuzhu.accounts.roles import Role
from jiuzhu.core.audit_labels import ACTION_LABELS, action_label
from jiuzhu.core.audit_values import actor_label, describe_changes
from jiuzhu.core.models import AuditAnchor, AuditCheck, AuditEntry
from jiuzhu.regions.models import Region
from jiuzhu.registry.selectors import household_get, households_for  # the registry owns households

# The action dropdown: groups of actions by the prefix of their code, in the officer's terms.
ACTION_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("cases", "申请办理", ("case.", "spotcheck.", "kin.")),
    ("registry", "家庭与人员", ("household.", "person.", "income.", "asset.", "import.")),
    (
        "payments",
        "发放",
        (
            "enrolment.",
            "change.",
            "payroll.",
            "bank.",
            "adjustment.",
            "recovery.",
            "review.",
            "referral.",
            "roster.",
        ),
    ),
    ("crosscheck", "比对核查", ("crosscheck.",)),
    ("supervision", "问题线索", ("clue.",)),
    ("accounts", "账号", ("user.",)),
    ("settings", "参数", ("settings.", "holidays.", "regions.")),
    ("audit", "审计", ("audit.",)),
    ("other", "其他", ("demo.",)),
)
GROUP_VALUE = "group:"  # an option's value naming a whole group ("group:payments")
MAX_HOUSEHOLDS = 500  # households a name may match; more asks for a longer name
_DIGITS = re.compile(r"[0-9]+")


def _group_of(action: str) -> str:
    for key, _, prefixes in ACTION_GROUPS:
        if action.startswith(prefixes):
            return key
    return "other"


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The action dropdown: (group label, [(value, label)]), each group first offered whole.
    The values are codes; the officer sees only Chinese."""
    out = []
    for key, label, _ in ACTION_GROUPS:
        actions = sorted(
            (code for code in ACTION_LABELS if _group_of(code) == key),
            key=lambda code: list(ACTION_LABELS).index(code),
        )
        options = [(GROUP_VALUE + key, f"全部{label}操作")]
        options += [(code, ACTION_LABELS[code]) for code in actions]
        out.append((label, options))
    return out


def action_values() -> set[str]:
    return {value for _, options in action_choices() for value, _ in options}


def _action_q(action: str) -> Q:
    if action.startswith(GROUP_VALUE):
        key = action.removeprefix(GROUP_VALUE)
        prefixes = next(p for k, _, p in ACTION_GROUPS if k == key)
        q = Q()
        for prefix in prefixes:
            q |= Q(action__startswith=prefix)
        if key == "other":  # and whatever no group claims
            q |= Q(action__in=[c for c in ACTION_LABELS if _group_of(c) == "other"])
        return q
    return Q(action=action)


def actions_matching(text: str) -> list[str]:
    """Action codes whose Chinese label (or code) contains `text`: 停发 → enrolment.stop."""
    needle = text.strip().lower()
    return [code for code, label in ACTION_LABELS.items() if needle in label or needle in code]


def county_users(user) -> list[tuple[int, str]]:
    """The people who may appear in the reader's trail: the accounts of the reader's regions and
    the system actors, as (id, 姓名（角色）)."""
    regions = Region.objects.filter(region_ids_q(user)).values("pk")
    users = (
        get_user_model()
        .objects.filter(Q(region_id__in=regions) | Q(role=Role.SYSTEM))
        .order_by("role", "full_name", "pk")
    )
    return [(u.pk, actor_label(u)) for u in users]


@dataclass(frozen=True)
class AuditFilter:
    """What the reader asked for; every part optional."""

    action: str = ""  # an action code or GROUP_VALUE + a group key
    text: str = ""  # words of an action's Chinese label
    actor_id: int | None = None
    household: str = ""  # a household number or a head's name
    household_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _households(user, text: str) -> QuerySet:
    """Households within the reader's jurisdiction whose number or head's name is `text`."""
    mine = households_for(user)
    if _DIGITS.fullmatch(text):
        return mine.filter(number__startswith=text).values("pk")[:MAX_HOUSEHOLDS]
    return mine.filter(head_name__contains=text).values("pk")[:MAX_HOUSEHOLDS]


def entries_for(*, user, filters: AuditFilter) -> tuple[QuerySet[AuditEntry], str]:
    """The entries the filters select, newest first, and what the page is about."""
    entries = AuditEntry.objects.select_related("actor").order_by("-seq")
    subject = "全部操作"
    if filters.household_id is not None:
        household = household_get(user=user, pk=filters.household_id)  # 404 outside jurisdiction
        entries, subject = entries.filter(household_id=household.pk), f"家庭：{household}"
    elif filters.household:
        ids = list(_households(user, filters.household))
        entries = entries.filter(household_id__in=[row["pk"] for row in ids])
        subject = f"家庭：{filters.household}"
    if filters.actor_id is not None:
        actor = get_user_model().objects.filter(pk=filters.actor_id).first()
        if actor is None:
            raise Http404("没有找到该用户")
        entries = entries.filter(actor=actor)
        subject = f"操作人：{actor_label(actor)}"
    if filters.action:
        entries = entries.filter(_action_q(filters.action))
    if filters.text:
        entries = entries.filter(action__in=actions_matching(filters.text))
    if filters.date_from:
        entries = entries.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        entries = entries.filter(at__lt=_day_start(filters.date_to + timedelta(days=1)))
    return entries, subject


def export_rows(entries):
    """The rows of the audit trail's Excel export, in Chinese like the page."""
    for e in entries.iterator(chunk_size=2000):
        changes = "；".join(
            f"{label}：{old} → {new}" if old else f"{label}：{new}"
            for label, old, new in describe_changes(e.old or {}, e.new or {}, e.action)
        )
        yield (
            e.seq,
            e.at,
            actor_label(e.actor if e.actor_id else None, e.actor_name),
            action_label(e.action),
            e.object_repr,
            changes,
            e.reason,
            e.ip,
        )


def audit_checks(*, limit: int = 50) -> QuerySet[AuditCheck]:
    """The latest verifications of the audit chain (the chain is one for the whole database:
    whoever may read the audit trail sees them all)."""
    return AuditCheck.objects.order_by("-at", "-id")[:limit]


def audit_last_passed() -> AuditCheck | None:
    return AuditCheck.objects.filter(passed=True).order_by("-at", "-id").first()


def audit_anchors(*, limit: int = 50) -> QuerySet[AuditAnchor]:
    return AuditAnchor.objects.order_by("-at", "-id")[:limit]


def audit_anchor_get(*, pk: int) -> AuditAnchor:
    anchor = AuditAnchor.objects.filter(pk=pk).first()
    if anchor is None:
        raise Http404
    return anchor
