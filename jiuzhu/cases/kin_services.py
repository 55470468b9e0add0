"""近亲属备案 (R5, S2 art. 11): staff and cadres declare close relatives; any open application
of a household holding such a relative, within the declaring officer's jurisdiction, is then
registered separately (单独登记备案). A relative living elsewhere in the county is marked by the
monthly kin cross-check, run by the county (crosscheck.checks.kin): an officer never changes, nor
learns about, a case outside their jurisdiction by declaring."""

from datetime import date

from django.db import transaction

from jiuzhu.accounts.jurisdiction import region_q
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit
from jiuzhu.core.errors import PermissionDenied, ValidationFailed
from jiuzhu.core.idnumber import IdNumberError, parse_resident_id
from jiuzhu.core.masking import mask_id_number
from jiuzhu.regions.selectors import county_of
from jiuzhu.registry.models import KinDeclaration, Person
from jiuzhu.registry.sensitive import id_lookup_hash

from .access import require
from .kinship import Kin
from .models import Application
from .workflow import DECIDED_STATUSES


@transaction.atomic
def kin_declare(
    *,
    actor,
    declarant_name: str,
    declarant_role: str,
    declarant_unit: str,
    relative_name: str,
    relative_id_number: str,
    kin: str,
    declared_on: date,
    declarant=None,
) -> KinDeclaration:
    require(actor, Perm.DECLARE_KIN)
    if actor.region is None:
        raise PermissionDenied("您的账号没有管辖区域，不能登记近亲属备案")
    if declarant_role not in KinDeclaration.Role.values:
        raise ValidationFailed(f"申报人身份无效：{declarant_role}")
    if kin not in {k.value for k in Kin}:
        raise ValidationFailed(f"亲属关系无效：{kin}")
    try:
        number = parse_resident_id(relative_id_number).number
    except IdNumberError as exc:
        raise ValidationFailed(f"亲属身份证号码有误：{exc}") from exc
    declaration = KinDeclaration.objects.create(
        declarant=declarant,
        declarant_name=declarant_name,
        declarant_role=declarant_role,
        declarant_unit=declarant_unit,
        county=county_of(actor.region),
        relative_name=relative_name,
        relative_id_hash=id_lookup_hash(number),
        relative_id_masked=mask_id_number(number),
        kin=kin,
        declared_on=declared_on,
        recorded_by=actor,
    )
    relative = Person.objects.filter(id_hash=declaration.relative_id_hash).first()
    marked = 0
    if relative is not None:
        marked = _mark_open_applications(
            actor=actor,
            household_id=relative.household_id,
            reason=f"{declarant_name}申报近亲属{relative_name}",
        )
    audit.record(
        action="kin.declare",
        actor=actor,
        obj=declaration,
        household_id=relative.household_id if relative else None,
        new={
            "declarant": declarant_name,
            "role": declarant_role,
            "kin": kin,
            "relative": declaration.relative_id_masked,
            "open_cases_marked": marked,
        },
    )
    return declaration


def _mark_open_applications(*, actor, household_id: int, reason: str) -> int:
    """Mark the household's undecided applications within the actor's jurisdiction 单独登记备案
    (R5); returns how many."""
    apps = list(
        Application.objects.select_for_update()
        .filter(region_q(actor), household_id=household_id, kin_registered=False)
        .exclude(status__in=DECIDED_STATUSES)
    )
    for app in apps:
        Application.objects.filter(pk=app.pk).update(kin_registered=True)
        audit.record(
            action="case.kin_registered",
            actor=actor,
            obj=app,
            household_id=household_id,
            new={"kin_registered": True},
            reason=reason,
        )
    return len(apps)
