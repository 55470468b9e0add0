"""The key's format, its hash and its comparison; what each scope grants (no database)."""

import hashlib

import pytest

from jiuzhu.accounts.roles import PERMISSIONS, Perm, Role
from jiuzhu.api import keys
from jiuzhu.api.scopes import SCOPE_PERMS, SCOPES, perms_of


def test_a_new_key_has_a_prefix_a_256_bit_secret_and_is_stored_as_its_sha256():
    new = keys.new_key()
    assert new.plaintext.startswith(f"jz_{new.prefix}_")
    secret = new.plaintext.split("_", 2)[2]
    assert len(secret) == 43  # 32 random bytes, URL-safe base64
    assert new.digest == hashlib.sha256(new.plaintext.encode()).hexdigest()
    assert new.plaintext not in new.digest
    assert keys.prefix_of(new.plaintext) == new.prefix
    assert keys.matches(new.plaintext, new.digest)


def test_keys_differ_and_a_changed_character_does_not_match():
    a, b = keys.new_key(), keys.new_key()
    assert a.prefix != b.prefix and a.plaintext != b.plaintext
    changed = a.plaintext[:-1] + ("A" if a.plaintext[-1] != "A" else "B")
    assert not keys.matches(changed, a.digest)
    assert not keys.matches(b.plaintext, a.digest)


@pytest.mark.parametrize(
    "text",
    ["", "jz_", "jz_abcdefgh", "jz_ABCDEFGH_" + "x" * 43, "jz_abcdefgh_" + "x" * 42,
     "jz_abcdefgh_" + "x" * 44, "xx_abcdefgh_" + "x" * 43, "jz_abcdefgh_" + "é" * 43, None],
)  # fmt: skip
def test_anything_but_a_well_formed_key_has_no_prefix(text):
    assert keys.prefix_of(text) is None


def test_each_scope_grants_only_its_permissions_and_the_api_role_is_their_union():
    assert perms_of(["roster:read"]) == {Perm.VIEW_HOUSEHOLDS}
    assert perms_of(["snapshots:write"]) == {Perm.IMPORT_REGISTRIES}
    assert perms_of([]) == frozenset() and perms_of(["admin:all"]) == frozenset()
    union = frozenset().union(*SCOPE_PERMS.values())
    assert PERMISSIONS[Role.API] == union
    assert set(SCOPES) == set(SCOPE_PERMS)
    never = {Perm.VIEW_FULL_ID, Perm.VIEW_SENSITIVE, Perm.MANAGE_USERS, Perm.MANAGE_API_KEYS}
    assert not union & never
