"""Assertions shared by the rules tests."""

import re

_HAN = re.compile(r"[\u4e00-\u9fff]")


def assert_chinese_lines(result) -> None:
    """Every explanation line is non-empty and contains Chinese text."""
    lines = result.lines
    assert isinstance(lines, tuple) and lines, "a result must explain itself"
    for line in lines:
        assert isinstance(line, str) and line.strip(), f"empty line in {lines!r}"
        assert _HAN.search(line), f"line without Chinese text: {line!r}"
