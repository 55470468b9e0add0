"""近亲属备案 (R5, S2 art. 11): staff and cadres declare close relatives; any open application
of a household holding such a relative is then registered separately (单独登记备案)."""

from datetime import date

from django.db import transaction

from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit
from jiuzhu.core.errors import PermissionDenied, ValidationFailed
from jiuzhu.core.idnumber import IdNumberError, parse_resident_id
from jiuzhu.core.masking import mask_id_number
from jiuzhu.regions.selectors import county_of

from .models import KinDeclaration, Person
from .sensitive import id_lookup_hash


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
    from jiuzhu.cases.kinship import Kin

    if not actor.can(Perm.DECLARE_KIN):
        raise PermissionDenied("您没有登记近亲属备案的权限")
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
        from jiuzhu.cases.services import kin_mark_open_applications

        marked = kin_mark_open_applications(
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
