"""The reports' entry points (R21), for the pages, the Excel export and the API.

``form_build(*, actor, code, region, month) -> FormResult`` — the form `code` (a key of
:data:`FORMS`) for `region` (a Region, its id or 12-digit code; empty: the actor's own region)
and `month` (``YYYY-MM``; a quarterly form also takes ``YYYY-Q4``, a half-year form
``YYYY-H2``, and a month is read as its quarter or half). The actor needs VIEW_REPORTS and the
region must lie in the actor's jurisdiction; errors are :class:`~jiuzhu.core.errors.JiuzhuError`
with a Chinese message (PermissionDenied, ValidationFailed). See
:class:`jiuzhu.reports.definitions.FormResult` for what comes back: ``rows`` (one per
sub-region, each with ``region_id``, ``label`` and ``cells``: column key → Cell(value, keys,
weights)), ``total`` (合计), ``columns`` (the header tree; ``result.leaves()`` the data
columns), ``frozen_at`` (set when the period is sealed and the figures come from the sealed
copy). :func:`jiuzhu.reports.frozen.result_to_dict` turns it into JSON.

``form_seal(*, actor, month)`` — 封存: a county officer closes a month that has ended. Every
monthly form of the month (and the quarterly and half-year ones when the month ends a quarter or
half-year) is built for the county and each of its townships and stored with its trace keys;
later views and exports of that period read the stored copy (a village's form is its row of
the township's copy). Reading never writes (ARCHITECTURE rule 10): a period is frozen only by
this audited POST.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit
from jiuzhu.core.errors import Conflict, ValidationFailed
from jiuzhu.core.month import Month, format_date_cn
from jiuzhu.regions.models import Region

from .catalogue import FORMS, HALF, MONTH, QUARTER, FormDef, months_of, period_label
from .definitions import FormResult
from .frozen import result_from_dict, result_to_dict
from .models import FrozenForm, SealedMonth
from .scope import Scope, resolve_scope

__all__ = ["FORMS", "FormResult", "form_build", "form_definition", "form_seal", "sealed_at"]


def form_definition(code: str) -> FormDef:
    definition = FORMS.get(str(code))
    if definition is None:
        raise ValidationFailed("没有该报表")
    return definition


def form_build(*, actor, code: str, region, month: str) -> FormResult:
    """The form for the region and period (see the module docstring)."""
    definition = form_definition(code)
    scope = resolve_scope(actor=actor, region=region)
    period, months = months_of(definition, month)
    frozen = _frozen(definition, scope, period)
    if frozen is not None:
        return frozen
    return compute(definition, scope, period, months)


def compute(definition: FormDef, scope: Scope, period: str, months: list[Month]) -> FormResult:
    rows, total, notes = definition.build(scope, months)
    return FormResult(
        code=definition.code,
        title=f"{scope.region.full_name}{definition.title}",
        units=definition.units,
        columns=definition.columns,
        rows=rows,
        total=total,
        period=period,
        region_id=scope.region.pk,
        region_name=scope.region.name,
        first_header=definition.first_header,
        notes=notes,
    )


def _frozen(definition: FormDef, scope: Scope, period: str) -> FormResult | None:
    if scope.level == Region.Level.VILLAGE:
        stored = _stored(definition.code, scope.township, period)
        if stored is None:
            return None
        row = stored.row_for(scope.region.pk)
        if definition.is_register:
            rows = [r for r in stored.rows if r.household_id and _in_village(r, scope)]
            stored.rows, stored.total = rows, None
        else:
            stored.rows, stored.total = ([row] if row else []), row
        stored.title = f"{scope.region.full_name}{definition.title}"
        stored.region_id, stored.region_name = scope.region.pk, scope.region.name
        return stored
    return _stored(definition.code, scope.region, period)


def _in_village(row, scope: Scope) -> bool:
    from jiuzhu.registry.models import Household

    return Household.objects.filter(pk=row.household_id, village_id=scope.region.pk).exists()


def _stored(code: str, region: Region, period: str) -> FormResult | None:
    found = (
        FrozenForm.objects.filter(code=code, region=region, period=period)
        .select_related("sealed")
        .first()
    )
    if found is None:
        return None
    definition = FORMS[code]
    return result_from_dict(
        found.data,
        definition.columns,
        first_header=definition.first_header,
        frozen_at=format_date_cn(timezone.localtime(found.sealed.sealed_at).date()),
    )


def sealed_at(*, county: Region, period: str) -> SealedMonth | None:
    return SealedMonth.objects.filter(county=county, period=period).first()


def _periods_closed_by(month: Month) -> list[tuple[str, str]]:
    """(period kind, period key) the month closes: itself, its quarter at its end, its half."""
    out = [(MONTH, str(month))]
    if month.month % 3 == 0:
        out.append((QUARTER, f"{month.year:04d}-Q{month.month // 3}"))
    if month.month % 6 == 0:
        out.append((HALF, f"{month.year:04d}-H{month.month // 6}"))
    return out


@transaction.atomic
def form_seal(*, actor, month: str) -> list[SealedMonth]:
    """封存 the ended `month` of the actor's county (see the module docstring)."""
    require(actor, Perm.VIEW_REPORTS)
    require(actor, Perm.APPROVE_CHANGES, message="只有县级审批人员可以封存报表")
    scope = resolve_scope(actor=actor, region=None)
    if scope.level != Region.Level.COUNTY:
        raise ValidationFailed("报表由县级封存")
    target = months_of(FORMS["assistance_monthly"], month)[1][0]
    if target.last_day >= timezone.localdate():
        raise ValidationFailed(f"{target.label}尚未结束，不能封存")
    regions = [scope.region, *Region.objects.filter(parent=scope.region).order_by("code")]
    sealed = []
    for kind, period in _periods_closed_by(target):
        if SealedMonth.objects.filter(county=scope.county, period=period).exists():
            if kind == MONTH:
                raise Conflict(f"{period_label(period)}的报表已封存")
            continue
        seal = SealedMonth.objects.create(county=scope.county, period=period, sealed_by=actor)
        _freeze_all(seal, kind, period, regions, actor)
        sealed.append(seal)
    return sealed


def _freeze_all(seal: SealedMonth, kind: str, period: str, regions, actor) -> None:
    count = 0
    for definition in FORMS.values():
        if definition.period != kind:
            continue
        months = months_of(definition, period)[1]
        for region in regions:
            scope = resolve_scope(actor=actor, region=region)
            result = compute(definition, scope, period, months)
            FrozenForm.objects.create(
                sealed=seal,
                code=definition.code,
                region=region,
                period=period,
                data=result_to_dict(result),
            )
            count += 1
    audit.record(
        action="reports.seal",
        actor=actor,
        obj=seal,
        new={"period": period, "forms": count},
    )
