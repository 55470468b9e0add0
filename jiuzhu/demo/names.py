"""Realistic Chinese personal names for the seeded demo generator.

Pure module (no Django). Every draw goes through the ``random.Random`` passed in, so the
same seed always yields the same sequence of names.

Surname weights are rough shares of the population in per cent: the national figures
(about the 100 most common surnames) plus a boost for surnames typical of 凤凰县 and the
Miao/Tujia area of 湘西 (龙 吴 麻 石 杨 田 滕 欧 彭 向 侯 唐 张 廖 …). A handful of rarer
surnames, including the heteronym surnames (单 曾 解 仇 区 朴 查) and two compound
surnames (欧阳 司马), keep data-entry and pinyin code paths honest.
"""

from __future__ import annotations

import itertools
import random

# --- surnames ---------------------------------------------------------------------------
# fmt: off

#: Approximate national frequency in per cent (most common ~100 surnames).
NATIONAL_SURNAMES: dict[str, float] = {
    "王": 7.1, "李": 7.0, "张": 6.7, "刘": 5.4, "陈": 4.6, "杨": 3.1, "黄": 2.3, "赵": 2.3,
    "吴": 2.0, "周": 1.9, "徐": 1.5, "孙": 1.5, "马": 1.2, "朱": 1.2, "胡": 1.1, "郭": 1.1,
    "何": 1.1, "林": 1.0, "高": 1.0, "罗": 1.0, "郑": 0.9, "梁": 0.9, "谢": 0.8, "宋": 0.7,
    "唐": 0.7, "许": 0.7, "韩": 0.7, "冯": 0.6, "邓": 0.6, "曹": 0.6, "彭": 0.6, "曾": 0.6,
    "肖": 0.6, "田": 0.5, "董": 0.5, "袁": 0.5, "潘": 0.5, "于": 0.5, "蒋": 0.5, "蔡": 0.5,
    "余": 0.5, "杜": 0.5, "叶": 0.5, "程": 0.5, "苏": 0.4, "魏": 0.4, "吕": 0.4, "丁": 0.4,
    "任": 0.4, "沈": 0.4, "姚": 0.4, "卢": 0.4, "姜": 0.4, "崔": 0.4, "钟": 0.4, "谭": 0.4,
    "陆": 0.4, "汪": 0.3, "范": 0.3, "金": 0.3, "石": 0.3, "廖": 0.3, "贾": 0.3, "夏": 0.3,
    "韦": 0.3, "付": 0.3, "方": 0.3, "白": 0.3, "邹": 0.3, "孟": 0.3, "熊": 0.3, "秦": 0.3,
    "邱": 0.3, "江": 0.3, "尹": 0.3, "薛": 0.2, "闫": 0.2, "段": 0.2, "雷": 0.2, "侯": 0.2,
    "龙": 0.2, "史": 0.2, "陶": 0.2, "黎": 0.2, "贺": 0.2, "顾": 0.2, "毛": 0.2, "郝": 0.2,
    "龚": 0.2, "邵": 0.2, "万": 0.2, "钱": 0.2, "严": 0.2, "覃": 0.2, "武": 0.2, "戴": 0.2,
    "莫": 0.2, "孔": 0.2, "向": 0.2, "汤": 0.2, "常": 0.2,
}

#: Less common surnames, still seen in any county register.
UNCOMMON_SURNAMES: dict[str, float] = {
    "温": 0.15, "康": 0.15, "施": 0.12, "文": 0.12, "牛": 0.12, "樊": 0.12, "葛": 0.12,
    "邢": 0.1, "安": 0.1, "齐": 0.1, "易": 0.1, "乔": 0.1, "伍": 0.1, "庞": 0.1,
    "颜": 0.1, "倪": 0.1, "庄": 0.1, "聂": 0.1, "章": 0.1, "鲁": 0.1, "岳": 0.1,
    "翟": 0.1, "殷": 0.1, "詹": 0.1, "申": 0.1, "耿": 0.1, "关": 0.1, "兰": 0.1,
    "焦": 0.1, "俞": 0.1, "左": 0.1, "柳": 0.1, "甘": 0.1, "祝": 0.1, "包": 0.1,
    "宁": 0.1, "尚": 0.1, "符": 0.1, "舒": 0.1, "阮": 0.08, "柯": 0.08, "纪": 0.08,
    "梅": 0.08, "童": 0.08, "凌": 0.08, "毕": 0.08, "单": 0.06, "解": 0.05, "仇": 0.05,
    "区": 0.04, "朴": 0.04, "查": 0.05, "欧阳": 0.06, "司马": 0.03,
}

#: Extra weight for surnames common in 凤凰县 (Miao: 吴 龙 廖 石 麻 杨 …; Tujia: 田 彭 向 …).
LOCAL_BOOST: dict[str, float] = {
    "吴": 6.0, "龙": 6.0, "杨": 2.5, "麻": 3.5, "石": 3.0, "田": 2.5, "滕": 1.5, "欧": 1.2,
    "彭": 1.2, "向": 1.2, "侯": 0.8, "唐": 0.8, "张": 1.0, "廖": 1.5, "隆": 0.6, "粟": 0.4,
}

#: Share of the county's surname mix that follows the national pattern; the rest is
#: :data:`LOCAL_BOOST`.
NATIONAL_SHARE = 0.6
# fmt: on


def _merge(*tables: tuple[dict[str, float], float]) -> dict[str, float]:
    merged: dict[str, float] = {}
    for table, factor in tables:
        for name, weight in table.items():
            merged[name] = round(merged.get(name, 0.0) + weight * factor, 4)
    return merged


#: Final surname → weight table used by :meth:`NameGenerator.surname`.
SURNAME_WEIGHTS: dict[str, float] = _merge(
    (NATIONAL_SURNAMES, NATIONAL_SHARE), (UNCOMMON_SURNAMES, NATIONAL_SHARE), (LOCAL_BOOST, 1.0)
)

# --- given names ------------------------------------------------------------------------
# Characters are listed most popular first; the first ``_POPULAR`` of each pool get a
# higher weight so that classic duplicates (张伟, 王芳, 李娜 …) come up as in real life.

MALE_CHARS = (
    "伟强磊军勇杰涛超刚斌鹏辉波浩峰"
    "俊毅凯健亮龙飞鑫宇洋坤昊博豪成志国建兵武松柏山川东江旭阳翔荣胜彬光远"
    "福贵发忠德权生才雄泽轩睿皓哲铭岩锋虎彪朋兴进庆湘"
)
FEMALE_CHARS = (
    "芳娜敏静丽艳娟霞燕秀英玲桂红梅"
    "兰萍莉琴婷雪慧倩颖洁琳蓉莹露月凤菊花美娥翠珍香丹妮媛瑶怡悦璐琪晶薇蕾彤"
    "馨妍婧雯茜姗岚嫣姣娇柳莲荷蓓琼爱惠淑佩珊瑾"
)
NEUTRAL_CHARS = "文明华平林春宁安晓佳嘉子一思欣雨晨清秋永金海云新可乐和青航艺"

#: Whole two-character given names typical of their generation.
# fmt: off
MALE_CLASSIC = (
    "建华", "建国", "志强", "国强", "永强", "海波", "建军", "小龙", "俊杰", "子轩", "浩然", "宇航",
)
FEMALE_CLASSIC = (
    "秀英", "桂英", "玉兰", "海燕", "小红", "丽华", "秀兰", "美玲", "子涵", "欣怡", "雨桐", "梓涵",
)
# fmt: on

_POPULAR = 15
_POPULAR_WEIGHT = 4.0

TWO_CHAR_SHARE = 0.70
CLASSIC_SHARE = 0.08
NEUTRAL_SHARE = 0.15
REDUPLICATED_SHARE = 0.04  # 婷婷, 丹丹 … (girls only)

# --- ethnic groups ----------------------------------------------------------------------

#: 民族 shares in 凤凰县 (per cent, approximate).
ETHNIC_GROUPS: dict[str, float] = {
    "苗族": 60.0,
    "汉族": 24.0,
    "土家族": 15.0,
    "侗族": 0.4,
    "回族": 0.2,
    "白族": 0.2,
    "瑶族": 0.2,
}

SEXES = ("M", "F")


def _table(items, weights) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Population and cumulative weights for ``random.choices``."""
    return tuple(items), tuple(itertools.accumulate(weights))


def _char_table(chars: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    weights = [_POPULAR_WEIGHT if i < _POPULAR else 1.0 for i in range(len(chars))]
    return _table(chars, weights)


_SURNAMES = _table(SURNAME_WEIGHTS, SURNAME_WEIGHTS.values())
_ETHNIC = _table(ETHNIC_GROUPS, ETHNIC_GROUPS.values())
_CHARS = {"M": _char_table(MALE_CHARS), "F": _char_table(FEMALE_CHARS)}
_NEUTRAL = _char_table(NEUTRAL_CHARS)
_CLASSIC = {"M": MALE_CLASSIC, "F": FEMALE_CLASSIC}


class NameGenerator:
    """Draws surnames, given names and 民族 from one seeded ``random.Random``."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def _pick(self, table: tuple[tuple[str, ...], tuple[float, ...]]) -> str:
        population, cum_weights = table
        return self._rng.choices(population, cum_weights=cum_weights)[0]

    def surname(self) -> str:
        return self._pick(_SURNAMES)

    def _char(self, sex: str) -> str:
        if self._rng.random() < NEUTRAL_SHARE:
            return self._pick(_NEUTRAL)
        return self._pick(_CHARS[sex])

    def given_name(self, sex: str) -> str:
        """One or two characters (about 70 % two), typical of ``sex`` ("M" or "F")."""
        if sex not in SEXES:
            raise ValueError(f"sex must be 'M' or 'F', not {sex!r}")
        rng = self._rng
        if rng.random() >= TWO_CHAR_SHARE:
            return self._pick(_CHARS[sex])
        roll = rng.random()
        if roll < CLASSIC_SHARE:
            return rng.choice(_CLASSIC[sex])
        if sex == "F" and roll < CLASSIC_SHARE + REDUPLICATED_SHARE:
            char = self._pick(_CHARS["F"])
            return char + char
        first = self._char(sex)
        second = self._pick(_CHARS[sex])
        while second == first:
            second = self._pick(_CHARS[sex])
        return first + second

    def person_name(self, sex: str, *, surname: str | None = None) -> str:
        """Full name; pass ``surname`` for children who take the father's surname."""
        return (surname if surname is not None else self.surname()) + self.given_name(sex)

    def ethnic_group(self) -> str:
        return self._pick(_ETHNIC)
