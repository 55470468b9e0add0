"""Reads of enrolments."""

from django.db.models import BigIntegerField, F, QuerySet
from django.db.models.functions import Cast, Round

from jiuzhu.core import rowxid

from .models import Enrolment

ENROLMENT_EXPORT_COLUMNS = {
    "enrolment_id": ("id", "BIGINT"),
    "household_id": ("household_id", "BIGINT"),
    "person_id": ("person_id", "BIGINT"),
    "application_id": ("application_id", "BIGINT"),
    "programme_code": ("programme__code", "VARCHAR"),
    # in fen: whole numbers decode faster than PostgreSQL's numeric (export.FEN)
    "monthly_amount": ("monthly_amount_fen", "FEN"),
    "members": ("members", "INTEGER"),
    "start_month": ("start_month", "VARCHAR"),
    "end_month": ("end_month", "VARCHAR"),
    "status": ("status", "VARCHAR"),
    "township_id": ("township_id", "BIGINT"),
    "village_id": ("village_id", "BIGINT"),
}


def enrolments_for_export(*, county_id: int, written_since: int | None = None) -> QuerySet:
    """Every enrolment of the county (the checks pick those in force in the month), or those
    written by transaction `written_since` or later (row_xid; see jiuzhu.crosscheck.mirror)."""
    enrolments = Enrolment.objects.filter(county_id=county_id)
    if written_since is not None:
        enrolments = enrolments.filter(row_xid__gte=written_since)
    return (
        enrolments
        # rounded: SQLite multiplies the stored decimal as a float
        .annotate(monthly_amount_fen=Cast(Round(F("monthly_amount") * 100), BigIntegerField()))
        .values_list(*[field for field, _ in ENROLMENT_EXPORT_COLUMNS.values()])
        .order_by()
    )


def enrolments_gone_since(*, xid: int) -> QuerySet:
    """Keys of enrolments deleted or moved to another county by transaction `xid` or later."""
    return rowxid.gone_since(Enrolment, xid)
