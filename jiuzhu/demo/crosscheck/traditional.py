"""A name in traditional characters, as another agency's file may spell it (opencc s2t)."""

from functools import cache


@cache
def _converter():
    from opencc import OpenCC

    return OpenCC("s2t")


def traditional(name: str) -> str:
    return _converter().convert(name)
