"""Building unsaved registry rows with every derived field filled (ciphertext, lookup hash,
mask, pinyin keys). Shared by the import writer and the demo generator; callers save them."""

from datetime import date

from jiuzhu.core import crypto

from .models import Household, Person, Source
from .namekeys import name_initials, name_pinyin
from .sensitive import protect_bank_account, protect_id_number, protect_phone


def build_household(
    *,
    number: str,
    village,
    address: str,
    area_type: str,
    head_name: str,
    phone: str = "",
    bank_name: str = "",
    bank_account: str = "",
    source: str = Source.MANUAL,
    import_batch=None,
) -> Household:
    township = village.parent
    h = Household(
        number=number,
        county_id=township.parent_id,
        township_id=township.pk,
        village_id=village.pk,
        address=address,
        area_type=area_type,
        head_name=head_name,
        bank_name=bank_name,
        source=source,
        import_batch=import_batch,
    )
    if phone:
        p = protect_phone(phone)
        h.phone_cipher, h.phone_masked = p.cipher, p.masked
    if bank_account:
        b = protect_bank_account(bank_account)
        h.bank_account_cipher, h.bank_account_hash, h.bank_account_masked = (
            b.cipher,
            b.hash,
            b.masked,
        )
    return h


def build_person(
    *,
    household: Household,
    name: str,
    id_number: str,
    birth_date: date,
    sex: str,
    relation: str,
    hukou_type: str,
    ethnicity: str = "",
    labour_capacity: str = "full",
    disability_type: str = "",
    disability_grade: int | None = None,
    health_status: str = "healthy",
    health_note: str = "",
) -> Person:
    """`id_number` must already be validated and normalised (core.idnumber.parse_resident_id)."""
    protected = protect_id_number(id_number)
    return Person(
        household=household,
        relation=relation,
        name=name,
        name_initials=name_initials(name),
        name_pinyin=name_pinyin(name),
        id_cipher=protected.cipher,
        id_hash=protected.hash,
        id_masked=protected.masked,
        birth_date=birth_date,
        sex=sex,
        ethnicity=ethnicity,
        hukou_type=hukou_type,
        labour_capacity=labour_capacity,
        disability_type=disability_type,
        disability_grade=disability_grade,
        health_status=health_status,
        health_note_cipher=crypto.encrypt(health_note),
    )


def household_number(village_code: str, serial: int) -> str:
    """户编号: the village's 12-digit code and a 5-digit serial within the village."""
    return f"{village_code}{serial:05d}"
