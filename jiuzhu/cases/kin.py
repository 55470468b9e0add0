"""Which staff are tied by a close-relative declaration to an applying household (R5)."""

from jiuzhu.registry.models import KinDeclaration, Person

from .kinship import DEFAULT_CLOSE_RELATIVES, KinMatch, kin_flags


def household_kin_matches(household, configured=DEFAULT_CLOSE_RELATIVES) -> tuple[KinMatch, ...]:
    members = {p.id_hash: p for p in Person.objects.filter(household=household)}
    declarations = KinDeclaration.objects.filter(relative_id_hash__in=list(members))
    # staff without an account are keyed by the negative declaration id: flagged, never recused
    rows = [
        (d.declarant_id or -d.pk, d.declarant_role, members[d.relative_id_hash].pk, d.kin)
        for d in declarations
    ]
    names = {p.pk: p.name for p in members.values()}
    return kin_flags(rows, names.keys(), configured, person_names=names)


def recused_user_ids(matches) -> frozenset[int]:
    return frozenset(m.staff_id for m in matches if m.staff_id > 0)
