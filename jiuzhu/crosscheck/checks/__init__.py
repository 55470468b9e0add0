"""The monthly cross-checks, one readable file each (rules R5–R9 of the GUIDE)."""

from . import assets, death, duplicates, income, kin, missed, rescreen

# Run in this order; each returns a list of base.Hit.
CHECKS = (death, kin, assets, income, missed, duplicates, rescreen)

LABELS: dict[str, str] = {
    death.CODE: death.LABEL,
    kin.CODE_KIN: kin.LABEL_KIN,
    kin.CODE_STAFF: kin.LABEL_STAFF,
    **assets.LABELS,
    income.CODE: income.LABEL,
    missed.CODE: missed.LABEL,
    **duplicates.LABELS,
    **rescreen.LABELS,
}


# Which registry each check reads (for the run page: a check without its snapshot is skipped).
NEEDS: dict[str, tuple[str, ...]] = {
    death.CODE: ("death",),
    kin.CODE_KIN: tuple(kin.KINDS),
    kin.CODE_STAFF: tuple(kin.KINDS),
    assets.CODE_VEHICLE: ("vehicle",),
    assets.CODE_MACHINE: ("vehicle",),
    assets.CODE_BUSINESS: ("business",),
    assets.CODE_REAL_ESTATE: ("real_estate",),
    income.CODE: ("pension",),
    missed.CODE: ("poverty", "disability"),
    duplicates.CODE_COUNTIES: ("neighbour",),
}

# The registries whose links a check joins to ``ctx.people(kind)`` (base.linked_people): an
# exact-only run keeps the people those links reach in one small table. The screening
# registries (poverty, disability: half a million links each at province scale) are left out,
# as missed reads ``people`` itself; a kind not listed here gets ``people``, the same rows.
LINKED_PEOPLE_KINDS = frozenset(
    {"death", *kin.KINDS, "vehicle", "business", "real_estate", "pension", "neighbour"}
)
