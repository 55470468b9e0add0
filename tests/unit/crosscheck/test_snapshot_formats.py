"""The registry templates (snapshot_formats) against the Parquet contract (registries.py)."""

import pytest

from jiuzhu.cases.kinship import Kin
from jiuzhu.crosscheck import snapshot_formats as fmt
from jiuzhu.crosscheck.registries import COMMON_COLUMNS, REGISTRIES, Kind
from jiuzhu.crosscheck.snapshot_check import check_rows

# Columns the import computes rather than reads from a template column.
DERIVED = {
    "row_no",
    "id_hash",
    "id_cipher",
    "id_county_hash",
    "id_masked",
    "id_status",
    "name_norm",
    "staff_id_hash",
    "staff_id_masked",
}


@pytest.mark.parametrize("kind", list(Kind))
def test_every_contract_column_is_filled_from_a_template_field(kind):
    keys = {f.key for f in fmt.fields_for(kind)}
    for column in REGISTRIES[kind].all_columns:
        assert column in DERIVED or column in keys, column


@pytest.mark.parametrize("kind", list(Kind))
def test_headers_are_unique_and_words_map_to_one_code(kind):
    headers = [h for f in fmt.fields_for(kind) for h in (f.header, *f.aliases)]
    assert len(headers) == len(set(headers))
    for f in fmt.fields_for(kind):
        words = [w for options in f.words.values() for w in options]
        assert len(words) == len(set(words)), f.header


@pytest.mark.parametrize("kind", list(Kind))
def test_the_example_row_is_valid_apart_from_being_the_example(kind):
    """Every field's example passes its own check (so the template shows a good row)."""
    from datetime import date

    row = {f.key: f.example for f in fmt.fields_for(kind)}
    row["name"] = row["name"] + "甲"  # no longer the template's example row
    result = check_rows(kind, [row], today=date(2026, 1, 1))
    assert result.errors == [] and result.rows_good == 1


def test_the_common_columns_come_first_or_after_the_staff_columns():
    assert [f.key for f in fmt.fields_for("death")][:5] == [
        "name",
        "id_number",
        "sex",
        "birth_date",
        "region_code",
    ]
    assert [f.header for f in fmt.fields_for("fiscal_staff")][:5] == [
        "工作人员姓名",
        "工作人员身份号码",
        "工作单位",
        "职务",
        "与工作人员关系",
    ]
    assert set(COMMON_COLUMNS) <= set(REGISTRIES[Kind.FISCAL_STAFF].all_columns)


def test_kin_words_cover_every_kin_and_self():
    assert set(fmt.KIN_WORDS) == {"self", *(k.value for k in Kin)}
    assert fmt.lookup_word(fmt.KIN_WORDS, "配偶的父母") == "parent_in_law"
    assert fmt.lookup_word(fmt.KIN_WORDS, "兄弟姐妹的配偶或配偶的兄弟姐妹") == "sibling_in_law"
    assert fmt.lookup_word(fmt.KIN_WORDS, "其他法定赡养扶养抚养义务人") == "legal_supporter"
    assert fmt.lookup_word(fmt.KIN_WORDS, " 本 人 ") == "self"


def test_disability_words_use_the_registry_labels():
    from jiuzhu.registry.choices import DisabilityType

    labels = {c.value: c.label for c in DisabilityType if c.value}
    assert {code: words[0] for code, words in fmt.DISABILITY_TYPE_WORDS.items()} == labels


def test_header_aliases_for_the_id_column():
    mapping = fmt.header_to_key("death")
    assert mapping["公民身份号码"] == mapping["身份证号码"] == mapping["身份证号"] == "id_number"
    assert "死亡日期" in mapping and "车辆类型" not in mapping
