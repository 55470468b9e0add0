"""Phonetic search keys for Chinese names (pure: no Django). Surnames use their surname
reading (单 shan, 曾 zeng, 解 xie, 仇 qiu, 区 ou, 朴 piao, 查 zha), which differs from the
common reading pypinyin would pick."""

from pypinyin import Style, lazy_pinyin

SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "朴": "piao",
    "查": "zha",
    "覃": "qin",
    "盖": "ge",
    "尉": "yu",
    "乐": "yue",
    "缪": "miao",
    "种": "chong",
    "繁": "po",
    "长孙": "zhangsun",
    "万俟": "moqi",
    "尉迟": "yuchi",
}
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "长孙", "尉迟", "万俟", "令狐")


def split_surname(name: str) -> tuple[str, str]:
    for compound in COMPOUND_SURNAMES:
        if name.startswith(compound) and len(name) > len(compound):
            return compound, name[len(compound) :]
    return name[:1], name[1:]


def _syllables(text: str) -> list[str]:
    return [s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors="ignore")]


def name_syllables(name: str) -> list[str]:
    name = (name or "").strip()
    if not name:
        return []
    surname, given = split_surname(name)
    head = SURNAME_READINGS.get(surname)
    surname_syllables = [head] if head else _syllables(surname)
    return surname_syllables + _syllables(given)


def name_pinyin(name: str) -> str:
    """张伟 → zhangwei"""
    return "".join(name_syllables(name))


def name_initials(name: str) -> str:
    """张伟 → zw; 单田芳 → stf"""
    return "".join(s[0] for s in name_syllables(name) if s)
