"""Numbers of clues and ledger entries: letters, the county's 6-digit code, the year and a serial
per county and year (XS433123-2026-0001), allocated under a lock on the county's row."""

from django.db.models import Model

from jiuzhu.regions.models import Region


def next_number(model: type[Model], letters: str, county: Region, year: int) -> str:
    Region.objects.select_for_update().filter(pk=county.pk).first()  # one numberer per county
    prefix = f"{letters}{county.code[:6]}-{year}-"
    last = (
        model.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
    ).first()
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:04d}"
