"""Every ID the demo generator hands out is valid and parses back to the birth date, sex and
region it was made for; none repeats, even when one birthday is crowded."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from jiuzhu.core.idnumber import parse_resident_id
from jiuzhu.demo.plan import ALL_CODES, IdAllocator

TODAY = date(2026, 11, 22)


@settings(max_examples=60, deadline=None)
@given(
    requests=st.lists(
        st.tuples(
            st.sampled_from(ALL_CODES),
            st.dates(date(1900, 1, 1), TODAY),
            st.sampled_from(["M", "F"]),
        ),
        min_size=1,
        max_size=300,
    )
)
def test_allocated_ids_parse_back_and_never_repeat(requests):
    allocator = IdAllocator(TODAY)
    seen = set()
    for region, born, sex in requests:
        number = allocator.take(region, born, sex)
        parsed = parse_resident_id(number, today=TODAY)
        assert parsed.birth_date == born and parsed.sex == sex
        assert parsed.region_code in ALL_CODES
        assert number not in seen
        seen.add(number)


def test_a_crowded_birthday_spills_into_other_region_codes_keeping_the_date():
    allocator = IdAllocator(TODAY)
    born = TODAY - timedelta(days=365 * 30)
    numbers = [allocator.take(ALL_CODES[0], born, "F") for _ in range(250)]
    assert len(set(numbers)) == 250
    parsed = [parse_resident_id(n, today=TODAY) for n in numbers]
    assert {p.birth_date for p in parsed} == {born} and {p.sex for p in parsed} == {"F"}
    assert sum(p.region_code == ALL_CODES[0] for p in parsed) == 100  # then it moves on
