"""The demo's keys file gains the audit keys: a new one has them, an older one without them gets
them added once (keeping its other keys), and a second start reads the same keys back."""

import json
import stat

from jiuzhu.core.localkeys import ADDED_LATER, load_or_create_local_keys


def test_a_new_keys_file_has_the_audit_keys(tmp_path):
    keys = load_or_create_local_keys(tmp_path)
    assert {"audit_key", "audit_anchor_key"} <= keys.keys()
    assert len({keys[name] for name in ("lookup_key", *ADDED_LATER)}) == 3
    assert all(len(keys[name]) >= 32 for name in ADDED_LATER)
    assert load_or_create_local_keys(tmp_path) == keys


def test_an_older_keys_file_gains_them_and_keeps_the_others(tmp_path):
    older = {"secret_key": "s" * 50, "field_key": "f" * 44, "lookup_key": "l" * 32}
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(older))
    path.chmod(0o600)
    keys = load_or_create_local_keys(tmp_path)
    assert {k: keys[k] for k in older} == older
    assert keys["audit_key"] and keys["audit_anchor_key"]
    assert json.loads(path.read_text()) == keys  # written to disk, not only returned
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_local_keys(tmp_path) == keys  # the next start: the same keys
    assert not list(tmp_path.glob(".keys.*.tmp"))
