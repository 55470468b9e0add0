from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiuzhu.core.idnumber import (
    VALID_PROVINCE_PREFIXES,
    IdNumberError,
    ResidentId,
    check_digit,
    convert_15_to_18,
    make_resident_id,
    normalise_id_text,
    parse_resident_id,
)

PUBLISHED_EXAMPLE = "11010519491231002X"  # the example printed in GB 11643-1999
TODAY = date.today()


def with_check(first17: str) -> str:
    return first17 + check_digit(first17)


# --- worked examples ---------------------------------------------------------------------------


def test_published_example_parses():
    rid = parse_resident_id(PUBLISHED_EXAMPLE)
    assert rid == ResidentId(
        number=PUBLISHED_EXAMPLE,
        birth_date=date(1949, 12, 31),
        sex="F",
        region_code="110105",
        converted_from_15=False,
    )


def test_check_digit_of_published_example_is_x():
    assert check_digit(PUBLISHED_EXAMPLE[:17]) == "X"


def test_check_digit_mapping_covers_every_remainder():
    # Stepping the 17th digit (weight 2) walks the remainder through all 11 values over the
    # first and second halves; collect the check characters seen for a fixed prefix.
    seen = {check_digit(f"1101051949123100{d}") for d in "0123456789"}
    seen |= {check_digit(f"1101051949123101{d}") for d in "0123456789"}
    assert seen == set("0123456789X")


def test_check_digit_rejects_bad_input():
    with pytest.raises(IdNumberError):
        check_digit("1234")
    with pytest.raises(IdNumberError):
        check_digit("1101051949123100X")


def test_fifteen_digit_id_converts():
    assert convert_15_to_18("110105491231002") == PUBLISHED_EXAMPLE


def test_convert_15_rejects_non_digits():
    with pytest.raises(IdNumberError):
        convert_15_to_18("11010549123100X")
    with pytest.raises(IdNumberError):
        convert_15_to_18("1101054912310021")


def test_fifteen_digit_id_parses_as_converted():
    rid = parse_resident_id("110105491231002")
    assert rid.number == PUBLISHED_EXAMPLE
    assert rid.converted_from_15 is True
    assert rid.birth_date == date(1949, 12, 31)
    assert rid.sex == "F"
    assert rid.region_code == "110105"


def test_male_from_odd_17th_digit():
    number = with_check("35010219800101001")
    rid = parse_resident_id(number)
    assert rid.sex == "M"
    assert rid.birth_date == date(1980, 1, 1)


def test_full_width_and_lower_case_x_normalise():
    full_width = "１１０１０５１９４９１２３１００２ｘ"
    assert normalise_id_text(full_width) == PUBLISHED_EXAMPLE
    assert normalise_id_text("11010519491231002x") == PUBLISHED_EXAMPLE
    assert normalise_id_text("１１０１０５１９４９１２３１００２Ｘ") == PUBLISHED_EXAMPLE
    assert parse_resident_id(full_width).number == PUBLISHED_EXAMPLE
    assert parse_resident_id("11010519491231002x").number == PUBLISHED_EXAMPLE


def test_spaces_including_ideographic_space_are_removed():
    raw = " 110105\u30001949 1231\t002X\u3000"
    assert normalise_id_text(raw) == PUBLISHED_EXAMPLE
    assert parse_resident_id(raw).number == PUBLISHED_EXAMPLE


def test_normalise_empty():
    assert normalise_id_text("") == ""


def test_age_on():
    rid = parse_resident_id(PUBLISHED_EXAMPLE)
    assert rid.age_on(date(2009, 12, 30)) == 59
    assert rid.age_on(date(2009, 12, 31)) == 60


# --- error messages ----------------------------------------------------------------------------


def error_of(raw, **kwargs) -> str:
    with pytest.raises(IdNumberError) as info:
        parse_resident_id(raw, **kwargs)
    assert isinstance(info.value, ValueError)
    return str(info.value)


@pytest.mark.parametrize("raw", ["", "   ", "\u3000", None])
def test_empty(raw):
    assert error_of(raw) == "身份证号码不能为空"


@pytest.mark.parametrize("raw, length", [("1101051949", 10), ("1101051949123100201", 19)])
def test_wrong_length(raw, length):
    assert error_of(raw) == f"身份证号码应为18位（或15位旧号码），实际为{length}位"


@pytest.mark.parametrize(
    "raw", ["11010519491231002A", "110105-19491231002X", "1101051949123100２X!"]
)
def test_illegal_characters(raw):
    assert error_of(raw).startswith("身份证号码含有非法字符")


def test_illegal_character_message_names_position():
    assert error_of("11010519A91231002X") == "身份证号码含有非法字符：第9位“A”"


def test_non_ascii_digits_are_illegal():
    # Arabic-Indic digit five: str.isdigit() is True but it is not allowed in an ID.
    assert error_of("1101051949123100٥X").startswith("身份证号码含有非法字符")


def test_x_only_allowed_last():
    assert error_of("1101051949123100X2").startswith("身份证号码含有非法字符")
    assert error_of("11010549123100X").startswith("身份证号码含有非法字符")


@pytest.mark.parametrize("region", ["000000", "990105", "100105", "160101", "720101", "830101"])
def test_invalid_region(region):
    number = with_check(region + "19491231002")
    assert error_of(number) == f"身份证号码前6位地区码无效：{region}"


@pytest.mark.parametrize("prefix", ["11", "15", "23", "37", "46", "54", "65", "71", "81", "82"])
def test_valid_region_prefixes(prefix):
    assert parse_resident_id(with_check(prefix + "010219800101001")).region_code.startswith(prefix)


def test_invalid_region_in_15_digit_id():
    assert error_of("990105491231002") == "身份证号码前6位地区码无效：990105"


@pytest.mark.parametrize("birth", ["19990231", "20011301", "19800000", "20230229"])
def test_invalid_birth_date(birth):
    number = with_check("110105" + birth + "002")
    assert error_of(number) == f"身份证号码中的出生日期无效：{birth}"


def test_invalid_birth_date_in_15_digit_id():
    assert error_of("110105990231002") == "身份证号码中的出生日期无效：19990231"


def test_birth_date_after_today():
    number = with_check("11010520300101002")
    assert error_of(number, today=date(2029, 12, 31)) == "身份证号码中的出生日期晚于今天"
    # the same number is fine once the date has passed
    assert parse_resident_id(number, today=date(2030, 1, 1)).birth_date == date(2030, 1, 1)


def test_birth_date_before_1900():
    number = with_check("11010518991231002")
    assert error_of(number) == "身份证号码中的出生日期早于1900年1月1日：18991231"


def test_wrong_check_digit():
    assert error_of("110105194912310021") == "身份证号码校验位错误：末位应为X，实际为1"
    good = with_check("35010219800101001")
    wrong = "0" if good[-1] != "0" else "1"
    assert error_of(good[:17] + wrong) == (
        f"身份证号码校验位错误：末位应为{good[-1]}，实际为{wrong}"
    )


# --- make_resident_id --------------------------------------------------------------------------


def test_make_resident_id_is_deterministic_and_valid():
    number = make_resident_id(
        region_code="350102", birth_date=date(1980, 1, 1), sequence=7, sex="M"
    )
    assert number == make_resident_id(
        region_code="350102", birth_date=date(1980, 1, 1), sequence=7, sex="M"
    )
    assert number[:17] == "35010219800101" + "07" + "5"
    assert parse_resident_id(number).sex == "M"


def test_make_resident_id_female_has_even_order_digit():
    number = make_resident_id(
        region_code="350102", birth_date=date(1980, 1, 1), sequence=7, sex="F"
    )
    assert number[14:17] == "074"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"region_code": "990102", "birth_date": date(1980, 1, 1), "sequence": 1, "sex": "M"},
        {"region_code": "35010", "birth_date": date(1980, 1, 1), "sequence": 1, "sex": "M"},
        {"region_code": "350102", "birth_date": date(1899, 12, 31), "sequence": 1, "sex": "M"},
        {"region_code": "350102", "birth_date": date(1980, 1, 1), "sequence": 100, "sex": "M"},
        {"region_code": "350102", "birth_date": date(1980, 1, 1), "sequence": -1, "sex": "M"},
        {"region_code": "350102", "birth_date": date(1980, 1, 1), "sequence": 1, "sex": "男"},
    ],
)
def test_make_resident_id_rejects_bad_input(kwargs):
    with pytest.raises(IdNumberError):
        make_resident_id(**kwargs)


# --- properties --------------------------------------------------------------------------------

region_codes = st.builds(
    lambda prefix, rest: f"{prefix}{rest:04d}",
    st.sampled_from(sorted(VALID_PROVINCE_PREFIXES)),
    st.integers(min_value=0, max_value=9999),
)
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=99)
sexes = st.sampled_from(["M", "F"])


@given(region=region_codes, born=birth_dates, sequence=sequences, sex=sexes)
def test_made_ids_parse_back(region, born, sequence, sex):
    number = make_resident_id(region_code=region, birth_date=born, sequence=sequence, sex=sex)
    rid = parse_resident_id(number, today=TODAY)
    assert rid.number == number
    assert len(number) == 18
    assert rid.birth_date == born
    assert rid.sex == sex
    assert rid.region_code == region
    assert rid.converted_from_15 is False


def assert_every_substitution_rejected(number: str) -> None:
    for position in range(len(number)):
        for replacement in "0123456789X":
            if replacement == number[position]:
                continue
            mutated = number[:position] + replacement + number[position + 1 :]
            with pytest.raises(IdNumberError):
                parse_resident_id(mutated, today=TODAY)


def test_every_substitution_of_published_example_rejected():
    assert_every_substitution_rejected(PUBLISHED_EXAMPLE)


@settings(max_examples=50, deadline=None)
@given(region=region_codes, born=birth_dates, sequence=sequences, sex=sexes)
def test_every_single_substitution_rejected(region, born, sequence, sex):
    number = make_resident_id(region_code=region, birth_date=born, sequence=sequence, sex=sex)
    assert_every_substitution_rejected(number)


@given(
    region=region_codes,
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)),
    order=st.integers(min_value=0, max_value=999),
)
def test_fifteen_digit_conversion_round_trip(region, born, order):
    id15 = f"{region}{born:%y%m%d}{order:03d}"
    rid = parse_resident_id(id15, today=TODAY)
    assert rid.converted_from_15 is True
    assert rid.birth_date == born
    assert rid.region_code == region
    assert rid.sex == ("M" if order % 2 else "F")
    # the converted number is itself a valid 18-digit ID
    again = parse_resident_id(rid.number, today=TODAY)
    assert again.birth_date == born
    assert again.converted_from_15 is False


@given(st.text())
def test_parse_never_raises_anything_but_id_number_error(raw):
    try:
        rid = parse_resident_id(raw, today=TODAY)
    except IdNumberError as error:
        assert str(error)
    else:
        assert len(rid.number) == 18
