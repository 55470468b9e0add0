"""How an ID number, phone or bank account is stored: ciphertext, lookup hash, masked text."""

from dataclasses import dataclass

from jiuzhu.core import crypto
from jiuzhu.core.masking import mask_bank_account, mask_id_number, mask_phone

ID_PURPOSE, BANK_PURPOSE = "resident-id", "bank-account"


@dataclass(frozen=True)
class Protected:
    cipher: str
    hash: str
    masked: str


def protect_id_number(number: str) -> Protected:
    return Protected(
        crypto.encrypt(number),
        crypto.lookup_hash(number, purpose=ID_PURPOSE),
        mask_id_number(number),
    )


def id_lookup_hash(number: str) -> str:
    return crypto.lookup_hash(number, purpose=ID_PURPOSE)


def protect_bank_account(account: str) -> Protected:
    account = account.replace(" ", "")
    return Protected(
        crypto.encrypt(account),
        crypto.lookup_hash(account, purpose=BANK_PURPOSE),
        mask_bank_account(account),
    )


def protect_phone(phone: str) -> Protected:
    return Protected(crypto.encrypt(phone), "", mask_phone(phone))
