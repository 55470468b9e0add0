"""A seeded truth set for the linkage tiers: people, registry rows with realistic errors, answers.

Pure module (no Django). ``generate(n_people, n_refs, seed=…)`` draws people with realistic
Chinese names (``jiuzhu.demo.names`` plus a share of the classic duplicates 张伟, 王芳 … so that
namesakes abound), birth dates, sexes and 12-digit village codes, and valid 18-digit IDs hashed
with a plain HMAC under a test key. Each registry row is either a true record of one of those
people, with one of the errors of :data:`ERRORS`, or a record of somebody else (a namesake with
another birth date, a stranger). ``truth`` says which; :func:`evaluate` scores a link table.

The same seed always gives the same tables.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import pyarrow as pa
from opencc import OpenCC

from jiuzhu.core.idnumber import check_digit
from jiuzhu.crosscheck.linkage.names import char_readings, simplify

from .names import FEMALE_CHARS, MALE_CHARS, NEUTRAL_CHARS, NameGenerator

__all__ = [
    "ERRORS",
    "FULL_MIX",
    "NO_ID_MIX",
    "TEST_KEY",
    "Geography",
    "Quality",
    "TruthSet",
    "evaluate",
    "generate",
    "id_hash",
]

TEST_KEY = b"jiuzhu-linkage-truth-set-test-key"

#: error type -> (is a true match?, description)
ERRORS: dict[str, tuple[bool, str]] = {
    "exact": (True, "有效18位身份证号码"),
    "id15": (True, "15位旧身份证号码"),
    "id_digit": (True, "身份证号码一位错误（有出生日期）"),
    "id_digit_nodob": (True, "身份证号码一位错误（无出生日期）"),
    "id_transposed": (True, "身份证号码相邻两位颠倒"),
    "traditional_noid": (True, "繁体姓名，无身份证号码"),
    "homophone_noid": (True, "同音字姓名，无身份证号码"),
    "swapped_dm_noid": (True, "出生日期日月颠倒，无身份证号码"),
    "dob_digit_noid": (True, "出生日期一位错误，无身份证号码"),
    "missing_id": (True, "无身份证号码"),
    "namesake_other_dob": (False, "同名不同出生日期（他人）"),
    "other_noid": (False, "他人，无身份证号码"),
    "other_validid": (False, "他人，有效身份证号码"),
    "other_invalid": (False, "他人，身份证号码有误"),
}

#: Share of each error type among the registry rows (all tiers).
FULL_MIX: dict[str, float] = {
    "exact": 0.18,
    "id15": 0.05,
    "id_digit": 0.06,
    "id_digit_nodob": 0.02,
    "id_transposed": 0.02,
    "traditional_noid": 0.06,
    "homophone_noid": 0.06,
    "swapped_dm_noid": 0.05,
    "dob_digit_noid": 0.03,
    "missing_id": 0.10,
    "namesake_other_dob": 0.12,
    "other_noid": 0.12,
    "other_validid": 0.08,
    "other_invalid": 0.05,
}

#: Rows without a usable ID only (the probabilistic tier's benchmark).
NO_ID_MIX: dict[str, float] = {
    "traditional_noid": 0.10,
    "homophone_noid": 0.10,
    "swapped_dm_noid": 0.08,
    "dob_digit_noid": 0.05,
    "missing_id": 0.27,
    "namesake_other_dob": 0.20,
    "other_noid": 0.20,
}

# Classic duplicate names, drawn for a share of people on top of the demo generator's mix.
_COMMON_NAMES = {
    "M": (
        "张伟",
        "王伟",
        "李伟",
        "刘伟",
        "李强",
        "王磊",
        "李军",
        "张勇",
        "王勇",
        "张杰",
        "刘洋",
        "王军",
    ),
    "F": (
        "王芳",
        "李娜",
        "张敏",
        "李静",
        "王静",
        "张丽",
        "王秀英",
        "李秀英",
        "王艳",
        "李娟",
        "刘洋",
        "张静",
    ),
}
_COMMON_SHARE = 0.04

# Characters to draw homophones from (only pairs with the same first reading are used).
_HOMOPHONE_POOL = (
    MALE_CHARS
    + FEMALE_CHARS
    + NEUTRAL_CHARS
    + "玮炜维卫薇巍唯韦威为蔚灵凌苓翎铃龄菱伶霖临麟莉俐利立力荔黎纳芳方舫坊敬靖婧境镜京菁精"
    "竞景墙蔷君钧均筠峻骏竣郡浚捷婕洁韬滔焘陶桃钢纲岗罡朋蓬晖慧惠汇卉绘徽锋丰枫烽风封奉潮"
    "朝晁彬滨宾缤冰秉炳丙涌咏永泳雨语羽禹玉昱煜钰毓阳扬漾秀绣瑛鹰樱莺迎盈荧营影苹屏坪涓鹃隽"
    "侠峡夏燕彦延言颜妍砚眉媚玫楣湄虹宏洪鸿弘泓桂贵瑰帼桦骅铭鸣茗智治致志芝雯纹闻汶冬栋"
)
_SURNAME_HOMOPHONES = {
    "张": "章",
    "章": "张",
    "王": "汪",
    "汪": "王",
    "李": "黎",
    "黎": "李",
    "刘": "柳",
    "柳": "刘",
    "吴": "伍",
    "伍": "吴",
    "龙": "隆",
    "隆": "龙",
    "杨": "阳",
    "石": "史",
    "史": "石",
    "徐": "许",
}

_FIRST_BIRTH = date(1935, 1, 1)
_LAST_BIRTH = date(2022, 12, 31)
_s2t = OpenCC("s2t")


@lru_cache(maxsize=262144)
def _traditional(name: str) -> str:
    return _s2t.convert(name)


def id_hash(id18: str, key: bytes = TEST_KEY) -> str:
    """The keyed hash used on both sides of the truth set (HMAC-SHA256, hex)."""
    return hmac.new(key, id18.encode("ascii"), hashlib.sha256).hexdigest()


def _mask(text: str) -> str:
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def _homophone_map() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for ch in dict.fromkeys(_HOMOPHONE_POOL):
        groups.setdefault(char_readings(ch)[0], []).append(ch)
    return {
        ch: [o for o in group if o != ch]
        for group in groups.values()
        for ch in group
        if len(group) > 1
    }


@dataclass(frozen=True)
class Geography:
    """Counties × townships × villages with 12-digit codes (county 6 + township 3 + village 3)."""

    counties: int = 8
    townships: int = 15
    villages: int = 18
    prefix: str = "4331"

    def county(self, c: int) -> str:
        return f"{self.prefix}{22 + c:02d}"

    def village(self, c: int, t: int, v: int) -> str:
        return f"{self.county(c)}{100 + t:03d}{201 + v:03d}"

    def draw(self, rng: random.Random) -> tuple[int, int, int]:
        return (
            rng.randrange(self.counties),
            rng.randrange(self.townships),
            rng.randrange(self.villages),
        )


@dataclass
class _Person:
    person_id: int
    name: str
    sex: str
    birth: date
    place: tuple[int, int, int]
    id18: str


@dataclass
class TruthSet:
    """The generated tables (pyarrow) and the secrets behind the hashes and ciphers."""

    people: pa.Table
    refs: pa.Table
    truth: pa.Table  # row_no, person_id (NULL: no true match), error
    plain_ids: dict[int, str]  # person_id -> 18-digit ID
    ciphers: dict[str, str]  # id_cipher -> plain (malformed) ID text
    revealed: Counter = field(default_factory=Counter)

    def reveal_people(self, person_ids: list[int]) -> dict[int, str]:
        self.revealed["people"] += len(person_ids)
        return {pid: self.plain_ids[pid] for pid in person_ids if pid in self.plain_ids}

    def reveal_refs(self, ciphers: list[str]) -> dict[str, str]:
        self.revealed["refs"] += len(ciphers)
        return {c: self.ciphers[c] for c in ciphers if c in self.ciphers}


class _Generator:
    def __init__(self, seed: int, geography: Geography) -> None:
        self.rng = random.Random(seed)
        self.names = NameGenerator(self.rng)
        self.geo = geography
        self.used_ids: set[str] = set()
        self.homophones = _homophone_map()
        self.span = (_LAST_BIRTH - _FIRST_BIRTH).days

    # --- people ---------------------------------------------------------------------------
    def person(self, person_id: int) -> _Person:
        rng = self.rng
        sex = "M" if rng.random() < 0.5 else "F"
        if rng.random() < _COMMON_SHARE:
            name = rng.choice(_COMMON_NAMES[sex])
        else:
            name = self.names.person_name(sex)
        birth = _FIRST_BIRTH + timedelta(days=rng.randrange(self.span))
        place = self.geo.draw(rng)
        return _Person(person_id, name, sex, birth, place, self.new_id(place[0], birth, sex))

    def new_id(self, county: int, birth: date, sex: str) -> str:
        head = f"{self.geo.county(county)}{birth:%Y%m%d}"
        parity = 1 if sex == "M" else 0
        while True:
            order = self.rng.randrange(50) * 10 + self.rng.randrange(5) * 2 + parity
            first17 = f"{head}{order:03d}"
            id18 = first17 + check_digit(first17)
            if id18 not in self.used_ids:
                self.used_ids.add(id18)
                return id18

    # --- errors ---------------------------------------------------------------------------
    def one_digit(self, text: str) -> str:
        i = self.rng.randrange(len(text))
        options = [d for d in "0123456789" if d != text[i]]
        return text[:i] + self.rng.choice(options) + text[i + 1 :]

    def transposed(self, text: str) -> str:
        spots = [i for i in range(len(text) - 1) if text[i] != text[i + 1]]
        i = self.rng.choice(spots)
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]

    def homophone(self, name: str) -> str | None:
        rng = self.rng
        if name[0] in _SURNAME_HOMOPHONES and rng.random() < 0.2:
            return _SURNAME_HOMOPHONES[name[0]] + name[1:]
        spots = [i for i in range(1, len(name)) if name[i] in self.homophones]
        if not spots:
            return None
        i = rng.choice(spots)
        return name[:i] + rng.choice(self.homophones[name[i]]) + name[i + 1 :]

    def date_digit(self, born: date) -> date:
        text = f"{born:%Y%m%d}"
        while True:
            wrong = self.one_digit(text)
            try:
                other = date(int(wrong[:4]), int(wrong[4:6]), int(wrong[6:]))
            except ValueError:
                continue
            if _FIRST_BIRTH.year - 5 <= other.year <= _LAST_BIRTH.year:
                return other

    def other_date(self, born: date) -> date:
        while True:
            other = _FIRST_BIRTH + timedelta(days=self.rng.randrange(self.span))
            if other != born:
                return other

    def region(self, place: tuple[int, int, int]) -> str | None:
        """The registry's region for a true record: mostly the same village."""
        c, t, v = place
        roll = self.rng.random()
        geo = self.geo
        if roll < 0.80:
            return geo.village(c, t, v)
        if roll < 0.88:
            return geo.village(c, t, (v + 1 + self.rng.randrange(geo.villages - 1)) % geo.villages)
        if roll < 0.93:
            t2 = (t + 1 + self.rng.randrange(geo.townships - 1)) % geo.townships
            return geo.village(c, t2, self.rng.randrange(geo.villages))
        if roll < 0.98 or geo.counties == 1:
            return None
        c2 = (c + 1 + self.rng.randrange(geo.counties - 1)) % geo.counties
        return geo.village(c2, *geo.draw(self.rng)[1:])


def _draw_person(gen: _Generator, people: list[_Person], want) -> _Person:
    for _ in range(200):
        p = gen.rng.choice(people)
        if want(p):
            return p
    raise RuntimeError("no person fits the error type")


class _Refs:
    """Column lists of the registry snapshot being built."""

    COLUMNS = (
        "row_no",
        "id_hash",
        "id_cipher",
        "id_masked",
        "id_status",
        "name",
        "name_norm",
        "birth_date",
        "sex",
        "region_code",
    )

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.cols: dict[str, list] = {c: [] for c in self.COLUMNS}
        self.truth: dict[str, list] = {"row_no": [], "person_id": [], "error": []}
        self.ciphers: dict[str, str] = {}

    def add(
        self,
        *,
        error: str,
        person_id: int | None,
        name: str,
        birth: date | None,
        sex: str | None,
        region: str | None,
        id_text: str | None,
        status: str,
        hash_of: str | None,
    ) -> None:
        row_no = len(self.cols["row_no"]) + 2  # header is row 1
        cipher = None
        if status == "invalid":
            cipher = f"enc:{self.rng.getrandbits(64):016x}"  # opaque, like a Fernet token
            self.ciphers[cipher] = id_text
        values = {
            "row_no": row_no,
            "id_hash": id_hash(hash_of) if hash_of else None,
            "id_cipher": cipher,
            "id_masked": _mask(id_text) if id_text else None,
            "id_status": status,
            "name": name,
            "name_norm": simplify(name),
            "birth_date": birth,
            "sex": sex,
            "region_code": region,
        }
        for col, value in values.items():
            self.cols[col].append(value)
        self.truth["row_no"].append(row_no)
        self.truth["person_id"].append(person_id)
        self.truth["error"].append(error)


def _true_ref(gen: _Generator, refs: _Refs, people: list[_Person], error: str) -> None:
    rng = gen.rng
    sounds_like: dict[int, str] = {}

    def has_homophone(p: _Person) -> bool:
        other = gen.homophone(p.name)
        if other is not None:
            sounds_like[p.person_id] = other
        return other is not None

    want = {
        "id15": lambda p: p.birth.year < 2000,
        "traditional_noid": lambda p: _traditional(p.name) != p.name,
        "homophone_noid": has_homophone,
        "swapped_dm_noid": lambda p: p.birth.day <= 12 and p.birth.day != p.birth.month,
    }.get(error, lambda p: True)
    p = _draw_person(gen, people, want)
    name, birth, id_text, status, hash_of = p.name, p.birth, p.id18, "valid", p.id18
    if error == "id15":
        id_text, status = p.id18[:6] + p.id18[8:17], "converted15"
    elif error in ("id_digit", "id_digit_nodob"):
        id_text, status, hash_of = gen.one_digit(p.id18), "invalid", None
    elif error == "id_transposed":
        id_text, status, hash_of = gen.transposed(p.id18), "invalid", None
    elif error.endswith("_noid") or error == "missing_id":
        id_text, status, hash_of = None, "missing", None
        if error == "traditional_noid":
            name = _traditional(p.name)
        elif error == "homophone_noid":
            name = sounds_like[p.person_id]
        elif error == "swapped_dm_noid":
            birth = date(p.birth.year, p.birth.day, p.birth.month)
        elif error == "dob_digit_noid":
            birth = gen.date_digit(p.birth)
    if error == "id_digit_nodob" or (status != "missing" and rng.random() < 0.2):
        birth = None  # many registries give no separate date
    sex = None if rng.random() < 0.03 else p.sex
    refs.add(
        error=error,
        person_id=p.person_id,
        name=name,
        birth=birth,
        sex=sex,
        region=gen.region(p.place),
        id_text=id_text,
        status=status,
        hash_of=hash_of,
    )


def _false_ref(gen: _Generator, refs: _Refs, people: list[_Person], error: str) -> None:
    rng = gen.rng
    geo = gen.geo
    if error == "namesake_other_dob":
        p = rng.choice(people)
        birth = gen.other_date(p.birth)
        roll = rng.random()
        if roll < 0.2:
            place = p.place
        elif roll < 0.7:
            place = (p.place[0], *geo.draw(rng)[1:])
        else:
            place = geo.draw(rng)
        sex = p.sex
        id18 = gen.new_id(place[0], birth, sex)
        name = p.name
        if rng.random() < 0.7:
            id_text, status, hash_of = None, "missing", None
        else:
            id_text, status, hash_of = id18, "valid", id18
        refs.add(
            error=error,
            person_id=None,
            name=name,
            birth=birth,
            sex=sex,
            region=geo.village(*place),
            id_text=id_text,
            status=status,
            hash_of=hash_of,
        )
        return
    stranger = gen.person(0)
    id_text, status, hash_of = None, "missing", None
    if error == "other_validid":
        id_text, status, hash_of = stranger.id18, "valid", stranger.id18
    elif error == "other_invalid":
        id_text, status = gen.one_digit(stranger.id18), "invalid"
    refs.add(
        error=error,
        person_id=None,
        name=stranger.name,
        birth=stranger.birth,
        sex=stranger.sex,
        region=geo.village(*stranger.place),
        id_text=id_text,
        status=status,
        hash_of=hash_of,
    )


def _people_table(people: list[_Person], geo: Geography) -> pa.Table:
    return pa.table(
        {
            "person_id": pa.array([p.person_id for p in people], pa.int64()),
            "id_hash": [id_hash(p.id18) for p in people],
            "name": [p.name for p in people],
            "name_norm": [simplify(p.name) for p in people],
            "birth_date": pa.array([p.birth for p in people], pa.date32()),
            "sex": [p.sex for p in people],
            "region_code": [geo.village(*p.place) for p in people],
        }
    )


def _refs_table(refs: _Refs) -> pa.Table:
    types = {"row_no": pa.int32(), "birth_date": pa.date32()}
    return pa.table({c: pa.array(v, types.get(c, pa.string())) for c, v in refs.cols.items()})


def generate(
    n_people: int,
    n_refs: int,
    *,
    seed: int = 20261122,
    mix: dict[str, float] | None = None,
    geography: Geography | None = None,
) -> TruthSet:
    """People and registry rows; the same arguments always give the same tables."""
    geo = geography or Geography()
    gen = _Generator(seed, geo)
    people = [gen.person(pid) for pid in range(1, n_people + 1)]
    mix = mix or FULL_MIX
    kinds = list(mix)
    weights = list(itertools.accumulate(mix[k] for k in kinds))
    refs = _Refs(random.Random(seed ^ 0x5EC))
    for _ in range(n_refs):
        error = gen.rng.choices(kinds, cum_weights=weights)[0]
        if ERRORS[error][0]:
            _true_ref(gen, refs, people, error)
        else:
            _false_ref(gen, refs, people, error)
    return TruthSet(
        people=_people_table(people, geo),
        refs=_refs_table(refs),
        truth=pa.table(
            {
                "row_no": pa.array(refs.truth["row_no"], pa.int32()),
                "person_id": pa.array(refs.truth["person_id"], pa.int64()),
                "error": refs.truth["error"],
            }
        ),
        plain_ids={p.person_id: p.id18 for p in people},
        ciphers=refs.ciphers,
    )


@dataclass(frozen=True)
class Quality:
    """Precision and recall of the tiers together, overall and per error type."""

    precision: float
    recall: float
    predicted: int  # refs linked as exact, near or probable
    correct: int  # … to the right person
    true_matches: int  # refs that have a true person
    by_error: list[dict]  # error, n, correct, wrong, review, missed, per tier counts

    def report(self) -> str:
        lines = [
            f"precision {self.precision:.4f}  recall {self.recall:.4f}  "
            f"(predicted {self.predicted}, correct {self.correct}, "
            f"true matches {self.true_matches})",
            f"{'error':<20}{'n':>8}{'correct':>9}{'wrong':>7}{'review':>8}{'missed':>8}"
            f"{'rate':>8}  tiers",
        ]
        for row in self.by_error:
            rate = row["correct"] / row["n"] if row["is_match"] else 1 - row["wrong"] / row["n"]
            lines.append(
                f"{row['error']:<20}{row['n']:>8}{row['correct']:>9}{row['wrong']:>7}"
                f"{row['review']:>8}{row['missed']:>8}{rate:>8.4f}  {row['tiers']}"
            )
        return "\n".join(lines)


def evaluate(con, *, links: str, truth: str) -> Quality:
    """Score the link table ``links`` (row_no, person_id, tier) against ``truth``.

    Exact, near and probable links are predicted matches; review and no link are not.
    For a non-match row, 'rate' in the report is the share left unlinked.
    """
    rows = con.execute(f"""
        SELECT t.error, count(*) AS n,
               count(*) FILTER (l.tier IN ('exact','near','probable') AND l.person_id = t.person_id),
               count(*) FILTER (l.tier IN ('exact','near','probable')
                                AND l.person_id IS DISTINCT FROM t.person_id),
               count(*) FILTER (l.tier = 'review'),
               count(*) FILTER (l.tier IS NULL),
               string_agg(DISTINCT coalesce(l.tier, '-'), ',' ORDER BY coalesce(l.tier, '-'))
        FROM {truth} t LEFT JOIN {links} l USING (row_no)
        GROUP BY t.error ORDER BY t.error
    """).fetchall()
    by_error = []
    for error, n, correct, wrong, review, missed, tiers in rows:
        by_error.append(
            {
                "error": error,
                "is_match": ERRORS[error][0],
                "n": n,
                "correct": correct,
                "wrong": wrong,
                "review": review,
                "missed": missed,
                "tiers": tiers,
            }
        )
    predicted = sum(r["correct"] + r["wrong"] for r in by_error)
    correct = sum(r["correct"] for r in by_error)
    true_matches = sum(r["n"] for r in by_error if r["is_match"])
    return Quality(
        precision=correct / predicted if predicted else 1.0,
        recall=correct / true_matches if true_matches else 1.0,
        predicted=predicted,
        correct=correct,
        true_matches=true_matches,
        by_error=by_error,
    )
