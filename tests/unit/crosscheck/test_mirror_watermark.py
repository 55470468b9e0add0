"""When the runs' copy may be refreshed from a watermark, and when a table is fetched whole."""

from jiuzhu.crosscheck.mirror import Server, State, columns_key, watermark_for

TYPES = {"person_id": "BIGINT", "name": "VARCHAR"}
SERVER = Server(identity="7711/5/1", next_xid=5000)


def state(**changes):
    values = {
        "watermark": 4000,
        "identity": "7711/5/1",
        "columns": columns_key(TYPES),
        "rows": 1000,
        "rewritten": 10,
    } | changes
    return State(**values)


def test_a_copy_of_this_database_is_refreshed_from_its_watermark():
    assert watermark_for(state(), SERVER, TYPES) == 4000


def test_no_copy_another_database_or_other_columns_fetch_the_table_whole():
    assert watermark_for(None, SERVER, TYPES) is None
    assert watermark_for(state(identity="9999/5/1"), SERVER, TYPES) is None  # another cluster
    assert watermark_for(state(identity="7711/6/1"), SERVER, TYPES) is None  # another database
    assert watermark_for(state(), SERVER, {**TYPES, "sex": "VARCHAR"}) is None


def test_a_transaction_counter_behind_the_watermark_means_a_restored_database():
    assert watermark_for(state(watermark=5001), SERVER, TYPES) is None
    assert watermark_for(state(watermark=5000), SERVER, TYPES) == 5000


def test_half_the_rows_rewritten_since_the_whole_fetch_fetch_it_whole_again():
    assert watermark_for(state(rewritten=499), SERVER, TYPES) == 4000
    assert watermark_for(state(rewritten=500), SERVER, TYPES) is None


def test_a_copy_duckdb_cannot_open_is_replaced_by_a_new_one(tmp_path):
    from jiuzhu.crosscheck import engine, mirror

    path = tmp_path / "county-1.duckdb"
    path.write_bytes(b"not a database file" * 100)
    con = engine.connect(temp_dir=tmp_path / "spill")
    try:
        mirror.attach(con, path)
        assert mirror.state_of(con, "_people_own") is None  # empty: fetched whole
        assert con.execute("SELECT count(*) FROM mirror.refreshes").fetchall() == [(0,)]
    finally:
        con.close()
    assert path.read_bytes()[:19] != b"not a database file"
