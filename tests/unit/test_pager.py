"""The pager's page numbers: first, last and a window round the current page."""

from django.core.paginator import Paginator

from jiuzhu.core.templatetags.jiuzhu import page_numbers


def numbers(count: int, current: int) -> list:
    return page_numbers(Paginator(range(count), 10).get_page(current))


def test_a_few_pages_are_all_shown():
    assert numbers(30, 2) == [1, 2, 3]


def test_gaps_are_marked_and_the_ends_kept():
    assert numbers(200, 10) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert numbers(200, 1) == [1, 2, 3, None, 20]
    assert numbers(200, 20) == [1, None, 18, 19, 20]


def test_no_gap_mark_between_neighbours():
    assert numbers(60, 4) == [1, 2, 3, 4, 5, 6]
