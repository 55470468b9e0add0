"""Anchor files: signed with the anchor key's Ed25519 key, and refused when edited, signed
with another key, or damaged."""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jiuzhu.core import anchorfile
from jiuzhu.core.anchorfile import AnchorFileError, AnchorHead

KEY = anchorfile.signing_key("unit-test-anchor-key")
HEAD = AnchorHead(
    seq=40123, hash="ab" * 32, count=40123, at="2026-11-22T02:00:00+00:00", host="jiuzhu-01"
)


def test_a_signed_file_reads_back():
    data = anchorfile.dumps(HEAD, KEY)
    assert anchorfile.loads(data, KEY.public_key()) == HEAD
    fields = json.loads(data)
    assert fields["format"] == anchorfile.FORMAT and fields["seq"] == 40123
    # the public key is in the file, so the province can check it with any Ed25519 tool
    assert fields["public_key"] == anchorfile.public_key_text(KEY.public_key())


def test_the_key_is_derived_from_the_configured_text():
    same = anchorfile.signing_key("unit-test-anchor-key")
    assert anchorfile.public_key_text(same.public_key()) == anchorfile.public_key_text(
        KEY.public_key()
    )
    other = anchorfile.signing_key("another-anchor-key")
    assert anchorfile.fingerprint(other.public_key()) != anchorfile.fingerprint(KEY.public_key())
    assert len(anchorfile.fingerprint(KEY.public_key()).split()) == 4
    with pytest.raises(AnchorFileError, match="JIUZHU_AUDIT_ANCHOR_KEY"):
        anchorfile.signing_key("")


@pytest.mark.parametrize("field,value", [("seq", 40000), ("hash", "cd" * 32), ("count", 1)])
def test_an_edited_file_is_refused(field, value):
    fields = json.loads(anchorfile.dumps(HEAD, KEY))
    fields[field] = value
    with pytest.raises(AnchorFileError, match="签名无效"):
        anchorfile.loads(json.dumps(fields).encode(), KEY.public_key())


def test_a_file_signed_with_another_key_is_refused():
    forger = Ed25519PrivateKey.generate()
    data = anchorfile.dumps(HEAD, forger)  # names the forger's own public key
    with pytest.raises(AnchorFileError, match="公钥不同"):
        anchorfile.loads(data, KEY.public_key())
    fields = json.loads(data)
    fields["public_key"] = anchorfile.public_key_text(KEY.public_key())  # and claims ours
    with pytest.raises(AnchorFileError, match="签名无效"):
        anchorfile.loads(json.dumps(fields).encode(), KEY.public_key())


@pytest.mark.parametrize("data", [b"", b"{", b"[]", b'{"seq": 1}', "不是JSON".encode()])
def test_a_damaged_file_is_refused(data):
    with pytest.raises(AnchorFileError, match="无法读取"):
        anchorfile.loads(data, KEY.public_key())


def test_hash_groups_of_eight():
    groups = anchorfile.hash_groups("0123456789abcdef" * 4)
    assert (
        len(groups) == 8 and groups[0] == "01234567" and "".join(groups) == "0123456789abcdef" * 4
    )
